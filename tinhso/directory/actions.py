"""Every write to the directory: units, successions, agencies and their identifier codes.

Each function runs in ``transaction.atomic`` and records the write in the audit ledger. Bulk
loads (:func:`upsert_units`, :func:`upsert_successions`) are keyed on natural keys, so running
them again updates rows instead of duplicating them, and are audited once per batch.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.audit import record_write
from tinhso.core.text import fold
from tinhso.directory.choices import AgencyKind, SuccessionKind, UnitType
from tinhso.directory.models import AdministrativeUnit, Agency, AgencyCode, UnitSuccession
from tinhso.directory.validators import (
    validate_agency_code,
    validate_unit_code,
    validate_unit_code_for_level,
)

UnitKey = tuple[str, datetime.date]
"""A unit's natural key: its code and the first day it carried that code."""

Progress = Callable[[int], None]

M = TypeVar("M", bound=models.Model)
K = TypeVar("K", bound=Hashable)

_UNIT_FIELDS = (
    "name",
    "search_name",
    "type",
    "level",
    "parent_id",
    "valid_to",
    "latitude",
    "longitude",
    "source",
    "note",
)
_LINK_FIELDS = ("effective_date", "kind", "weight", "legal_basis", "inferred", "note")
_WEIGHT_TOLERANCE = Decimal("0.000010")


@dataclass(frozen=True)
class UnitRow:
    """One unit to load; ``parent`` names the parent row by its natural key."""

    code: str
    name: str
    type: str
    level: int
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    parent: UnitKey | None = None
    latitude: float | None = None
    longitude: float | None = None
    source: str = ""
    note: str = ""

    @property
    def key(self) -> UnitKey:
        """The natural key (code, valid_from)."""
        return (self.code, self.valid_from)


@dataclass(frozen=True)
class SuccessionRow:
    """One succession link to load, between two units named by natural key."""

    predecessor: UnitKey
    successor: UnitKey
    effective_date: datetime.date
    kind: str
    weight: Decimal = Decimal(1)
    legal_basis: str = ""
    inferred: bool = False
    note: str = ""


@dataclass
class LoadStats:
    """How many rows a bulk load created, updated or found already up to date."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    batches: int = 0

    def add(self, other: LoadStats) -> None:
        """Accumulate another load's counts into this one."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.batches += other.batches


def _plain(value: Any) -> Any:
    """Dates, decimals and model instances appear in audit changes as text."""
    if isinstance(value, datetime.date | Decimal) or hasattr(value, "_meta"):
        return str(value)
    return value


def _diff(instance: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Audit changes ``{field: [old, new]}`` between an instance and new values."""
    return {
        key: [_plain(getattr(instance, key)), _plain(value)]
        for key, value in values.items()
        if getattr(instance, key) != value
    }


def _batches(rows: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _key_filter(keys: Iterable[UnitKey]) -> dict[str, Any]:
    """A coarse filter (codes × dates) whose result the caller narrows to exact keys."""
    keys = list(keys)
    return {
        "code__in": sorted({code for code, _day in keys}),
        "valid_from__in": sorted({day for _code, day in keys}),
    }


def _units_by_key(keys: Iterable[UnitKey]) -> dict[UnitKey, AdministrativeUnit]:
    wanted = set(keys)
    if not wanted:
        return {}
    found = AdministrativeUnit.objects.filter(**_key_filter(wanted))
    by_key = {(unit.code, unit.valid_from): unit for unit in found}
    return {key: unit for key, unit in by_key.items() if key in wanted}


def _check_unit_row(row: UnitRow) -> None:
    validate_unit_code(row.code)
    validate_unit_code_for_level(row.code, row.level)
    if row.type not in UnitType.values:
        raise ValidationError(
            _("Loại đơn vị %(type)s không hợp lệ (mã %(code)s).")
            % {"type": row.type, "code": row.code}
        )
    if row.valid_to is not None and row.valid_to < row.valid_from:
        raise ValidationError(
            _("Đơn vị %(code)s hết hiệu lực trước khi có hiệu lực.") % {"code": row.code}
        )


def _check_parent(
    *,
    code: str,
    level: int,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    parent: AdministrativeUnit,
) -> None:
    """A parent sits higher and covers the child's whole validity interval."""
    covers_end = parent.valid_to is None or (valid_to is not None and valid_to <= parent.valid_to)
    if parent.level >= level or valid_from < parent.valid_from or not covers_end:
        raise ValidationError(
            _("Đơn vị %(code)s không thể thuộc %(parent)s: cấp hoặc thời gian hiệu lực không khớp.")
            % {"code": code, "parent": str(parent)}
        )


def _check_no_overlap(codes: Iterable[str]) -> None:
    """A code names at most one unit on any day."""
    intervals: dict[str, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    rows = AdministrativeUnit.objects.filter(code__in=set(codes)).values_list(
        "code", "valid_from", "valid_to"
    )
    for code, start, end in rows:
        intervals[code].append((start, end))
    for code, spans in intervals.items():
        spans.sort()
        for (_start, end), (next_start, _next_end) in itertools.pairwise(spans):
            if end is None or end >= next_start:
                raise ValidationError(
                    _("Mã %(code)s đã gắn với một đơn vị khác vào ngày %(day)s.")
                    % {"code": code, "day": next_start.strftime("%d/%m/%Y")}
                )


def _check_weights(predecessor_ids: Iterable[int]) -> None:
    """The shares a unit passed on add up to at most the whole unit."""
    totals = (
        UnitSuccession.objects.filter(predecessor_id__in=set(predecessor_ids))
        .values("predecessor_id", "predecessor__code")
        .annotate(total=Sum("weight"))
    )
    for row in totals:
        if row["total"] > 1 + _WEIGHT_TOLERANCE:
            raise ValidationError(
                _("Tổng tỷ trọng kế thừa của đơn vị %(code)s vượt quá 1 (%(total)s).")
                % {"code": row["predecessor__code"], "total": row["total"]}
            )


def upsert_units(
    rows: Sequence[UnitRow],
    *,
    actor: Any,
    source: str,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> LoadStats:
    """Create or update units by (code, valid_from), parents before children.

    A unit's parent is either in ``rows`` or already stored. One audit entry per batch that
    changed something (``directory.unit.load``, with ``batch_count``).

    Raises:
        ValidationError: a malformed row, a missing or mismatched parent, duplicate keys, or a
            code that would name two units on the same day.
    """
    keys = [row.key for row in rows]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("Danh sách nạp có đơn vị trùng mã và ngày hiệu lực."))
    for row in rows:
        _check_unit_row(row)
    by_level: dict[int, list[UnitRow]] = defaultdict(list)
    for row in sorted(rows, key=lambda row: row.code):
        by_level[row.level].append(row)
    stats = LoadStats()
    with transaction.atomic():
        # Level by level, so that a batch's parents are stored before it.
        for level in sorted(by_level):
            for batch in _batches(by_level[level], batch_size):
                stats.add(_upsert_unit_batch(batch, actor=actor, source=source))
                if progress is not None:
                    progress(len(batch))
        _check_no_overlap({row.code for row in rows})
    return stats


def _upsert_unit_batch(batch: Sequence[UnitRow], *, actor: Any, source: str) -> LoadStats:
    parent_keys = {row.parent for row in batch if row.parent is not None}
    parents = _units_by_key(parent_keys)
    missing = parent_keys - parents.keys()
    if missing:
        code, day = sorted(missing)[0]
        raise ValidationError(
            _("Chưa có đơn vị cấp trên mã %(code)s hiệu lực từ %(day)s.")
            % {"code": code, "day": day.strftime("%d/%m/%Y")}
        )
    existing = _units_by_key(row.key for row in batch)
    wanted: dict[UnitKey, dict[str, Any]] = {}
    for row in batch:
        parent = parents[row.parent] if row.parent is not None else None
        if parent is not None:
            _check_parent(
                code=row.code,
                level=row.level,
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                parent=parent,
            )
        values = {
            "name": row.name,
            "search_name": fold(row.name),
            "type": row.type,
            "level": row.level,
            "parent_id": parent.pk if parent is not None else None,
            "valid_to": row.valid_to,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "source": row.source[:255],
            "note": row.note,
        }
        wanted[row.key] = values
    return _write_batch(
        AdministrativeUnit,
        wanted,
        existing,
        build=lambda key, values: AdministrativeUnit(code=key[0], valid_from=key[1], **values),
        fields=_UNIT_FIELDS,
        action="directory.unit.load",
        actor=actor,
        source=source,
    )


def upsert_successions(
    rows: Sequence[SuccessionRow],
    *,
    actor: Any,
    source: str,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> LoadStats:
    """Create or update succession links by (predecessor, successor), audited per batch.

    Raises:
        ValidationError: an endpoint unit is not stored, a link points at itself, a weight is
            outside (0, 1], or a unit's outgoing weights would add up to more than 1.
    """
    for row in rows:
        if row.kind not in SuccessionKind.values or not Decimal(0) < row.weight <= 1:
            raise ValidationError(
                _("Quan hệ kế thừa %(old)s → %(new)s không hợp lệ.")
                % {"old": row.predecessor[0], "new": row.successor[0]}
            )
    units = _units_by_key([row.predecessor for row in rows] + [row.successor for row in rows])
    stats = LoadStats()
    touched: set[int] = set()
    with transaction.atomic():
        for batch in _batches(list(rows), batch_size):
            stats.add(_upsert_link_batch(batch, units, touched, actor=actor, source=source))
            if progress is not None:
                progress(len(batch))
        _check_weights(touched)
    return stats


def _upsert_link_batch(
    batch: Sequence[SuccessionRow],
    units: dict[UnitKey, AdministrativeUnit],
    touched: set[int],
    *,
    actor: Any,
    source: str,
) -> LoadStats:
    for row in batch:
        for key in (row.predecessor, row.successor):
            if key not in units:
                raise ValidationError(
                    _("Chưa có đơn vị mã %(code)s hiệu lực từ %(day)s.")
                    % {"code": key[0], "day": key[1].strftime("%d/%m/%Y")}
                )
    pairs = {(units[row.predecessor].pk, units[row.successor].pk): row for row in batch}
    existing = {
        (link.predecessor_id, link.successor_id): link
        for link in UnitSuccession.objects.filter(
            predecessor_id__in={pred for pred, _succ in pairs},
            successor_id__in={succ for _pred, succ in pairs},
        )
    }
    wanted = {
        pair: {
            "effective_date": row.effective_date,
            "kind": row.kind,
            "weight": row.weight,
            "legal_basis": row.legal_basis[:255],
            "inferred": row.inferred,
            "note": row.note,
        }
        for pair, row in pairs.items()
    }
    touched.update(pred_id for pred_id, _succ_id in pairs)
    return _write_batch(
        UnitSuccession,
        wanted,
        existing,
        build=lambda pair, values: UnitSuccession(
            predecessor_id=pair[0], successor_id=pair[1], **values
        ),
        fields=_LINK_FIELDS,
        action="directory.succession.load",
        actor=actor,
        source=source,
    )


def _write_batch(
    model: type[M],
    wanted: Mapping[K, dict[str, Any]],
    existing: Mapping[K, M],
    *,
    build: Callable[[K, dict[str, Any]], M],
    fields: Sequence[str],
    action: str,
    actor: Any,
    source: str,
) -> LoadStats:
    """Create the rows of ``wanted`` that are missing, update those that differ, audit the batch."""
    now = timezone.now()
    to_create: list[M] = []
    to_update: list[M] = []
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            to_create.append(build(key, values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now  # type: ignore[attr-defined]
            to_update.append(row)
    model._default_manager.bulk_create(to_create)
    model._default_manager.bulk_update(to_update, [*fields, "updated_at"])
    stats = LoadStats(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(wanted) - len(to_create) - len(to_update),
        batches=1,
    )
    if to_create or to_update:
        record_write(
            actor=actor,
            action=action,
            changes={"source": source, "created": stats.created, "updated": stats.updated},
            batch_count=stats.created + stats.updated,
        )
    return stats


def create_unit(
    *,
    actor: Any,
    code: str,
    name: str,
    type: str,
    level: int,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    parent: AdministrativeUnit | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    source: str = "",
    note: str = "",
) -> AdministrativeUnit:
    """Create one administrative unit.

    Raises:
        ValidationError: invalid fields, a parent that does not cover the unit's validity, or
            a code already naming another unit during that interval.
    """
    unit = AdministrativeUnit(
        code=code,
        name=name,
        search_name=fold(name),
        type=type,
        level=level,
        valid_from=valid_from,
        valid_to=valid_to,
        parent=parent,
        latitude=latitude,
        longitude=longitude,
        source=source,
        note=note,
    )
    unit.full_clean()
    if parent is not None:
        _check_parent(
            code=code, level=level, valid_from=valid_from, valid_to=valid_to, parent=parent
        )
    with transaction.atomic():
        unit.save()
        _check_no_overlap([code])
        record_write(
            actor=actor,
            action="directory.unit.create",
            target=unit,
            changes={
                "code": [None, code],
                "name": [None, name],
                "valid_from": [None, _plain(valid_from)],
                "valid_to": [None, _plain(valid_to)],
            },
        )
    return unit


def link_units(
    predecessor: AdministrativeUnit,
    successor: AdministrativeUnit,
    *,
    actor: Any,
    effective_date: datetime.date,
    kind: str = SuccessionKind.MERGE,
    weight: Decimal = Decimal(1),
    legal_basis: str = "",
    inferred: bool = False,
    note: str = "",
) -> UnitSuccession:
    """Record that ``successor`` took over ``weight`` of ``predecessor`` on a date.

    Raises:
        ValidationError: invalid fields, a duplicate pair, or outgoing weights above 1.
    """
    link = UnitSuccession(
        predecessor=predecessor,
        successor=successor,
        effective_date=effective_date,
        kind=kind,
        weight=weight,
        legal_basis=legal_basis,
        inferred=inferred,
        note=note,
    )
    link.full_clean()
    with transaction.atomic():
        link.save()
        _check_weights([predecessor.pk])
        record_write(
            actor=actor,
            action="directory.succession.create",
            target=link,
            changes={
                "predecessor": [None, predecessor.code],
                "successor": [None, successor.code],
                "weight": [None, _plain(weight)],
                "inferred": [None, inferred],
            },
        )
    return link


def save_agency(
    *,
    actor: Any,
    name: str,
    kind: str,
    unit: AdministrativeUnit,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    short_name: str = "",
    parent: Agency | None = None,
    predecessor: Agency | None = None,
    email: str = "",
    phone: str = "",
    address: str = "",
) -> Agency:
    """Create an agency, or update the one with the same name, unit and start date.

    Audited only when something changed (``directory.agency.create`` / ``.update``).

    Raises:
        ValidationError: invalid fields, or an agency outside its unit's validity.
    """
    if kind not in AgencyKind.values:
        raise ValidationError(_("Loại cơ quan %(kind)s không hợp lệ.") % {"kind": kind})
    if valid_from < unit.valid_from or (
        unit.valid_to is not None and (valid_to is None or valid_to > unit.valid_to)
    ):
        raise ValidationError(
            _("Cơ quan %(name)s phải nằm trong thời gian hiệu lực của %(unit)s.")
            % {"name": name, "unit": str(unit)}
        )
    values: dict[str, Any] = {
        "short_name": short_name,
        "search_name": fold(name),
        "kind": kind,
        "parent": parent,
        "predecessor": predecessor,
        "valid_to": valid_to,
        "email": email,
        "phone": phone,
        "address": address,
    }
    with transaction.atomic():
        agency = Agency.objects.filter(name=name, unit=unit, valid_from=valid_from).first()
        created = agency is None
        if agency is None:
            agency = Agency(name=name, unit=unit, valid_from=valid_from)
            changes = {"name": [None, name], "unit": [None, str(unit)]}
            changes |= {key: [None, _plain(value)] for key, value in values.items()}
        else:
            changes = _diff(agency, values)
        if not changes:
            return agency
        for key, value in values.items():
            setattr(agency, key, value)
        agency.full_clean()
        agency.save()
        record_write(
            actor=actor,
            action="directory.agency.create" if created else "directory.agency.update",
            target=agency,
            changes=changes,
        )
    return agency


def save_agency_code(
    agency: Agency,
    *,
    actor: Any,
    code: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    source: str = "",
    verified: bool = False,
) -> AgencyCode:
    """Attach an identifier code to an agency for an interval, or update that record.

    Raises:
        ValidationError: a malformed code, or the same code and start date already given to
            another agency.
    """
    validate_agency_code(code)
    with transaction.atomic():
        record = AgencyCode.objects.filter(code=code, valid_from=valid_from).first()
        if record is not None and record.agency_id != agency.pk:
            raise ValidationError(
                _("Mã định danh %(code)s đã cấp cho cơ quan khác.") % {"code": code}
            )
        values = {"valid_to": valid_to, "source": source, "verified": verified}
        if record is None:
            record = AgencyCode(agency=agency, code=code, valid_from=valid_from, **values)
            changes = {"code": [None, code]}
            changes |= {key: [None, _plain(value)] for key, value in values.items()}
        else:
            changes = _diff(record, values)
            for key, value in values.items():
                setattr(record, key, value)
        if not changes:
            return record
        record.full_clean()
        record.save()
        record_write(
            actor=actor,
            action="directory.agency_code.save",
            target=record,
            changes={"agency": [None, str(agency)], **changes},
        )
    return record
