"""The one-stop workflow: allowed and forbidden transitions, the clock, timeliness, scoping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tinhso.core.models import AuditEntry
from tinhso.services import actions
from tinhso.services.choices import Rating, Timeliness
from tinhso.services.choices import Status as S
from tinhso.services.models import Dossier, DossierEvent
from tinhso.services.tests.factories import (
    ServicesWorld,
    applicant_of,
    fake_file,
    pdf_upload,
    received_birth,
    submitted_birth,
)
from tinhso.services.workdays import calendar
from tinhso.services.workflow import ALLOWED, StaleDossier, TransitionError, classify

FAR = dt.date(2030, 1, 2)

# How to call each action on a dossier, as the system (actor=None) so that only the
# transition rules are under test.
CALLS: dict[str, Callable[[Dossier, Any], Any]] = {
    "submit": lambda d, sw: actions.submit_dossier(d, actor=None),
    "receive": lambda d, sw: actions.receive_dossier(d, actor=None),
    "reject": lambda d, sw: actions.reject_dossier(d, actor=None, reason="Sai thẩm quyền"),
    "advance": lambda d, sw: actions.advance_dossier(d, actor=None),
    "transfer": lambda d, sw: actions.transfer_dossier(d, actor=None, to_agency=sw.so_khcn),
    "request_supplement": lambda d, sw: actions.request_supplement(d, actor=None, reason="Thiếu"),
    "supplement": lambda d, sw: actions.provide_supplement(d, actor=None),
    "request_payment": lambda d, sw: actions.request_payment(d, actor=None, amount=50_000),
    "pay": lambda d, sw: actions.confirm_payment(d, actor=None, online=True),
    "apologise": lambda d, sw: actions.apologise(d, actor=None, reason="Chậm", new_due_date=FAR),
    "suspend": lambda d, sw: actions.suspend_dossier(d, actor=None, reason="Theo quy định"),
    "withdraw": lambda d, sw: actions.withdraw_dossier(d, actor=None),
    "return": lambda d, sw: actions.return_result(d, actor=None),
    "rate": lambda d, sw: actions.rate_dossier(d, actor=None, rating=Rating.SATISFIED),
}


def _dossier_in(sw: ServicesWorld, status: str) -> Dossier:
    """A received birth registration forced into ``status`` (with what that status implies)."""
    dossier = received_birth(sw)
    extra: dict[str, Any] = {"status": status}
    if status == S.SUPPLEMENT:
        extra["paused_since"] = timezone.now()
    if status == S.DRAFT:
        extra.update(code=None, received_at=None)
    Dossier.objects.filter(pk=dossier.pk).update(**extra)
    return Dossier.objects.get(pk=dossier.pk)


@pytest.mark.parametrize("status", [s for s in S.values])
@pytest.mark.parametrize("action", sorted(CALLS))
def test_each_action_is_allowed_exactly_from_its_statuses(sw: ServicesWorld, action, status):
    dossier = _dossier_in(sw, status)
    events = DossierEvent.objects.filter(dossier=dossier).count()
    if status in ALLOWED[action]:
        CALLS[action](dossier, sw)
        assert DossierEvent.objects.filter(dossier=dossier).count() == events + 1
    else:
        with pytest.raises(TransitionError):
            CALLS[action](dossier, sw)
        fresh = Dossier.objects.get(pk=dossier.pk)
        assert fresh.status == status
        assert DossierEvent.objects.filter(dossier=dossier).count() == events


def test_full_flow_through_the_steps_with_the_right_people(sw: ServicesWorld):
    dossier = submitted_birth(sw)
    assert dossier.status == S.SUBMITTED
    assert dossier.handling_agency == sw.ubnd_bac_giang
    dossier = actions.receive_dossier(dossier, actor=sw["officer_a"], version=dossier.version)
    assert dossier.status == S.RECEIVED
    assert dossier.due_date == calendar().add(timezone.localdate(), 3)
    dossier = actions.advance_dossier(dossier, actor=sw["officer_a"])
    assert (dossier.status, (dossier.current_step or {})["code"]) == (S.PROCESSING, "process")
    dossier = actions.advance_dossier(dossier, actor=sw["officer_a"])
    assert (dossier.current_step or {})["code"] == "approve"
    with pytest.raises(PermissionDenied):  # the approval step is a leader's
        actions.advance_dossier(dossier, actor=sw["officer_a"])
    dossier = actions.advance_dossier(dossier, actor=sw["leader_a"], digital_result=True)
    assert dossier.status == S.RESOLVED
    assert dossier.finished_on == timezone.localdate()
    dossier = actions.return_result(dossier, actor=sw["officer_a"])
    assert dossier.status == S.RETURNED
    dossier = actions.rate_dossier(dossier, actor=sw["citizen_a"], rating=Rating.VERY_SATISFIED)
    assert dossier.rating == Rating.VERY_SATISFIED
    portal_codes = list(dossier.events.values_list("portal_status", flat=True))
    assert portal_codes == [1, 2, 4, 4, 9, 10, 10]
    audited = AuditEntry.objects.filter(
        object_type="services.dossier", object_id=str(dossier.pk), action__startswith="services."
    )
    assert audited.count() == 8  # draft, submit, receive, 3 × advance, return, rate


def test_provincial_dossier_is_received_by_the_centre_and_decided_by_the_department(sw):
    user = sw["citizen_b"]
    draft = actions.save_draft(
        sw.permit, actor=user, applicant=applicant_of(user), form_data={}, unit=sw.tuan_dao
    )
    dossier = actions.submit_dossier(draft, actor=user)
    assert (dossier.receiving_agency, dossier.deciding_agency) == (sw.centre, sw.so_khcn)
    dossier = actions.receive_dossier(dossier, actor=sw["officer_centre"])
    dossier = actions.advance_dossier(dossier, actor=sw["officer_centre"])
    assert dossier.handling_agency == sw.so_khcn
    with pytest.raises(PermissionDenied):
        actions.advance_dossier(dossier, actor=sw["officer_centre"])
    actions.advance_dossier(dossier, actor=sw["officer_so"])


def test_officer_of_another_agency_cannot_act(sw: ServicesWorld):
    dossier = submitted_birth(sw)
    with pytest.raises(PermissionDenied):
        actions.receive_dossier(dossier, actor=sw["officer_b"])
    with pytest.raises(PermissionDenied):
        actions.reject_dossier(dossier, actor=sw["officer_so"], reason="x")
    assert Dossier.objects.get(pk=dossier.pk).status == S.SUBMITTED


def test_a_citizen_cannot_receive_or_rate_anothers_dossier(sw: ServicesWorld):
    dossier = submitted_birth(sw)
    with pytest.raises(PermissionDenied):
        actions.receive_dossier(dossier, actor=sw["citizen_a"])
    with pytest.raises(PermissionDenied):
        actions.withdraw_dossier(dossier, actor=sw["citizen_b"])


def test_stale_version_loses_no_update(sw: ServicesWorld):
    dossier = received_birth(sw)
    seen = dossier.version
    actions.advance_dossier(dossier, actor=sw["officer_a"], version=seen)
    with pytest.raises(StaleDossier):
        actions.request_supplement(dossier, actor=sw["officer_a"], reason="Thiếu", version=seen)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.status == S.PROCESSING
    assert fresh.version == seen + 1


def test_supplement_pauses_the_clock(sw: ServicesWorld):
    dossier = received_birth(sw)
    cal = calendar()
    assert dossier.received_at is not None and dossier.due_date is not None
    received = dossier.received_at.date()
    due = dossier.due_date
    dossier = actions.request_supplement(dossier, actor=sw["officer_a"], reason="Thiếu giấy")
    # The applicant answers five working days later.
    asked = cal.add(timezone.localdate(), 0)
    Dossier.objects.filter(pk=dossier.pk).update(
        paused_since=timezone.make_aware(dt.datetime.combine(asked, dt.time(9)))
        - dt.timedelta(days=7)
    )
    waited = cal.between(asked - dt.timedelta(days=7), timezone.localdate())
    dossier = actions.provide_supplement(dossier, actor=sw["citizen_a"], comment="Đã bổ sung")
    assert waited >= 4
    assert dossier.paused_days == waited
    assert dossier.due_date == cal.add(due, waited)
    assert dossier.promised_date == dossier.due_date
    assert dossier.status == S.RECEIVED
    assert received <= dossier.due_date


def test_apology_is_the_only_way_to_a_new_date_and_does_not_make_it_on_time(sw: ServicesWorld):
    dossier = received_birth(sw)
    assert dossier.due_date is not None
    with pytest.raises(TransitionError):
        actions.apologise(dossier, actor=sw["officer_a"], reason="", new_due_date=FAR)
    with pytest.raises(TransitionError):  # not later than the current date
        actions.apologise(
            dossier, actor=sw["officer_a"], reason="Chậm", new_due_date=dossier.due_date
        )
    slip = actions.apologise(
        dossier, actor=sw["officer_a"], reason="Chờ xác minh", new_due_date=FAR
    )
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (slip.old_due_date, fresh.due_date) == (dossier.due_date, FAR)
    assert fresh.promised_date == dossier.due_date
    late_finish = dossier.due_date + dt.timedelta(days=3)
    assert (
        classify(
            received=True,
            finished_on=late_finish,
            promised=fresh.promised_date,
            supplement_count=0,
            today=late_finish,
        )
        == Timeliness.LATE
    )


def test_apology_becomes_due_a_working_day_before_the_appointment(sw: ServicesWorld):
    dossier = received_birth(sw)
    cal = calendar()
    assert dossier.due_date is not None
    assert not actions.apology_due(dossier, cal.previous(cal.previous(dossier.due_date)), cal)
    assert actions.apology_due(dossier, cal.previous(dossier.due_date), cal)
    assert actions.apology_due(dossier, dossier.due_date + dt.timedelta(days=1), cal)


@pytest.mark.parametrize(
    ("finished", "supplements", "expected"),
    [
        (dt.date(2026, 3, 9), 0, Timeliness.EARLY),
        (dt.date(2026, 3, 10), 0, Timeliness.ON_TIME),
        (dt.date(2026, 3, 11), 0, Timeliness.LATE),
        (dt.date(2026, 3, 9), 1, Timeliness.EARLY),
        (dt.date(2026, 3, 9), 2, Timeliness.LATE),
        (None, 0, Timeliness.IN_TIME),
    ],
)
def test_on_time_classification(finished, supplements, expected):
    assert (
        classify(
            received=True,
            finished_on=finished,
            promised=dt.date(2026, 3, 10),
            supplement_count=supplements,
            today=dt.date(2026, 3, 10),
        )
        == expected
    )


def test_open_dossier_past_its_date_is_overdue_and_drafts_are_not_classified():
    common: dict[str, Any] = {
        "finished_on": None,
        "promised": dt.date(2026, 3, 10),
        "supplement_count": 0,
    }
    assert classify(received=True, today=dt.date(2026, 3, 11), **common) == Timeliness.OVERDUE
    assert classify(received=False, today=dt.date(2026, 3, 11), **common) is None


def test_submission_needs_required_fields_and_documents(sw: ServicesWorld):
    user = sw["citizen_a"]
    draft = actions.save_draft(
        sw.birth, actor=user, applicant=applicant_of(user), form_data={}, unit=sw.bac_giang
    )
    with pytest.raises(TransitionError) as refused:
        actions.submit_dossier(draft, actor=user)
    text = " ".join(refused.value.messages)
    assert "Họ và tên của trẻ" in text
    assert "Tờ khai" in text
    assert "Giấy chứng sinh" not in text  # reusable from stored data
    assert Dossier.objects.get(pk=draft.pk).code is None


def test_in_person_procedure_has_no_online_draft(sw: ServicesWorld):
    user = sw["citizen_a"]
    with pytest.raises(TransitionError):
        actions.save_draft(
            sw.in_person, actor=user, applicant=applicant_of(user), form_data={}, unit=sw.bac_giang
        )


def test_counter_intake_receives_at_once(sw: ServicesWorld):
    dossier = actions.receive_at_counter(
        sw.birth,
        actor=sw["officer_a"],
        applicant=actions.Applicant(name="Lê Văn Cường", phone="0901234567"),
        form_data={"child_name": "Lê Bé"},
        receiving_agency=sw.ubnd_bac_giang,
    )
    assert dossier.status == S.RECEIVED
    assert dossier.code and dossier.code.startswith("000.00.04.Z99-")
    assert dossier.events.get().portal_status == 2
    with pytest.raises(PermissionDenied):
        actions.receive_at_counter(
            sw.birth,
            actor=sw["officer_b"],
            applicant=actions.Applicant(name="X"),
            form_data={},
            receiving_agency=sw.ubnd_bac_giang,
        )


def test_bulk_receive_reports_each_failure(sw: ServicesWorld):
    mine = [submitted_birth(sw), submitted_birth(sw)]
    theirs = submitted_birth(sw, citizen="citizen_b")
    done, failed = actions.receive_dossiers([*mine, theirs], actor=sw["officer_a"])
    assert [d.pk for d in done] == [d.pk for d in mine]
    assert len(failed) == 1
    assert str(theirs.code) in failed[0]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "don-xin.pdf", "chương trình chạy được"),
        (b"\x7fELF" + b"\x00" * 200, "anh.jpg", "chương trình chạy được"),
        (b"plain text, not a document", "ghi-chu.pdf", "không phải PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "scan.pdf", "phần mở rộng"),
        (b"", "rong.pdf", "rỗng"),
    ],
)
def test_attachment_refusals_say_why(sw: ServicesWorld, content, name, message):
    user = sw["citizen_a"]
    draft = actions.save_draft(
        sw.birth, actor=user, applicant=applicant_of(user), form_data={}, unit=sw.bac_giang
    )
    with pytest.raises(ValidationError, match=message):
        actions.add_attachment(draft, actor=user, upload=fake_file(content, name))
    assert draft.attachments.count() == 0


def test_too_big_and_infected_attachments_are_refused(sw: ServicesWorld, settings):
    user = sw["citizen_a"]
    draft = actions.save_draft(
        sw.birth, actor=user, applicant=applicant_of(user), form_data={}, unit=sw.bac_giang
    )
    settings.TINHSO_UPLOAD_MAX_MB = 1
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)
    with pytest.raises(ValidationError, match="vượt giới hạn 1 MB"):
        actions.add_attachment(draft, actor=user, upload=pdf_upload(content=big))
    infected = (
        b"%PDF-1.4\n" + rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    )
    with pytest.raises(ValidationError, match="mã độc"):
        actions.add_attachment(draft, actor=user, upload=pdf_upload(content=infected))
    settings.TINHSO_VIRUS_SCAN_COMMAND = "false"  # a scanner that exits 1: infected
    with pytest.raises(ValidationError, match="diệt virus"):
        actions.add_attachment(draft, actor=user, upload=pdf_upload())
    settings.TINHSO_VIRUS_SCAN_COMMAND = "true"
    assert actions.add_attachment(draft, actor=user, upload=pdf_upload()).sha256


def test_someone_else_cannot_attach_to_my_draft(sw: ServicesWorld):
    user = sw["citizen_a"]
    draft = actions.save_draft(
        sw.birth, actor=user, applicant=applicant_of(user), form_data={}, unit=sw.bac_giang
    )
    with pytest.raises(PermissionDenied):
        actions.add_attachment(draft, actor=sw["citizen_b"], upload=pdf_upload())
