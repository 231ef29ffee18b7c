"""API of the reporting app (mounted at /api/v1/indicators)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from tinhso.accounts.auth import api_auth
from tinhso.accounts.permissions import Perm, scope_queryset
from tinhso.core.pagination import Pagination
from tinhso.indicators import actions, exchange, queries
from tinhso.indicators.choices import Comparison
from tinhso.indicators.models import DataValue
from tinhso.indicators.periods import Period
from tinhso.indicators.schemas import DataValueSetOut, ImportSummary, TargetOut

router = Router(tags=["indicators"])


@router.get(
    "/targets",
    response=list[TargetOut],
    operation_id="indicators_targets_list",
    summary="Chỉ tiêu của Nghị quyết với giá trị hiện tại và trạng thái (targets with status)",
)
@paginate(Pagination)
def list_targets(request: HttpRequest, **kwargs: Any) -> list[dict[str, Any]]:
    """Every target, ordered by deadline: value, comparison (≥ > ≤ < ≈), status."""
    return [
        {
            "code": row.target.code,
            "name": row.target.name,
            "indicator": row.target.indicator.code,
            "comparison": Comparison(row.target.comparison).label,
            "target_value": float(row.target.target_value),
            "unit_of_measure": row.target.indicator.unit_of_measure,
            "deadline": row.target.deadline,
            "scope": row.target.scope,
            "scope_unit": row.target.scope_unit.code if row.target.scope_unit else None,
            "legal_basis": row.target.legal_basis,
            "current_value": row.current_value,
            "current_period": row.current_period,
            "projected_value": row.projected_value,
            "status": row.status.value,
        }
        for row in queries.target_rows()
    ]


CSV_TYPES = ("text/csv", "application/csv")
_VALUE_SCHEMA = {
    "type": "object",
    "properties": {
        name: {"type": "string"}
        for name in (
            "dataElement",
            "period",
            "orgUnit",
            "categoryOptionCombo",
            "attributeOptionCombo",
            "value",
            "comment",
        )
    },
    "required": ["dataElement", "value"],
}
_IMPORT_BODY = {
    "required": True,
    "description": (
        "Bộ giá trị DHIS2 dạng JSON hoặc CSV; mã định danh là mã (idScheme=code) "
        "(DHIS2 data value set as JSON or CSV, identified by codes)"
    ),
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "dataSet": {"type": "string"},
                    "period": {"type": "string"},
                    "orgUnit": {"type": "string"},
                    "completeDate": {"type": "string"},
                    "dataValues": {"type": "array", "items": _VALUE_SCHEMA},
                },
                "required": ["dataValues"],
            }
        },
        "text/csv": {"schema": {"type": "string"}},
    },
}


def _flag(text: str | None) -> bool:
    return (text or "").strip().lower() in ("true", "1", "yes")


def _check_id_schemes(**schemes: str | None) -> None:
    for name, scheme in schemes.items():
        if scheme and scheme.strip().lower() != exchange.SUPPORTED_ID_SCHEME:
            raise HttpError(
                400,
                f"{name}={scheme} không được hỗ trợ; chỉ dùng mã ({name}=code) "
                f"({name}={scheme} is not supported; only {name}=code)",
            )


def _read_payload(request: HttpRequest) -> list[exchange.RawValue]:
    content_type = (request.content_type or "").lower()
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "Nội dung phải mã hoá UTF-8 (body must be UTF-8)") from None
    try:
        if content_type in CSV_TYPES:
            return exchange.parse_csv(text)
        if content_type in ("application/json", ""):
            try:
                body = json.loads(text)
            except json.JSONDecodeError as exc:
                raise HttpError(400, f"JSON không hợp lệ: {exc} (invalid JSON: {exc})") from None
            return exchange.parse_json(body)
    except exchange.PayloadError as exc:
        raise HttpError(400, str(exc)) from None
    raise HttpError(
        415,
        f"Không hỗ trợ kiểu nội dung {content_type} (unsupported content type {content_type}; "
        "use application/json or text/csv)",
    )


def import_options(
    *, dry_run: str | None, strategy: str, **id_schemes: str | None
) -> tuple[actions.ImportStrategy, bool]:
    """Read the DHIS2 import parameters shared by every import format.

    Raises:
        HttpError: 400 for an id scheme other than ``code`` or an unknown ``importStrategy``.
    """
    _check_id_schemes(**id_schemes)
    try:
        chosen = actions.ImportStrategy(strategy.strip().upper())
    except ValueError:
        raise HttpError(
            400,
            f"importStrategy={strategy} không được hỗ trợ; dùng CREATE_AND_UPDATE, CREATE "
            f"hoặc UPDATE (importStrategy={strategy} is not supported)",
        ) from None
    return chosen, _flag(dry_run)


def import_summary(
    received: list[exchange.RawValue],
    *,
    user: Any,
    strategy: actions.ImportStrategy,
    dry_run: bool,
    conflicts: Sequence[exchange.Conflict] = (),
) -> dict[str, Any]:
    """Check and import received values; return the DHIS2 ImportSummary of the batch.

    ``conflicts`` are values the format's parser already refused (e.g. an ADX period that is
    not a reporting period); they are reported and counted as ignored like the others.
    """
    checked = exchange.check(received, user=user)
    result = actions.import_values(checked.rows, actor=user, strategy=strategy, dry_run=dry_run)
    refused = [*conflicts, *checked.conflicts]
    listed = [{"object": c.object, "value": c.value} for c in refused]
    listed += [
        {
            "object": f"{row.data_element}/{row.period}/{row.unit.code}",
            "value": reason,
        }
        for row, reason in result.skipped
    ]
    ignored = len(refused) + len(result.skipped)
    written = result.imported + result.updated
    if ignored and not written:
        status = "ERROR"
    elif ignored:
        status = "WARNING"
    else:
        status = "SUCCESS"
    description = (
        f"Nhập {result.imported}, cập nhật {result.updated}, bỏ qua {ignored} giá trị"
        f"{' (chạy thử, không ghi)' if dry_run else ''} "
        f"(imported {result.imported}, updated {result.updated}, ignored {ignored}"
        f"{', dry run' if dry_run else ''})"
    )
    return {
        "responseType": "ImportSummary",
        "status": status,
        "description": description,
        "importCount": {
            "imported": result.imported,
            "updated": result.updated,
            "ignored": ignored,
            "deleted": 0,
        },
        "conflicts": listed,
        "dryRun": dry_run,
    }


@router.post(
    "/dataValueSets",
    auth=api_auth,
    response=ImportSummary,
    operation_id="indicators_data_value_sets_import",
    summary="Nhập bộ giá trị số liệu DHIS2 (import a DHIS2 dataValueSet, JSON or CSV)",
    openapi_extra={"requestBody": _IMPORT_BODY},
)
def import_data_value_set(
    request: HttpRequest,
    dryRun: str | None = None,
    idScheme: str | None = None,
    dataElementIdScheme: str | None = None,
    orgUnitIdScheme: str | None = None,
    importStrategy: str = actions.ImportStrategy.CREATE_AND_UPDATE.value,
) -> dict[str, Any]:
    """Import values identified by codes; bad values become conflicts and are ignored.

    ``orgUnit`` codes resolve to the unit valid on the end of each value's period. Each value's
    unit must lie within the caller's ``data.change`` scope. HTTP 200 with a DHIS2
    ImportSummary (``status`` ERROR when nothing could be imported); ``dryRun=true`` checks
    and counts without writing.
    """
    strategy, dry_run = import_options(
        dry_run=dryRun,
        strategy=importStrategy,
        idScheme=idScheme,
        dataElementIdScheme=dataElementIdScheme,
        orgUnitIdScheme=orgUnitIdScheme,
    )
    received = _read_payload(request)
    user = request.auth  # type: ignore[attr-defined]
    return import_summary(received, user=user, strategy=strategy, dry_run=dry_run)


def _period_or_400(code: str) -> Period:
    try:
        return Period.parse(code)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None


def exported_values(
    request: HttpRequest,
    *,
    elements: set[str] | None,
    dataElement: list[str],
    period: list[str],
    orgUnit: list[str],
    startDate: datetime.date | None,
    endDate: datetime.date | None,
    children: str | None,
) -> list[DataValue]:
    """Stored values the caller may view, filtered as ``GET dataValueSets`` filters them.

    ``elements`` (a regime's data elements) narrows further when given.
    """
    periods = {_period_or_400(code).code for code in period}
    values = DataValue.objects.select_related(
        "data_element", "unit", "unit__parent", "unit__parent__parent"
    ).order_by("data_element__code", "period", "unit__code", "dimension_key")
    if elements is not None:
        values = values.filter(data_element__code__in=elements)
    if dataElement:
        values = values.filter(data_element__code__in=dataElement)
    if periods:
        values = values.filter(period__in=periods)
    codes = set(orgUnit)
    with_children = _flag(children)
    if codes:
        if with_children:
            values = values.filter(
                Q(unit__code__in=codes)
                | Q(unit__parent__code__in=codes)
                | Q(unit__parent__parent__code__in=codes)
            )
        else:
            values = values.filter(unit__code__in=codes)
    user = request.auth  # type: ignore[attr-defined]
    values = scope_queryset(user, Perm.DATA_VIEW, values, unit_field="unit")
    kept = []
    for value in values:
        span = Period.parse(value.period)
        if startDate is not None and span.start < startDate:
            continue
        if endDate is not None and span.end > endDate:
            continue
        if codes and not exchange.unit_matches(value.unit, codes, span.end, children=with_children):
            continue
        kept.append(value)
    return kept


@router.get(
    "/dataValueSets",
    auth=api_auth,
    response=DataValueSetOut,
    operation_id="indicators_data_value_sets_export",
    summary="Xuất bộ giá trị số liệu DHIS2 (export a DHIS2 dataValueSet, JSON or CSV)",
)
def export_data_value_set(
    request: HttpRequest,
    dataElement: list[str] = Query([]),  # noqa: B008 (ninja declares query lists this way)
    period: list[str] = Query([]),  # noqa: B008
    orgUnit: list[str] = Query([]),  # noqa: B008
    startDate: datetime.date | None = None,
    endDate: datetime.date | None = None,
    children: str | None = None,
    format: str | None = None,
) -> Any:
    """Values within the caller's ``data.view`` scope, by element, period and unit codes.

    ``orgUnit`` matches the unit carrying the code on each value's period end (with
    ``children=true`` also units below it); ``startDate``/``endDate`` keep periods lying within
    them. ``Accept: text/csv`` or ``format=csv`` answers DHIS2 CSV.
    """
    values = exported_values(
        request,
        elements=None,
        dataElement=dataElement,
        period=period,
        orgUnit=orgUnit,
        startDate=startDate,
        endDate=endDate,
        children=children,
    )
    rows = [exchange.serialise(value) for value in values]
    wants_csv = (format or "").lower() == "csv" or (
        format is None and "text/csv" in request.headers.get("Accept", "")
    )
    if wants_csv:
        return HttpResponse(exchange.to_csv(rows), content_type="text/csv; charset=utf-8")
    return {"dataValues": rows}
