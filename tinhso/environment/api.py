"""The environment API: stations send readings in batches (JSON or CSV) with a station token.

``POST /api/v1/environment/readings`` with ``Authorization: Bearer tst_…``. JSON::

    {"station": "bg-kk-01", "readings": [
        {"parameter": "PM2.5", "time": "2026-11-30T08:05:00+07:00", "value": 31.2,
         "unit": "µg/m³", "status": "00"}]}

(each reading may name its own ``station``; a bare list of readings also works), or CSV with
the header ``station,parameter,time,value,unit,status``. The answer reports what was stored,
what was already there and, by position, every reading set aside in the quarantine and why.
A body that cannot be read at all is quarantined whole and answered 400.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, HttpBearer

from tinhso.environment import actions
from tinhso.environment.choices import QuarantineReason, Source
from tinhso.environment.ingest import RawReading, ingest, readings_from_json
from tinhso.environment.models import QuarantinedReading

router = Router(tags=["environment"])

CSV_TYPES = {"text/csv", "application/csv"}


class _StationBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return actions.find_station_token(token)


class _StationHeader(APIKeyHeader):
    param_name = "X-Station-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return actions.find_station_token(key or "")


class ReadingError(Schema):
    index: int
    reason: str
    message: str


class IngestAnswer(Schema):
    accepted: int
    duplicates: int
    quarantined: int
    errors: list[ReadingError]


READING_SCHEMA = {
    "type": "object",
    "required": ["parameter", "time", "value"],
    "properties": {
        "station": {"type": "string"},
        "parameter": {"type": "string", "examples": ["PM2.5"]},
        "time": {"type": "string", "format": "date-time"},
        "value": {"type": ["number", "string"]},
        "unit": {"type": "string"},
        "status": {"type": "string", "enum": ["00", "01", "02"]},
    },
}
BODY_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["readings"],
                            "properties": {
                                "station": {"type": "string"},
                                "readings": {"type": "array", "items": READING_SCHEMA},
                            },
                        },
                        {"type": "array", "items": READING_SCHEMA},
                    ]
                }
            },
            "text/csv": {
                "schema": {
                    "type": "string",
                    "description": "Header: station,parameter,time,value,unit,status",
                }
            },
        },
    }
}


def _malformed(body: bytes, origin: str, detail: str) -> HttpError:
    QuarantinedReading.objects.create(
        source=Source.HTTP,
        reason=QuarantineReason.MALFORMED,
        detail=detail[:500],
        raw=body.decode("utf-8", "replace"),
        origin=origin,
    )
    return HttpError(400, _("Không đọc được lô số liệu: %(detail)s") % {"detail": detail})


def _from_csv(body: bytes) -> list[RawReading]:
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    needed = {"station", "parameter", "time", "value"}
    if not rows.fieldnames or not needed <= set(rows.fieldnames):
        raise ValueError(_("dòng tiêu đề phải có station, parameter, time, value"))
    return [
        RawReading(
            station=row["station"] or "",
            parameter=row["parameter"] or "",
            time=row["time"] or "",
            value=row["value"],
            unit=row.get("unit") or None,
            status=row.get("status") or "00",
            raw=",".join(v or "" for v in row.values() if isinstance(v, str)),
        )
        for row in rows
    ]


@router.post(
    "/readings",
    auth=[_StationBearer(), _StationHeader()],
    response=IngestAnswer,
    openapi_extra=BODY_SCHEMA,
    operation_id="environment_post_readings",
    summary="Gửi lô số liệu quan trắc (send a batch of readings, JSON or CSV)",
)
def post_readings(request: HttpRequest) -> dict[str, Any]:
    """Store a batch of readings idempotently; report what was set aside and why."""
    token, stations = request.auth  # type: ignore[attr-defined]
    limit = settings.TINHSO_ENVIRONMENT_BATCH_MAX_MB * 1024 * 1024
    body = request.read(limit + 1)
    origin = f"token {token.prefix}"
    if len(body) > limit:
        raise _malformed(
            body[:4096],
            origin,
            _("lô lớn hơn %(mb)s MB; hãy chia nhỏ.")
            % {"mb": settings.TINHSO_ENVIRONMENT_BATCH_MAX_MB},
        )
    content_type = request.content_type or ""
    try:
        readings = _from_csv(body) if content_type in CSV_TYPES else readings_from_json(body)
    except (ValueError, UnicodeDecodeError, csv.Error) as exc:
        raise _malformed(body, origin, str(exc)) from exc
    return ingest(
        readings, source=Source.HTTP, allowed_station_ids=stations, origin=origin
    ).as_dict()
