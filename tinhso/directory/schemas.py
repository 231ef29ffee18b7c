"""Shapes of the directory API (public, read-only)."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from tinhso.directory.choices import AgencyKind, UnitLevel
from tinhso.directory.models import AdministrativeUnit, Agency

AS_OF = "Ngày tra cứu (YYYY-MM-DD); mặc định hôm nay (giờ Việt Nam)"
NAME_QUERY = "Tìm theo tên, có hoặc không dấu"


class AsOfParams(Schema):
    """The day a code is read on."""

    as_of: datetime.date | None = Field(None, description=AS_OF)


class UnitListParams(AsOfParams):
    """Filters of the unit list."""

    parent: str | None = Field(None, description="Chỉ các đơn vị trực thuộc mã này")
    level: UnitLevel | None = Field(None, description="1 tỉnh, 2 huyện, 3 xã")
    q: str = Field("", description=NAME_QUERY, max_length=100)


class AgencyListParams(AsOfParams):
    """Filters of the agency list."""

    q: str = Field("", description=NAME_QUERY, max_length=100)
    unit: str | None = Field(None, description="Mã ĐVHC của đơn vị nơi cơ quan đặt trụ sở")
    kind: AgencyKind | None = Field(None, description="Loại cơ quan")


PARENT = "Mã của đơn vị cấp trên, hoặc null"


class _UnitFields(Schema):
    code: str = Field(description="Mã ĐVHC (GSO/NSO), chuỗi có số 0 đầu: 24, 213, 07201")
    name: str
    type: str = Field(description="Loại: tinh, thanh_pho_tw, thanh_pho, huyen, thi_xa, quan, xa, …")
    level: int = Field(description="1 cấp tỉnh, 2 cấp huyện (đến 30/06/2025), 3 cấp xã")
    valid_from: datetime.date
    valid_to: datetime.date | None = Field(
        description="Ngày cuối cùng còn hiệu lực; null: hiện hành"
    )


class UnitOut(_UnitFields):
    """An administrative unit as it was on the requested day."""

    parent: str | None = Field(description=PARENT)

    @staticmethod
    def resolve_parent(obj: AdministrativeUnit) -> str | None:
        return obj.parent.code if obj.parent is not None else None


class UnitLinkOut(Schema):
    """A predecessor or successor of a unit, with the share that passed between them."""

    code: str
    name: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    weight: float = Field(description="Tỷ trọng: 1 khi nhập toàn bộ; < 1 khi chia tách")
    kind: str = Field(description="merge, split, keep hoặc rename")
    inferred: bool = Field(description="Suy luận, không có trong văn bản chính thức")
    effective_date: datetime.date
    legal_basis: str


class CurrentSuccessorOut(Schema):
    """A unit valid today (or on ``as_of``) that took over a share of the unit."""

    code: str
    name: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    weight: float = Field(description="Tích các tỷ trọng trên đường kế thừa")
    inferred: bool = Field(description="Có ít nhất một quan hệ suy luận trên đường kế thừa")


class UnitDetailOut(_UnitFields):
    """A unit with its history: the units before and after it."""

    parent: str | None = Field(description=PARENT)
    latitude: float | None
    longitude: float | None
    source: str
    note: str
    predecessors: list[UnitLinkOut]
    successors: list[UnitLinkOut]
    current_successors: list[CurrentSuccessorOut]


class UnitRefOut(Schema):
    """The unit an agency sits in."""

    code: str
    name: str
    valid_from: datetime.date
    valid_to: datetime.date | None


class AgencyRefOut(Schema):
    """Another agency named from an agency record."""

    id: int
    name: str
    valid_from: datetime.date
    valid_to: datetime.date | None


class AgencyCodeOut(Schema):
    """An identifier code (mã định danh) of an agency over an interval."""

    code: str = Field(description="V1V2V3.Z1Z2.Y1Y2.MX1X2 (QCVN 102:2016)")
    valid_from: datetime.date
    valid_to: datetime.date | None
    source: str
    verified: bool = Field(description="false: chưa đối chiếu với danh mục chính thức")


class AgencyOut(Schema):
    """A state agency (cơ quan, tổ chức)."""

    id: int
    name: str
    short_name: str
    kind: str
    unit: UnitRefOut
    parent_id: int | None
    valid_from: datetime.date
    valid_to: datetime.date | None


class AgencyDetailOut(AgencyOut):
    """An agency with its contact details, relations and identifier codes."""

    email: str
    phone: str
    address: str
    parent: AgencyRefOut | None
    predecessor: AgencyRefOut | None
    successors: list[AgencyRefOut]
    codes: list[AgencyCodeOut]

    @staticmethod
    def resolve_successors(obj: Agency) -> list[Agency]:
        return list(obj.successors.all())

    @staticmethod
    def resolve_codes(obj: Agency) -> list[object]:
        return list(obj.codes.all())
