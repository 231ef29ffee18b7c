"""API endpoints of the directory app (mounted by tinhso/api.py at /api/v1/directory).

Unit and agency directories are public information: every endpoint is read-only and open.
Dates default to today in Asia/Ho_Chi_Minh; a malformed date is a 422 problem document. Lists
page with ``tinhso.core.pagination.Pagination``, whose bounded offset keeps a huge ``offset``
a 422 rather than a database overflow.
"""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from tinhso.core.pagination import Pagination
from tinhso.directory import queries
from tinhso.directory.models import AdministrativeUnit, Agency, UnitSuccession
from tinhso.directory.schemas import (
    AgencyDetailOut,
    AgencyListParams,
    AgencyOut,
    AsOfParams,
    UnitDetailOut,
    UnitListParams,
    UnitOut,
)

router = Router(tags=["directory"])


def _unit_or_404(code: str, day: datetime.date) -> AdministrativeUnit:
    try:
        return queries.get_unit(code, day)
    except AdministrativeUnit.DoesNotExist:
        raise Http404(
            _("Không có đơn vị hành chính nào mang mã %(code)s vào ngày %(day)s.")
            % {"code": code, "day": day.strftime("%d/%m/%Y")}
        ) from None


def _link(link: UnitSuccession, unit: AdministrativeUnit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "weight": float(link.weight),
        "kind": link.kind,
        "inferred": link.inferred,
        "effective_date": link.effective_date,
        "legal_basis": link.legal_basis,
    }


@router.get(
    "/units",
    response=list[UnitOut],
    operation_id="directory_list_units",
    summary="Danh sách đơn vị hành chính vào một ngày",
)
@paginate(Pagination)
def list_units(request: HttpRequest, filters: Query[UnitListParams]) -> Any:
    """Units valid on ``as_of``, filtered by parent code, level and name; paged."""
    day = filters.as_of or queries.today()
    parent = _unit_or_404(filters.parent, day) if filters.parent else None
    return queries.list_units(day, parent=parent, level=filters.level, q=filters.q)


@router.get(
    "/units/{code}",
    response=UnitDetailOut,
    operation_id="directory_get_unit",
    summary="Một đơn vị hành chính và lịch sử kế thừa",
)
def get_unit(request: HttpRequest, code: str, params: Query[AsOfParams]) -> Any:
    """The unit carrying ``code`` on ``as_of``, with predecessors and (current) successors."""
    day = params.as_of or queries.today()
    unit = _unit_or_404(code, day)
    return {
        "code": unit.code,
        "name": unit.name,
        "type": unit.type,
        "level": unit.level,
        "parent": unit.parent.code if unit.parent is not None else None,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "latitude": unit.latitude,
        "longitude": unit.longitude,
        "source": unit.source,
        "note": unit.note,
        "predecessors": [_link(link, link.predecessor) for link in queries.predecessor_links(unit)],
        "successors": [_link(link, link.successor) for link in queries.successor_links(unit)],
        "current_successors": [
            {
                "code": successor.unit.code,
                "name": successor.unit.name,
                "valid_from": successor.unit.valid_from,
                "valid_to": successor.unit.valid_to,
                "weight": float(successor.weight),
                "inferred": successor.inferred,
            }
            for successor in queries.current_successors(unit)
        ],
    }


@router.get(
    "/agencies",
    response=list[AgencyOut],
    operation_id="directory_list_agencies",
    summary="Danh bạ cơ quan vào một ngày",
)
@paginate(Pagination)
def list_agencies(request: HttpRequest, filters: Query[AgencyListParams]) -> Any:
    """Agencies valid on ``as_of``, filtered by name, unit code and kind; paged."""
    day = filters.as_of or queries.today()
    unit = _unit_or_404(filters.unit, day) if filters.unit else None
    return queries.list_agencies(q=filters.q, kind=filters.kind or "", unit=unit, day=day)


@router.get(
    "/agencies/{agency_id}",
    response=AgencyDetailOut,
    operation_id="directory_get_agency",
    summary="Một cơ quan, quan hệ và mã định danh",
)
def get_agency(request: HttpRequest, agency_id: int) -> Any:
    """One agency of any date, with its identifier codes and validity."""
    try:
        return queries.get_agency(agency_id)
    except Agency.DoesNotExist:
        raise Http404(_("Không có cơ quan mã %(id)s.") % {"id": agency_id}) from None
