"""Test data for the services app, on top of the accounts test province (``build_world``).

``build_services()`` adds, with explicit names:

* identifier codes for every agency of the world (``000.00.NN.Z99``), the provincial Public
  Administration Service Centre ``centre`` (receives provincial procedures) with its one-stop
  officer ``officer_centre``; ``officer_so`` processes at Sở KH&CN and the world's
  ``leader_so`` approves there (at the communes: ``officer_a``/``leader_a``, ``officer_b``);
* procedures: ``birth`` (commune level, full online, 3 working days, steps receive → process
  → approve → return, one required document ``TK``), ``permit`` (province level, Sở KH&CN,
  partial online, 10 days, fee 100,000 đ, no document required) and ``in_person`` (commune,
  in person only).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from tinhso.accounts.choices import Role, UserKind
from tinhso.accounts.models import User
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import AgencyFactory, UserFactory, World, build_world, grant
from tinhso.directory.models import Agency, AgencyCode
from tinhso.services import actions
from tinhso.services.choices import ServiceClass
from tinhso.services.models import Dossier, Procedure, ProcedureDocument

STEPS = [
    {
        "code": "receive",
        "name": "Tiếp nhận",
        "role": "officer",
        "agency": "receiving",
        "share": 0.1,
    },
    {"code": "process", "name": "Thẩm định", "role": "officer", "agency": "deciding", "share": 0.6},
    {"code": "approve", "name": "Phê duyệt", "role": "leader", "agency": "deciding", "share": 0.2},
    {
        "code": "return",
        "name": "Trả kết quả",
        "role": "officer",
        "agency": "receiving",
        "share": 0.1,
    },
]

FIELDS = [
    {"name": "child_name", "label": "Họ và tên của trẻ", "type": "text", "required": True},
    {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True},
    {
        "name": "sex",
        "label": "Giới tính",
        "type": "select",
        "required": True,
        "choices": ["Nam", "Nữ"],
    },
]

# The smallest file that `filetype` reads as a PDF.
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class ProcedureFactory(DjangoModelFactory[Procedure]):
    """A commune-level procedure done fully online in 3 working days."""

    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"1.{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử {n}")
    field = "Hộ tịch"
    level = 3
    processing_days = 3
    service_class = ServiceClass.FULL_ONLINE
    mobile_ready = True
    fields = FIELDS
    steps = STEPS
    valid_from = datetime.date(2025, 7, 1)


def pdf_upload(name: str = "to-khai.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    """An uploaded file that passes the attachment checks (unless ``content`` says otherwise)."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class ServicesWorld:
    """The accounts world plus the one-stop set-up described in the module docstring."""

    world: World
    centre: Agency
    birth: Procedure
    permit: Procedure
    in_person: Procedure
    people: dict[str, User]

    def __getitem__(self, name: str) -> User:
        return self.people.get(name) or self.world[name]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.world, name)


def build_services() -> ServicesWorld:
    """Create the services test world described in the module docstring."""
    world = build_world()
    centre = AgencyFactory.create(
        name="Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
        kind="khac",
        unit=world.province,
        parent=world.ubnd_tinh,
    )
    agencies = [
        world.ubnd_tinh,
        world.so_khcn,
        world.trung_tam,
        world.ubnd_bac_giang,
        world.ubnd_tuan_dao,
        centre,
    ]
    for number, agency in enumerate(agencies, start=1):
        AgencyCode.objects.create(
            agency=agency, code=f"000.00.{number:02d}.Z99", valid_from=agency.valid_from
        )
    birth = ProcedureFactory.create(code="1.001193", name="Đăng ký khai sinh")
    ProcedureDocument.objects.create(procedure=birth, code="TK", name="Tờ khai", required=True)
    ProcedureDocument.objects.create(
        procedure=birth, code="GCS", name="Giấy chứng sinh", required=True, reusable=True
    )
    permit = ProcedureFactory.create(
        code="1.009972",
        name="Cấp giấy phép hoạt động đo lường",
        field="Đo lường",
        level=1,
        agency=world.so_khcn,
        processing_days=10,
        service_class=ServiceClass.PARTIAL_ONLINE,
        mobile_ready=False,
        fee_amount=100_000,
        fields=[],
    )
    in_person = ProcedureFactory.create(
        name="Chứng thực chữ ký", service_class=ServiceClass.IN_PERSON, mobile_ready=False
    )
    officer_centre = UserFactory.create(
        username="officer_centre", kind=UserKind.OFFICER, home_agency=centre
    )
    officer_so = UserFactory.create(
        username="officer_so", kind=UserKind.OFFICER, home_agency=world.so_khcn
    )
    grant(officer_centre, Role.OFFICER, Scope.of_agency(centre.pk))
    grant(officer_so, Role.OFFICER, Scope.of_agency(world.so_khcn.pk))
    return ServicesWorld(
        world=world,
        centre=centre,
        birth=birth,
        permit=permit,
        in_person=in_person,
        people={"officer_centre": officer_centre, "officer_so": officer_so},
    )


def applicant_of(user: User) -> actions.Applicant:
    """The applicant details of a citizen's account."""
    return actions.Applicant(
        name=user.full_name or user.username,
        id_number=user.citizen_id,
        phone=user.phone,
        email=user.email,
        account=user,
    )


def submitted_birth(sw: ServicesWorld, citizen: str = "citizen_a") -> Dossier:
    """A birth registration that ``citizen`` drafted, completed and submitted online."""
    user = sw[citizen]
    unit = sw.bac_giang if citizen == "citizen_a" else sw.tuan_dao
    draft = actions.save_draft(
        sw.birth,
        actor=user,
        applicant=applicant_of(user),
        form_data={"child_name": "Nguyễn Văn Bé", "birth_date": "2026-11-20", "sex": "Nam"},
        unit=unit,
    )
    actions.add_attachment(draft, actor=user, upload=pdf_upload(), document_code="TK")
    return actions.submit_dossier(draft, actor=user)


def received_birth(sw: ServicesWorld) -> Dossier:
    """A birth registration of citizen A received by phường Bắc Giang's officer."""
    return actions.receive_dossier(submitted_birth(sw), actor=sw["officer_a"])


def fake_file(content: bytes, name: str) -> SimpleUploadedFile:
    """An uploaded file with arbitrary content (for refusal tests)."""
    return SimpleUploadedFile(name, io.BytesIO(content).getvalue())


__all__ = [
    "FIELDS",
    "PDF_BYTES",
    "STEPS",
    "ProcedureFactory",
    "ServicesWorld",
    "applicant_of",
    "build_services",
    "fake_file",
    "pdf_upload",
    "received_birth",
    "submitted_birth",
]
