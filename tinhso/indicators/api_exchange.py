"""Exchange formats of the reporting API beyond dataValueSets: ADX and SDMX.

ADX (``/adx``) speaks both ways with the same codes, checks and ImportSummary as
``dataValueSets``; SDMX (``/sdmx/data/{flow}``) exports a regime's (or every) data element's
values as SDMX-ML, SDMX-CSV or SDMX-JSON for statistics offices and SDMX registries.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router
from ninja.errors import HttpError

from tinhso.accounts.auth import api_auth
from tinhso.indicators import actions, adx, exchange, sdmx_data
from tinhso.indicators.api import exported_values, import_options, import_summary
from tinhso.indicators.models import DataElement, ReportingRegime
from tinhso.indicators.schemas import ImportSummary

router = Router(tags=["indicators"])

_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_XML_TEXT = {"schema": {"type": "string"}}
_ADX_IMPORT_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "Thông điệp IHE ADX (urn:ihe:qrph:adx:2015); mã định danh là mã, phân tổ là thuộc "
            "tính, kỳ dạng ngày bắt đầu/độ dài (IHE ADX message identified by codes, "
            "disaggregations as attributes, periods as start/duration such as 2025-07-01/P3M)"
        ),
        "content": {media_type: _XML_TEXT for media_type in adx.MEDIA_TYPES},
    },
    "responses": {
        415: {"description": "Sai kiểu nội dung (unsupported media type)", "content": _PROBLEM}
    },
}
_ADX_EXPORT_DOC: dict[str, Any] = {
    "responses": {
        200: {
            "description": "Thông điệp ADX (ADX message)",
            "content": {adx.MEDIA_TYPE: _XML_TEXT},
        }
    }
}
SDMX_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "SDMX-JSON 1.0 data message",
    "properties": {
        "header": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "test": {"type": "boolean"},
                "prepared": {"type": "string"},
                "sender": {"type": "object", "properties": {"id": {"type": "string"}}},
            },
            "required": ["id", "prepared", "sender"],
        },
        "dataSets": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "action": {"type": "string"},
                    "observations": {"type": "object", "additionalProperties": {"type": "array"}},
                },
                "required": ["action", "observations"],
            },
        },
        "structure": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "dimensions": {"type": "object"},
                "attributes": {"type": "object"},
            },
            "required": ["dimensions", "attributes"],
        },
    },
    "required": ["header", "dataSets", "structure"],
}
_SDMX_DOC: dict[str, Any] = {
    "responses": {
        200: {
            "description": "Thông điệp dữ liệu SDMX (SDMX data message)",
            "content": {
                sdmx_data.MEDIA_TYPES["sdmx-ml"]: _XML_TEXT,
                sdmx_data.MEDIA_TYPES["sdmx-csv"]: {"schema": {"type": "string"}},
                sdmx_data.MEDIA_TYPES["sdmx-json"]: {"schema": SDMX_JSON_SCHEMA},
            },
        }
    }
}


@router.post(
    "/adx",
    auth=api_auth,
    response=ImportSummary,
    operation_id="indicators_adx_import",
    summary="Nhập thông điệp ADX (import an IHE ADX message)",
    openapi_extra=_ADX_IMPORT_DOC,
)
def import_adx(
    request: HttpRequest,
    dryRun: str | None = None,
    idScheme: str | None = None,
    dataElementIdScheme: str | None = None,
    orgUnitIdScheme: str | None = None,
    importStrategy: str = actions.ImportStrategy.CREATE_AND_UPDATE.value,
) -> dict[str, Any]:
    """Import ADX values identified by codes; bad values become conflicts and are ignored.

    Each group's ``dataSet`` is a reporting regime code (or ``ALL``), ``orgUnit`` a unit code
    resolved on the period's end, ``period`` a start date and duration (P1M, P3M, P6M, P1Y).
    Values outside the caller's ``data.change`` scope are conflicts. Malformed XML or a DOCTYPE
    is a 400 problem. Answers the DHIS2 ImportSummary of ``dataValueSets``.
    """
    strategy, dry_run = import_options(
        dry_run=dryRun,
        strategy=importStrategy,
        idScheme=idScheme,
        dataElementIdScheme=dataElementIdScheme,
        orgUnitIdScheme=orgUnitIdScheme,
    )
    content_type = (request.content_type or "").lower()
    if content_type not in adx.MEDIA_TYPES:
        raise HttpError(
            415,
            f"Không hỗ trợ kiểu nội dung {content_type} (unsupported content type "
            f"{content_type}; use {' or '.join(adx.MEDIA_TYPES)})",
        )
    try:
        message = adx.parse(request.body)
    except exchange.PayloadError as exc:
        raise HttpError(400, str(exc)) from None
    received, conflicts = adx.accepted_values(message)
    user = request.auth  # type: ignore[attr-defined]
    return import_summary(
        received, user=user, strategy=strategy, dry_run=dry_run, conflicts=conflicts
    )


def _regime_or_404(code: str) -> ReportingRegime:
    return get_object_or_404(ReportingRegime, code=code)


@router.get(
    "/adx",
    auth=api_auth,
    operation_id="indicators_adx_export",
    summary="Xuất thông điệp ADX (export values as an IHE ADX message)",
    openapi_extra=_ADX_EXPORT_DOC,
)
def export_adx(
    request: HttpRequest,
    dataSet: str | None = None,
    dataElement: list[str] = Query([]),  # noqa: B008 (ninja declares query lists this way)
    period: list[str] = Query([]),  # noqa: B008
    orgUnit: list[str] = Query([]),  # noqa: B008
    startDate: datetime.date | None = None,
    endDate: datetime.date | None = None,
    children: str | None = None,
) -> HttpResponse:
    """Values within the caller's ``data.view`` scope as ADX, grouped by data set, unit, period.

    ``dataSet`` (a reporting regime code) keeps that regime's data elements and names every
    group after it; otherwise each element goes under its first regime by code, or ``ALL``.
    Other filters are those of ``GET dataValueSets``.
    """
    elements: set[str] | None = None
    data_set_of: dict[str, str] = {}
    if dataSet:
        regime = _regime_or_404(dataSet)
        elements = set(regime.data_elements.values_list("code", flat=True))
        data_set_of = dict.fromkeys(elements, regime.code)
    else:
        pairs = ReportingRegime.data_elements.through.objects.order_by(
            "-reportingregime__code"
        ).values_list("dataelement__code", "reportingregime__code")
        data_set_of = dict(pairs)
    values = exported_values(
        request,
        elements=elements,
        dataElement=dataElement,
        period=period,
        orgUnit=orgUnit,
        startDate=startDate,
        endDate=endDate,
        children=children,
    )
    body = adx.write(values, data_set_of=data_set_of, exported=timezone.now())
    return HttpResponse(body, content_type=adx.MEDIA_TYPE)


SdmxFormat = Literal["sdmx-ml", "sdmx-csv", "sdmx-json"]


def _sdmx_format(requested: SdmxFormat | None, accept: str) -> SdmxFormat:
    if requested:
        return requested
    if "csv" in accept:
        return "sdmx-csv"
    if "json" in accept:
        return "sdmx-json"
    return "sdmx-ml"


@router.get(
    "/sdmx/data/{flow}",
    auth=api_auth,
    operation_id="indicators_sdmx_data",
    summary="Xuất dữ liệu SDMX của một chế độ báo cáo (export SDMX data of a regime or ALL)",
    openapi_extra=_SDMX_DOC,
)
def sdmx_data_message(
    request: HttpRequest,
    flow: str,
    format: SdmxFormat | None = None,
    dataElement: list[str] = Query([]),  # noqa: B008
    period: list[str] = Query([]),  # noqa: B008
    orgUnit: list[str] = Query([]),  # noqa: B008
    startDate: datetime.date | None = None,
    endDate: datetime.date | None = None,
    children: str | None = None,
) -> HttpResponse:
    """An SDMX data message of the values the caller may view, for dataflow ``flow``.

    ``flow`` is a reporting regime code or ``ALL``. ``format`` is ``sdmx-ml`` (SDMX-ML 2.1
    structure-specific data, the default), ``sdmx-csv`` (SDMX-CSV 2.0) or ``sdmx-json``
    (SDMX-JSON 1.0); without it an ``Accept`` naming CSV or JSON chooses. Filters are those
    of ``GET dataValueSets``.
    """
    chosen = _sdmx_format(format, request.headers.get("Accept", "").lower())
    if flow == sdmx_data.ALL_FLOW:
        name = "Mọi phần tử dữ liệu (all data elements)"
        flow_elements = list(DataElement.objects.all())
        elements = None
    else:
        regime = _regime_or_404(flow)
        name = regime.name
        flow_elements = list(regime.data_elements.all())
        elements = {element.code for element in flow_elements}
    values = exported_values(
        request,
        elements=elements,
        dataElement=dataElement,
        period=period,
        orgUnit=orgUnit,
        startDate=startDate,
        endDate=endDate,
        children=children,
    )
    cube = sdmx_data.build(flow, name, flow_elements, values)
    message_id = f"{flow}-{uuid.uuid4().hex[:12]}"
    prepared = timezone.now()
    media_type = sdmx_data.MEDIA_TYPES[chosen]
    if chosen == "sdmx-json":
        document = sdmx_data.to_sdmx_json(cube, message_id=message_id, prepared=prepared)
        return JsonResponse(
            document, content_type=media_type, json_dumps_params={"ensure_ascii": False}
        )
    if chosen == "sdmx-csv":
        return HttpResponse(sdmx_data.to_sdmx_csv(cube), content_type=media_type)
    return HttpResponse(
        sdmx_data.to_sdmx_ml(cube, message_id=message_id, prepared=prepared),
        content_type=media_type,
    )
