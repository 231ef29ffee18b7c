"""API of reporting regimes and reports: list, read, enter values, submit, approve, return.

The same actions as the report pages; reads through ``report_queries``. A report changed since
the caller read it (its ``version``) answers 409; broken blocking rules answer 422 listing them.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from tinhso.accounts.auth import api_auth
from tinhso.accounts.permissions import Perm, can
from tinhso.core.pagination import Pagination
from tinhso.indicators import actions, exchange, report_queries
from tinhso.indicators.choices import SubmissionStatus
from tinhso.indicators.models import ReportingRegime, Submission, dimension_key

router = Router(tags=["indicators"])

CONFLICT = {
    409: {
        "description": "Báo cáo đã đổi phiên bản (the report changed: reload it)",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
}


class RegimeOut(Schema):
    """A reporting regime: its form, rules of time and approval chain."""

    code: str
    name: str
    legal_basis: str
    period_type: str
    cutoff_start_day: int
    deadline_days: int | None
    deadline_day_of_last_month: int | None
    lock_after_days: int | None
    data_elements: list[str]
    dimension_options: dict[str, list[str]]
    approval_steps: list[str]


class ReportOut(Schema):
    """A unit's report for a regime and period, and where it stands."""

    id: int
    regime: str
    unit: str
    unit_name: str
    period: str
    status: str
    expected: bool
    due_date: datetime.date
    lock_date: datetime.date | None
    submitted_at: datetime.datetime | None
    on_time: bool | None
    approved_steps: int
    version: int


class CellValue(Schema):
    """One cell: element code, disaggregation as DHIS2 writes it, value (null deletes)."""

    dataElement: str
    categoryOptionCombo: str = "default"
    value: str | None


class ViolationOut(Schema):
    """A validation rule the report breaks."""

    rule: str
    importance: str
    message: str
    left: float
    right: float


class ReportDetailOut(ReportOut):
    """A report with its values and the rules it currently breaks."""

    values: list[CellValue]
    violations: list[ViolationOut]


class ValuesIn(Schema):
    """Cells to write, against the report version the caller read."""

    version: int
    values: list[CellValue]


class CellError(Schema):
    """A cell that was not written, and why."""

    dataElement: str
    categoryOptionCombo: str
    message: str


class SaveOut(Schema):
    """How many cells were written, those refused, and the report's new version."""

    saved: int
    errors: list[CellError]
    version: int


class DecisionIn(Schema):
    """The report version the caller read, and a comment (required to return)."""

    version: int
    comment: str = ""


class CompletenessOut(Schema):
    """Expected, sent and on-time reports of a regime and period, and their rates (%)."""

    regime: str
    period: str
    expected: int
    actual: int
    on_time: int
    completeness: float | None
    timeliness: float | None


def _report_out(report: Submission) -> dict[str, Any]:
    return {
        "id": report.pk,
        "regime": report.regime.code,
        "unit": report.unit.code,
        "unit_name": report.unit.name,
        "period": report.period,
        "status": report.status,
        "expected": report.expected,
        "due_date": report.due_date,
        "lock_date": report.lock_date,
        "submitted_at": report.submitted_at,
        "on_time": report.on_time,
        "approved_steps": report.approved_steps,
        "version": report.version,
    }


def _readable(request: HttpRequest, report_id: int) -> Submission:
    report = get_object_or_404(Submission.objects.select_related("regime", "unit"), pk=report_id)
    user = request.auth  # type: ignore[attr-defined]
    if not (can(user, Perm.DATA_VIEW, report.unit) or actions.may_review(user, report)):
        raise PermissionDenied("Bạn không có quyền xem báo cáo này (no access to this report).")
    return report


def _detail(report: Submission) -> dict[str, Any]:
    values = report_queries.report_values(report)
    return {
        **_report_out(report),
        "values": [
            {
                "dataElement": code,
                "categoryOptionCombo": exchange.format_coc(value.dimensions),
                "value": exchange.plain(value.value),
            }
            for (code, _key), value in sorted(values.items())
        ],
        "violations": [
            {
                "rule": v.rule.code,
                "importance": v.rule.importance,
                "message": v.rule.message,
                "left": v.left,
                "right": v.right,
            }
            for v in report_queries.violations(report)
        ],
    }


@router.get(
    "/regimes",
    auth=api_auth,
    response=list[RegimeOut],
    operation_id="indicators_regimes_list",
    summary="Chế độ báo cáo (reporting regimes)",
)
def list_regimes(request: HttpRequest) -> list[dict[str, Any]]:
    """Every regime with its form, cut-off, deadline and lock rules and approval chain."""
    regimes = ReportingRegime.objects.prefetch_related("data_elements", "approval_steps")
    return [
        {
            "code": r.code,
            "name": r.name,
            "legal_basis": r.legal_basis,
            "period_type": r.period_type,
            "cutoff_start_day": r.cutoff_start_day,
            "deadline_days": r.deadline_days,
            "deadline_day_of_last_month": r.deadline_day_of_last_month,
            "lock_after_days": r.lock_after_days,
            "data_elements": sorted(e.code for e in r.data_elements.all()),
            "dimension_options": r.dimension_options,
            "approval_steps": [s.name for s in r.approval_steps.all()],
        }
        for r in regimes
    ]


class ReportFilters(Schema):
    """Filters of the report list."""

    regime: str | None = None
    period: str | None = None
    status: SubmissionStatus | None = None
    unit: str | None = None


@router.get(
    "/reports",
    auth=api_auth,
    response=list[ReportOut],
    operation_id="indicators_reports_list",
    summary="Báo cáo trong phạm vi được xem (reports the caller may see)",
)
@paginate(Pagination)
def list_reports(
    request: HttpRequest,
    filters: ReportFilters = Query(...),  # noqa: B008 (ninja declares query schemas this way)
    **kwargs: Any,
) -> list[dict[str, Any]]:
    """Reports of the units within the caller's ``data.view`` scope, newest period first."""
    reports = report_queries.visible_reports(request.auth)  # type: ignore[attr-defined]
    if filters.regime:
        reports = reports.filter(regime__code=filters.regime)
    if filters.period:
        reports = reports.filter(period=filters.period)
    if filters.status:
        reports = reports.filter(status=filters.status)
    if filters.unit:
        reports = reports.filter(unit__code=filters.unit)
    return [_report_out(report) for report in reports]


@router.get(
    "/reports/{report_id}",
    auth=api_auth,
    response=ReportDetailOut,
    operation_id="indicators_reports_get",
    summary="Một báo cáo với số liệu và kết quả kiểm tra (a report with values and checks)",
)
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """The report, its values in DHIS2 codes, and the validation rules it breaks now."""
    return _detail(_readable(request, report_id))


def _stale_as_409(exc: actions.StaleReport) -> HttpError:
    return HttpError(409, " ".join(exc.messages))


@router.put(
    "/reports/{report_id}/values",
    auth=api_auth,
    response=SaveOut,
    operation_id="indicators_reports_values",
    summary="Nhập số liệu vào báo cáo (write values of a report)",
    openapi_extra={"responses": CONFLICT},
)
def put_values(request: HttpRequest, report_id: int, payload: ValuesIn) -> dict[str, Any]:
    """Write cells; bad cells are listed in ``errors`` and the good ones are still written."""
    report = _readable(request, report_id)
    entries: dict[tuple[str, str], str | None] = {}
    combos: dict[tuple[str, str], str] = {}
    refused: list[dict[str, str]] = []
    for cell in payload.values:
        try:
            dimensions = exchange.parse_coc(cell.categoryOptionCombo)
        except ValueError as exc:
            refused.append({**cell.dict(exclude={"value"}), "message": str(exc)})
            continue
        key = (cell.dataElement, dimension_key(dimensions))
        entries[key] = cell.value
        combos[key] = cell.categoryOptionCombo
    try:
        result = actions.save_report_values(
            report,
            entries,
            actor=request.auth,  # type: ignore[attr-defined]
            channel="api",
            version=payload.version,
        )
    except actions.StaleReport as exc:
        raise _stale_as_409(exc) from None
    refused += [
        {"dataElement": key[0], "categoryOptionCombo": combos[key], "message": message}
        for key, message in result.errors.items()
    ]
    return {"saved": result.saved, "errors": refused, "version": result.version}


def _decide(request: HttpRequest, report_id: int, decide: Any, **extra: Any) -> dict[str, Any]:
    report = _readable(request, report_id)
    try:
        decided = decide(report, actor=request.auth, **extra)  # type: ignore[attr-defined]
    except actions.StaleReport as exc:
        raise _stale_as_409(exc) from None
    return _detail(decided)


@router.post(
    "/reports/{report_id}/submit",
    auth=api_auth,
    response=ReportDetailOut,
    operation_id="indicators_reports_submit",
    summary="Gửi báo cáo (submit a report)",
    openapi_extra={"responses": CONFLICT},
)
def submit(request: HttpRequest, report_id: int, payload: DecisionIn) -> dict[str, Any]:
    """Run the validation rules and send the report for approval (422 lists broken rules)."""
    return _decide(request, report_id, actions.submit_report, version=payload.version)


@router.post(
    "/reports/{report_id}/approve",
    auth=api_auth,
    response=ReportDetailOut,
    operation_id="indicators_reports_approve",
    summary="Phê duyệt báo cáo ở bước hiện tại (approve at the current level)",
    openapi_extra={"responses": CONFLICT},
)
def approve(request: HttpRequest, report_id: int, payload: DecisionIn) -> dict[str, Any]:
    """Approve at the report's current level; the last level locks it."""
    return _decide(
        request,
        report_id,
        actions.approve_report,
        version=payload.version,
        comment=payload.comment,
    )


@router.post(
    "/reports/{report_id}/return",
    auth=api_auth,
    response=ReportDetailOut,
    operation_id="indicators_reports_return",
    summary="Trả lại báo cáo kèm lý do (return a report with the reason)",
    openapi_extra={"responses": CONFLICT},
)
def return_(request: HttpRequest, report_id: int, payload: DecisionIn) -> dict[str, Any]:
    """Send the report back to its unit; the comment is required."""
    return _decide(
        request,
        report_id,
        actions.return_report,
        version=payload.version,
        comment=payload.comment,
    )


@router.get(
    "/completeness",
    auth=api_auth,
    response=list[CompletenessOut],
    operation_id="indicators_completeness",
    summary="Tỷ lệ gửi báo cáo đầy đủ và đúng hạn (completeness and timeliness)",
)
def completeness(
    request: HttpRequest, regime: str | None = None, period: str | None = None
) -> list[dict[str, Any]]:
    """Per regime and period, over the reports the caller may see (expected ones only)."""
    reports = report_queries.visible_reports(request.auth)  # type: ignore[attr-defined]
    if period:
        reports = reports.filter(period=period)
    regimes = ReportingRegime.objects.all()
    if regime:
        regimes = regimes.filter(code=regime)
    return [
        {
            "regime": row.regime.code,
            "period": row.period,
            "expected": row.expected,
            "actual": row.actual,
            "on_time": row.on_time,
            "completeness": row.rate,
            "timeliness": row.timeliness,
        }
        for row in report_queries.completeness(reports, list(regimes))
    ]
