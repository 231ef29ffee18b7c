"""Bulk import of historical dossiers: the migration path from a previous one-stop system.

A province that moves to tinhso brings years of dossiers from its old electronic one-stop
system (hệ thống một cửa điện tử cũ). Replaying them one by one through the workflow actions
would take hours, send notifications for long-closed cases and lock each row several times, so
:func:`import_history` writes them as they were: each dossier's final state, its events
(lịch sử xử lý) and its apology slips, with ``bulk_create`` in batches, one audit-ledger entry
per batch. The demo loader uses it for its generated year of dossiers.

Codes: a dossier that arrives with its old code keeps it (it must have the Circular 01/2018
shape); one without a code gets the next numbers of its receiving agency on its submission day,
reserved with one atomic upsert per agency and day, exactly as live issuing does. The daily
counters (:class:`~tinhso.services.models.DossierCounter`) end at least at the highest number
imported, so the codes issued after the import continue after them.

Nothing is announced: historical events send no notification and call no webhook.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tinhso.accounts.permissions import Perm, require
from tinhso.accounts.scopes import Location
from tinhso.core.audit import record_write
from tinhso.directory.models import AgencyCode
from tinhso.services import codes
from tinhso.services.choices import PORTAL_CODES, ApplicantKind, Channel, Status
from tinhso.services.models import Apology, Dossier, DossierCounter, DossierEvent, Procedure
from tinhso.services.workflow import local_date

BATCH_SIZE = 2000


@dataclass
class HistoricalEvent:
    """One step of a historical dossier's life, as the old system logged it."""

    at: datetime.datetime
    action: str
    from_status: str
    to_status: str
    step_code: str = ""
    agency_id: int | None = None
    actor_id: int | None = None
    comment: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class HistoricalApology:
    """An apology-and-new-date slip (form 04) the old system issued."""

    issued_at: datetime.datetime
    reason: str
    old_due_date: datetime.date
    new_due_date: datetime.date
    issued_by_id: int | None = None


@dataclass
class HistoricalDossier:
    """A dossier as it stands after its history, ready to be written in bulk.

    Agencies, unit and applicant are given by primary key. ``code`` is the old system's code,
    or empty to issue one (a dossier that was submitted gets a code; a draft does not).
    """

    procedure: Procedure
    level: int
    channel: int
    status: str
    receiving_agency_id: int
    deciding_agency_id: int
    handling_agency_id: int
    applicant_name: str
    submitted_at: datetime.datetime | None
    code: str = ""
    applicant_id: int | None = None
    applicant_kind: str = ApplicantKind.CITIZEN
    applicant_id_number: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    applicant_address: str = ""
    unit_id: int | None = None
    form_data: dict[str, Any] = field(default_factory=dict)
    step_index: int = 0
    step_due: datetime.date | None = None
    received_at: datetime.datetime | None = None
    due_date: datetime.date | None = None
    promised_date: datetime.date | None = None
    finished_at: datetime.datetime | None = None
    returned_at: datetime.datetime | None = None
    paused_since: datetime.datetime | None = None
    paused_days: int = 0
    supplement_count: int = 0
    digital_result: bool = False
    fee_amount: int = 0
    paid_online: bool = False
    rating: int | None = None
    rating_comment: str = ""
    rated_at: datetime.datetime | None = None
    events: list[HistoricalEvent] = field(default_factory=list)
    apologies: list[HistoricalApology] = field(default_factory=list)


def _check(item: HistoricalDossier) -> None:
    problems: list[str] = []
    if item.status not in Status.values:
        problems.append(f"Trạng thái không hợp lệ (unknown status): {item.status!r}")
    if item.channel not in Channel.values:
        problems.append(f"Kênh nộp không hợp lệ (unknown channel): {item.channel!r}")
    if item.code and not codes.CODE_PATTERN.match(item.code):
        problems.append(f"Mã hồ sơ sai định dạng (bad dossier code): {item.code!r}")
    if item.status != Status.DRAFT and item.submitted_at is None:
        problems.append(
            f"Hồ sơ đã nộp cần thời điểm nộp (a submitted dossier needs submitted_at): "
            f"{item.applicant_name!r}"
        )
    for event in item.events:
        if event.to_status not in Status.values:
            problems.append(f"Trạng thái không hợp lệ (unknown status): {event.to_status!r}")
    if problems:
        raise ValidationError(problems, code="history")


def _authorise(items: Sequence[HistoricalDossier], actor: Any) -> None:
    """An importing person must be able to change data at every agency the dossiers touch."""
    if actor is None:
        return
    agencies = {
        agency
        for item in items
        for agency in (item.receiving_agency_id, item.deciding_agency_id, item.handling_agency_id)
    }
    require(actor, Perm.DATA_CHANGE, Location.of(agencies=sorted(agencies)))


class _Prefixes:
    """The identifier codes of the receiving agencies, read once (agency → dated codes)."""

    def __init__(self, agency_ids: Iterable[int]) -> None:
        self.by_agency: dict[int, list[AgencyCode]] = defaultdict(list)
        for code in AgencyCode.objects.filter(agency_id__in=set(agency_ids)):
            self.by_agency[code.agency_id].append(code)

    def of(self, agency_id: int, day: datetime.date) -> str:
        for code in self.by_agency.get(agency_id, []):
            if code.is_valid_on(day):
                return code.code
        raise codes.CodeError(
            f"Cơ quan {agency_id} chưa có mã định danh hiệu lực ngày {day:%d/%m/%Y} "
            f"(agency {agency_id} has no identifier code on {day.isoformat()})"
        )


def _reserve(prefix: str, day: datetime.date, count: int) -> range:
    """Take ``count`` consecutive numbers of ``prefix`` on ``day`` in one atomic upsert.

    The same statement as :func:`codes.next_sequence`, moved on by ``count`` instead of one.
    """
    table = DossierCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_code, day, last) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (agency_code, day) DO UPDATE SET last = {table}.last + %s "
            "RETURNING last",
            [prefix, day, count, count],
        )
        (last,) = cursor.fetchone()
    return range(int(last) - count + 1, int(last) + 1)


def _raise_counters(highest: dict[tuple[str, datetime.date], int]) -> None:
    """Make every counter at least the highest number of the codes kept from the old system."""
    table = DossierCounter._meta.db_table
    larger = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (agency_code, day, last) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (agency_code, day) DO UPDATE SET last = {larger}({table}.last, "
            "excluded.last)",
            [(prefix, day, last) for (prefix, day), last in highest.items()],
        )


def _submitted(item: HistoricalDossier) -> datetime.datetime:
    assert item.submitted_at is not None
    return item.submitted_at


def _assign_codes(items: Sequence[HistoricalDossier]) -> None:
    """Give codes to the submitted dossiers that came without one; advance the counters."""
    prefixes = _Prefixes(item.receiving_agency_id for item in items if not item.code)
    groups: dict[tuple[str, datetime.date], list[HistoricalDossier]] = defaultdict(list)
    kept: dict[tuple[str, datetime.date], int] = {}
    for item in items:
        if item.code:
            prefix, yymmdd, number = item.code.split("-")
            key = (prefix, datetime.datetime.strptime(yymmdd, "%y%m%d").date())
            kept[key] = max(kept.get(key, 0), int(number))
        elif item.submitted_at is not None:
            submitted = local_date(item.submitted_at)
            groups[(prefixes.of(item.receiving_agency_id, submitted), submitted)].append(item)
    if kept:
        _raise_counters(kept)
    for (prefix, day), members in groups.items():
        numbers = _reserve(prefix, day, len(members))
        if numbers.stop - 1 > codes.MAX_DAILY:
            raise codes.CodeError(
                f"Quá 9.999 hồ sơ của {prefix} ngày {day:%d/%m/%Y} "
                f"(more than 9,999 dossiers of {prefix} on {day.isoformat()})"
            )
        members.sort(key=_submitted)
        for item, sequence in zip(members, numbers, strict=True):
            item.code = f"{prefix}-{day:%y%m%d}-{sequence:04d}"


def _dossier(item: HistoricalDossier) -> Dossier:
    return Dossier(
        code=item.code or None,
        procedure=item.procedure,
        level=item.level,
        channel=item.channel,
        status=item.status,
        applicant_id=item.applicant_id,
        applicant_kind=item.applicant_kind,
        applicant_name=item.applicant_name,
        applicant_id_number=item.applicant_id_number,
        applicant_phone=item.applicant_phone,
        applicant_email=item.applicant_email,
        applicant_address=item.applicant_address,
        unit_id=item.unit_id,
        receiving_agency_id=item.receiving_agency_id,
        deciding_agency_id=item.deciding_agency_id,
        handling_agency_id=item.handling_agency_id,
        form_data=item.form_data,
        step_index=item.step_index,
        step_due=item.step_due,
        submitted_at=item.submitted_at,
        received_at=item.received_at,
        due_date=item.due_date,
        promised_date=item.promised_date,
        finished_at=item.finished_at,
        finished_on=local_date(item.finished_at) if item.finished_at else None,
        returned_at=item.returned_at,
        paused_since=item.paused_since,
        paused_days=item.paused_days,
        supplement_count=item.supplement_count,
        digital_result=item.digital_result,
        fee_amount=item.fee_amount,
        paid_online=item.paid_online,
        rating=item.rating,
        rating_comment=item.rating_comment,
        rated_at=item.rated_at,
        version=len(item.events) + 1,
    )


def _import_batch(items: Sequence[HistoricalDossier], actor: Any) -> int:
    with transaction.atomic():
        _assign_codes(items)
        dossiers = Dossier.objects.bulk_create([_dossier(item) for item in items])
        events: list[DossierEvent] = []
        apologies: list[Apology] = []
        for item, dossier in zip(items, dossiers, strict=True):
            events += [
                DossierEvent(
                    dossier_id=dossier.pk,
                    at=event.at,
                    actor_id=event.actor_id,
                    action=event.action,
                    from_status=event.from_status,
                    to_status=event.to_status,
                    portal_status=PORTAL_CODES.get(event.to_status, 0),
                    step_code=event.step_code,
                    agency_id=event.agency_id,
                    comment=event.comment,
                    data=event.data,
                )
                for event in item.events
            ]
            apologies += [
                Apology(
                    dossier_id=dossier.pk,
                    issued_at=slip.issued_at,
                    issued_by_id=slip.issued_by_id,
                    reason=slip.reason,
                    old_due_date=slip.old_due_date,
                    new_due_date=slip.new_due_date,
                )
                for slip in item.apologies
            ]
        DossierEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        Apology.objects.bulk_create(apologies, batch_size=BATCH_SIZE)
        record_write(
            actor=actor,
            action="services.dossier.import",
            changes={
                "dossiers": len(dossiers),
                "events": len(events),
                "apologies": len(apologies),
                "first_code": dossiers[0].code,
                "last_code": dossiers[-1].code,
            },
            batch_count=len(dossiers),
        )
    return len(dossiers)


def import_history(
    dossiers: Sequence[HistoricalDossier], *, actor: Any, batch_size: int = BATCH_SIZE
) -> int:
    """Write historical dossiers, their events and apology slips in bulk; return how many.

    The migration path from a previous one-stop system (and the demo's generator): each batch
    of ``batch_size`` dossiers is one transaction with one audit-ledger entry
    (``services.dossier.import`` with ``batch_count``). Codes are kept or issued as the module
    docstring says. No notification or webhook is sent for historical events.

    Raises:
        ValidationError: a dossier has an unknown status or channel, or a malformed code.
        PermissionDenied: ``actor`` may not change data at one of the dossiers' agencies.
        tinhso.services.codes.CodeError: a receiving agency has no identifier code on the
            submission day, or a day would need more than 9,999 numbers.
    """
    for item in dossiers:
        _check(item)
    _authorise(dossiers, actor)
    written = 0
    for start in range(0, len(dossiers), batch_size):
        written += _import_batch(dossiers[start : start + batch_size], actor)
    return written
