"""Statistics of the one-stop dossiers and the procedure catalogue (Decision 766/QĐ-TTg style).

Everything is counted in SQL: a handful of grouped aggregate queries per call, whatever the
number of dossiers (a year of the demo is 20–40 thousand), never a Python loop over dossiers.
Dates are days in the province's time zone (Asia/Ho_Chi_Minh); a :class:`Span` runs from its
first to its last day, both included.

Which dossiers each figure counts (Decision 766's appendix was not read: the rules marked [U]
are by analogy with ``vn-standards.md`` §5.4 and ``records-onestop.md`` §4.3, which is [S]):

* **received** — dossiers received (``received_at``) within the span; drafts, dossiers never
  received and rejected ones are not received. **online** — those of them submitted online
  (channel 2, KenhThucHien = 2). **online share** = online ÷ received × 100 [U, §5.4 analogy;
  §4.3 further counts only dossiers with an electronic result where a paper result is required,
  which we do not model].
* **resolved** — received dossiers whose processing ended (``finished_on``) within the span
  with status resolved, returned, suspended or withdrawn (§4.3: withdrawal and suspension end
  the processing and count). Each is **late** when it took more than one supplement request or
  ended after its promised date (``promised_date``, moved only by the applicant's supplement
  time), **early** when it ended before it, **on time** on the day — the rule of
  :func:`tinhso.services.workflow.classify` [S]. **on-time share** = (early + on time) ÷
  resolved × 100 [U, §5.4 analogy]. A dossier without a promised date (none is, once received)
  is resolved but in none of the three.
* **in hand at the end** — received by the span's last day and not finished then: **overdue**
  when that day (or today, for a span not over yet) is past its promised date, else **in
  time** (``classify`` with ``today`` = that day). Dates moved by supplements after the span
  are the dates used (the history of ``promised_date`` is not kept). Grouped by month, each
  month counts the dossiers in hand at its own end.
* **average processing time** — over resolved dossiers, working days from the day of
  reception (not counted) to the day processing ended, less the working days spent waiting
  for the applicant's supplements (``paused_days``): ``Σ (W(finished) − W(received) −
  paused) ÷ resolved``, where ``W(d)`` counts the working days of the province's calendar
  (:mod:`tinhso.services.workdays`, public holidays and declared days included) up to ``d``.
  Exact per dossier; the sums of ``W`` are read from two queries grouped by day.
* **with result** — resolved dossiers that produced a result (status resolved or returned).
  **digitised-result share** = dossiers with an electronic result (``digital_result``) ÷ with
  result × 100 [U: §5.4 names "% dossiers with an electronic result"; withdrawn and suspended
  dossiers have no result to digitise, so they are left out of the base].
* **fees paid** — dossiers with a result and fees (``fee_amount`` > 0): a result is only
  issued once the fees are paid [U]. **online payment share** = those paid online
  (``paid_online``) ÷ fees paid × 100 [U, §5.4 "% dossiers paid online"].
* **rated** — dossiers rated (``rated_at``) within the span; **satisfied** — rated satisfied
  or very satisfied. **satisfaction share** = satisfied ÷ rated × 100 [U: Decision 766 scores
  satisfaction against Resolution 76/NQ-CP targets; its formula was not read].

The procedure catalogue (:func:`catalogue_facts`), on the span's last day (or today, if
earlier), by the procedure's level — Decision 766's "online service provision" group [U,
§5.4 analogy, the criteria are [S]]:

* **current** — procedures valid on that day; **online** — offered online (service class
  full or partial online, Decree 42/2022 Art. 11); **full online** — toàn trình;
* **online used** — online procedures with at least one online dossier received in the span;
* **with fees** — procedures with a fee amount; **online payment** — those of them that take
  payment online;
* **mobile** — full-online procedures usable on a mobile device (target G-DVC4-MOBILE).

Shares: online ÷ current, full online ÷ current, online used ÷ online, online payment ÷ with
fees, mobile ÷ full online, each × 100.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.directory.choices import UnitLevel
from tinhso.indicators.periods import Period
from tinhso.services.choices import Channel, Rating, ServiceClass
from tinhso.services.choices import Status as S
from tinhso.services.models import Dossier, Procedure
from tinhso.services.workdays import WorkingCalendar, calendar

__all__ = [
    "ENDED",
    "WITH_RESULT",
    "CatalogueRow",
    "Grouping",
    "Row",
    "Span",
    "Statistics",
    "by_level",
    "catalogue_facts",
    "current_on",
    "dossier_statistics",
    "share",
]

# Statuses that end a received dossier's processing (records-onestop.md §4.3).
ENDED = (S.RESOLVED, S.RETURNED, S.SUSPENDED, S.WITHDRAWN)
# Statuses of a dossier that produced a result.
WITH_RESULT = (S.RESOLVED, S.RETURNED)
SATISFIED = (Rating.SATISFIED, Rating.VERY_SATISFIED)

_HUNDRED = Decimal(100)
_TENTH = Decimal("0.1")


def share(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to one decimal (None when ``whole`` is 0)."""
    if not whole:
        return None
    return (Decimal(part) * _HUNDRED / Decimal(whole)).quantize(_TENTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class Span:
    """A run of days, first and last included (a reporting period or any date range)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def of(cls, period: Period | Span) -> Span:
        """The days of a reporting period (a span is returned as it is)."""
        if isinstance(period, Span):
            return period
        return cls(period.start, period.end)

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The first moment of the span and the first moment after it, in the local zone."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return start, after

    def months(self) -> list[datetime.date]:
        """The first day of every calendar month the span touches."""
        first = self.start.replace(day=1)
        months = []
        while first <= self.end:
            months.append(first)
            first = (first + datetime.timedelta(days=32)).replace(day=1)
        return months


class Grouping(StrEnum):
    """What the statistics are broken down by."""

    AGENCY = "agency"
    UNIT = "unit"
    LEVEL = "level"
    PROCEDURE = "procedure"
    CHANNEL = "channel"
    MONTH = "month"

    @property
    def label(self) -> str:
        """The grouping's name in the visitor's language."""
        return str(GROUPING_LABELS[self])


GROUPING_LABELS = {
    Grouping.AGENCY: gettext_lazy("Cơ quan giải quyết"),
    Grouping.UNIT: gettext_lazy("Địa bàn"),
    Grouping.LEVEL: gettext_lazy("Cấp giải quyết"),
    Grouping.PROCEDURE: gettext_lazy("Thủ tục"),
    Grouping.CHANNEL: gettext_lazy("Kênh nộp"),
    Grouping.MONTH: gettext_lazy("Tháng"),
}

# Per grouping: the field grouped on and the field that names a group (None: named in Python).
_FIELDS: dict[Grouping, tuple[str, str | None]] = {
    Grouping.AGENCY: ("deciding_agency_id", "deciding_agency__name"),
    Grouping.UNIT: ("unit_id", "unit__name"),
    Grouping.LEVEL: ("level", None),
    Grouping.PROCEDURE: ("procedure_id", "procedure__name"),
    Grouping.CHANNEL: ("channel", None),
}


@dataclass
class Row:
    """The figures of one group (or of all of them); counts, with the shares derived."""

    key: Any
    label: str
    received: int = 0
    online: int = 0
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    in_time: int = 0
    overdue: int = 0
    with_result: int = 0
    digital: int = 0
    fee_paid: int = 0
    paid_online: int = 0
    rated: int = 0
    satisfied: int = 0
    working_days: int = 0

    COUNTS = (
        "received",
        "online",
        "resolved",
        "early",
        "on_time",
        "late",
        "in_time",
        "overdue",
        "with_result",
        "digital",
        "fee_paid",
        "paid_online",
        "rated",
        "satisfied",
        "working_days",
    )

    @property
    def online_share(self) -> Decimal | None:
        """Online ÷ received, in %."""
        return share(self.online, self.received)

    @property
    def on_time_share(self) -> Decimal | None:
        """(Early + on time) ÷ resolved, in %."""
        return share(self.early + self.on_time, self.resolved)

    @property
    def digital_share(self) -> Decimal | None:
        """Electronic results ÷ dossiers with a result, in %."""
        return share(self.digital, self.with_result)

    @property
    def online_payment_share(self) -> Decimal | None:
        """Paid online ÷ fees paid, in %."""
        return share(self.paid_online, self.fee_paid)

    @property
    def satisfaction_share(self) -> Decimal | None:
        """Satisfied ÷ rated, in %."""
        return share(self.satisfied, self.rated)

    @property
    def average_days(self) -> Decimal | None:
        """Average processing time of the resolved dossiers, in working days (one decimal)."""
        if not self.resolved:
            return None
        return (Decimal(max(self.working_days, 0)) / Decimal(self.resolved)).quantize(
            _TENTH, ROUND_HALF_UP
        )

    @property
    def empty(self) -> bool:
        """Whether nothing at all was counted."""
        return not any(getattr(self, name) for name in self.COUNTS)

    def add(self, other: Row) -> None:
        """Add another row's counts to this one."""
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Statistics:
    """The figures of a span broken down by a grouping, and their total."""

    span: Span
    grouping: Grouping
    rows: list[Row]
    total: Row
    as_of: datetime.date

    @property
    def empty(self) -> bool:
        """Whether nothing happened in the span."""
        return self.total.empty


# -- dossiers ---------------------------------------------------------------------------------


def _month_key(value: datetime.date | datetime.datetime | None) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().replace(day=1)
    return value.replace(day=1) if value is not None else None


def _grouped(
    queryset: QuerySet[Dossier], grouping: Grouping, month_of: str, **aggregates: Any
) -> Iterable[tuple[Any, str | None, dict[str, Any]]]:
    """Run one grouped aggregate query; yield (key, label from the database, figures)."""
    if grouping == Grouping.MONTH:
        month = (
            TruncMonth(month_of, tzinfo=timezone.get_current_timezone())
            if month_of.endswith("_at")
            else TruncMonth(month_of)
        )
        rows = queryset.annotate(group_key=month).values("group_key").annotate(**aggregates)
        for found in rows.order_by():
            figures: dict[str, Any] = dict(found)
            yield _month_key(figures.pop("group_key")), None, figures
        return
    key_field, label_field = _FIELDS[grouping]
    names = [key_field] + ([label_field] if label_field else [])
    for found in queryset.values(*names).annotate(**aggregates).order_by():
        figures = dict(found)
        key = figures.pop(key_field)
        label = figures.pop(label_field) if label_field else None
        yield key, label, figures


def _label(grouping: Grouping, key: Any, label: str | None) -> str:
    if key is None:
        return _("Chưa xác định")
    if grouping == Grouping.LEVEL:
        return str(UnitLevel(key).label)
    if grouping == Grouping.CHANNEL:
        return str(Channel(key).label)
    if grouping == Grouping.MONTH:
        return f"{key:%m/%Y}"
    return label or str(key)


def _working_index(
    cal: WorkingCalendar, days: Iterable[datetime.date]
) -> Mapping[datetime.date, int]:
    """``W(d)``: the working days from the earliest of ``days`` up to ``d`` (d included)."""
    wanted = sorted(set(days))
    if not wanted:
        return {}
    index: dict[datetime.date, int] = {}
    count = 0
    day = wanted[0]
    for target in wanted:
        while day <= target:
            count += cal.is_working(day)
            day += datetime.timedelta(days=1)
        index[target] = count
    return index


def dossier_statistics(
    dossiers: QuerySet[Dossier],
    span: Period | Span,
    grouping: Grouping | str = Grouping.LEVEL,
    *,
    today: datetime.date | None = None,
    cal: WorkingCalendar | None = None,
    with_time: bool = True,
) -> Statistics:
    """The figures of the module docstring for ``dossiers`` (already scoped) over ``span``,
    broken down by ``grouping``; seven queries (six with ``cal`` given) whatever the data.

    ``with_time=False`` leaves out the processing time and the dossiers in hand (three
    queries), for callers that only count.

    Grouped by month, each dossier falls in the month of the date that counts it (received,
    processing ended, rated; in hand at each month's end); otherwise by its deciding agency,
    its unit (địa bàn), its level as it stood when submitted, its procedure or its channel.
    """
    span = Span.of(span)
    grouping = Grouping(grouping)
    today = today or timezone.localdate()
    as_of = min(span.end, today)
    start, after = span.moments()
    base = dossiers.order_by()
    rows: dict[Any, Row] = {}

    def row_for(key: Any, label: str | None) -> Row:
        found = rows.get(key)
        if found is None:
            found = rows[key] = Row(key, _label(grouping, key, label))
        return found

    received = base.filter(received_at__gte=start, received_at__lt=after)
    for key, label, figures in _grouped(
        received,
        grouping,
        "received_at",
        received=Count("id"),
        online=Count("id", filter=Q(channel=Channel.ONLINE)),
    ):
        row = row_for(key, label)
        row.received += figures["received"]
        row.online += figures["online"]

    resolved = base.filter(
        received_at__isnull=False,
        finished_on__gte=span.start,
        finished_on__lte=span.end,
        status__in=ENDED,
    )
    late = Q(supplement_count__gt=1) | Q(finished_on__gt=F("promised_date"))
    result = Q(status__in=WITH_RESULT)
    for key, label, figures in _grouped(
        resolved,
        grouping,
        "finished_on",
        resolved=Count("id"),
        late=Count("id", filter=late),
        early=Count("id", filter=~late & Q(finished_on__lt=F("promised_date"))),
        on_time=Count("id", filter=~late & Q(finished_on=F("promised_date"))),
        with_result=Count("id", filter=result),
        digital=Count("id", filter=result & Q(digital_result=True)),
        fee_paid=Count("id", filter=result & Q(fee_amount__gt=0)),
        paid_online=Count("id", filter=result & Q(fee_amount__gt=0, paid_online=True)),
        paused=Sum("paused_days"),
    ):
        row = row_for(key, label)
        for name in ("resolved", "late", "early", "on_time", "with_result", "digital"):
            setattr(row, name, getattr(row, name) + figures[name])
        row.fee_paid += figures["fee_paid"]
        row.paid_online += figures["paid_online"]
        row.working_days -= figures["paused"] or 0

    if with_time:
        _processing_days(resolved, grouping, cal or calendar(), row_for)
        _in_hand(base, span, grouping, today, row_for)

    rated = base.filter(rated_at__gte=start, rated_at__lt=after, rating__isnull=False)
    for key, label, figures in _grouped(
        rated,
        grouping,
        "rated_at",
        rated=Count("id"),
        satisfied=Count("id", filter=Q(rating__in=SATISFIED)),
    ):
        row = row_for(key, label)
        row.rated += figures["rated"]
        row.satisfied += figures["satisfied"]

    ordered = _order(rows, grouping)
    total = Row(None, _("Tổng cộng"))
    for row in ordered:
        total.add(row)
    if grouping == Grouping.MONTH:
        # Dossiers in hand are a stock: the total is the stock at the span's end.
        last = rows.get(span.end.replace(day=1))
        total.in_time = last.in_time if last else 0
        total.overdue = last.overdue if last else 0
    return Statistics(span=span, grouping=grouping, rows=ordered, total=total, as_of=as_of)


def _processing_days(
    resolved: QuerySet[Dossier], grouping: Grouping, cal: WorkingCalendar, row_for: Any
) -> None:
    """Add Σ W(finished) − Σ W(received) of the resolved dossiers to each row (two queries)."""
    zone = timezone.get_current_timezone()
    ends: list[tuple[Any, datetime.date, int]] = []
    starts: list[tuple[Any, datetime.date, int]] = []
    if grouping == Grouping.MONTH:
        key_of: Any = TruncMonth("finished_on")
    else:
        key_of = F(_FIELDS[grouping][0])
    for key, day, count in (
        resolved.annotate(group_key=key_of)
        .values_list("group_key", "finished_on")
        .annotate(n=Count("id"))
        .order_by()
    ):
        ends.append((_month_key(key) if grouping == Grouping.MONTH else key, day, count))
    for key, day, count in (
        resolved.annotate(group_key=key_of, day=TruncDate("received_at", tzinfo=zone))
        .values_list("group_key", "day")
        .annotate(n=Count("id"))
        .order_by()
    ):
        starts.append((_month_key(key) if grouping == Grouping.MONTH else key, day, count))
    index = _working_index(cal, [d for _k, d, _n in ends + starts])
    for key, day, count in ends:
        row_for(key, None).working_days += index[day] * count
    for key, day, count in starts:
        row_for(key, None).working_days -= index[day] * count


def _in_hand(
    base: QuerySet[Dossier],
    span: Span,
    grouping: Grouping,
    today: datetime.date,
    row_for: Any,
) -> None:
    """Count the dossiers in hand at the span's end (by month: at each month's end)."""
    zone = timezone.get_current_timezone()

    def held_at(day: datetime.date) -> tuple[Q, datetime.date]:
        after = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        held = Q(received_at__lt=after) & (Q(finished_on__isnull=True) | Q(finished_on__gt=day))
        return held, min(day, today)

    received = base.filter(received_at__isnull=False, promised_date__isnull=False)
    if grouping == Grouping.MONTH:
        aggregates: dict[str, Any] = {}
        ends: dict[str, datetime.date] = {}
        for month in span.months():
            following = (month + datetime.timedelta(days=32)).replace(day=1)
            end = min(following - datetime.timedelta(days=1), span.end)
            held, when = held_at(end)
            name = f"m{month:%Y%m}"
            ends[name] = month
            aggregates[f"{name}_in"] = Count("id", filter=held & Q(promised_date__gte=when))
            aggregates[f"{name}_over"] = Count("id", filter=held & Q(promised_date__lt=when))
        figures = received.aggregate(**aggregates) if aggregates else {}
        for name, month in ends.items():
            inside, over = figures[f"{name}_in"], figures[f"{name}_over"]
            if inside or over:
                row = row_for(month, None)
                row.in_time += inside
                row.overdue += over
        return
    held, when = held_at(span.end)
    for key, label, figures in _grouped(
        received.filter(held),
        grouping,
        "received_at",
        in_time=Count("id", filter=Q(promised_date__gte=when)),
        overdue=Count("id", filter=Q(promised_date__lt=when)),
    ):
        row = row_for(key, label)
        row.in_time += figures["in_time"]
        row.overdue += figures["overdue"]


def _order(rows: dict[Any, Row], grouping: Grouping) -> list[Row]:
    """Months and codes in order; named groups by name, the unnamed group last."""
    if grouping in (Grouping.MONTH, Grouping.LEVEL, Grouping.CHANNEL):
        return [rows[key] for key in sorted(rows, key=lambda k: (k is None, k or 0))]
    return sorted(rows.values(), key=lambda r: (r.key is None, r.label))


# -- the procedure catalogue ------------------------------------------------------------------


@dataclass
class CatalogueRow:
    """Decision 766's facts of the procedure catalogue for one level (or all)."""

    level: int | None
    label: str
    current: int = 0
    online: int = 0
    full_online: int = 0
    online_used: int = 0
    with_fees: int = 0
    online_payment: int = 0
    mobile: int = 0

    COUNTS = (
        "current",
        "online",
        "full_online",
        "online_used",
        "with_fees",
        "online_payment",
        "mobile",
    )

    @property
    def online_share(self) -> Decimal | None:
        """Procedures offered online ÷ current, in %."""
        return share(self.online, self.current)

    @property
    def full_online_share(self) -> Decimal | None:
        """Full-online procedures ÷ current, in %."""
        return share(self.full_online, self.current)

    @property
    def used_share(self) -> Decimal | None:
        """Online procedures with an online dossier in the span ÷ online procedures, in %."""
        return share(self.online_used, self.online)

    @property
    def payment_share(self) -> Decimal | None:
        """Procedures taking payment online ÷ procedures with fees, in %."""
        return share(self.online_payment, self.with_fees)

    @property
    def mobile_share(self) -> Decimal | None:
        """Full-online procedures usable on mobile ÷ full-online procedures, in %."""
        return share(self.mobile, self.full_online)


def current_on(day: datetime.date) -> QuerySet[Procedure]:
    """Procedures valid on ``day``."""
    return Procedure.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def catalogue_facts(
    span: Period | Span,
    dossiers: QuerySet[Dossier] | None = None,
    *,
    today: datetime.date | None = None,
) -> tuple[list[CatalogueRow], CatalogueRow]:
    """The catalogue's facts (module docstring) by level and in total, in one query.

    Procedures are those valid on the span's last day, or today if that is earlier.
    "Online used" looks for online dossiers among ``dossiers`` (default: all) received in the
    span.
    """
    span = Span.of(span)
    day = min(span.end, today or timezone.localdate())
    start, after = span.moments()
    source = Dossier.objects.all() if dossiers is None else dossiers
    used = Exists(
        source.order_by().filter(
            procedure_id=OuterRef("pk"),
            channel=Channel.ONLINE,
            received_at__gte=start,
            received_at__lt=after,
        )
    )
    online = ~Q(service_class=ServiceClass.IN_PERSON)
    full = Q(service_class=ServiceClass.FULL_ONLINE)
    fees = Q(fee_amount__gt=0)
    rows = []
    total = CatalogueRow(None, _("Tổng cộng"))
    for figures in (
        current_on(day)
        .order_by()
        .values("level")
        .annotate(
            current=Count("id"),
            offered=Count("id", filter=online),
            full_online=Count("id", filter=full),
            online_used=Count("id", filter=online & Q(used)),
            with_fees=Count("id", filter=fees),
            online_payment=Count("id", filter=fees & Q(online_payment=True)),
            mobile=Count("id", filter=full & Q(mobile_ready=True)),
        )
        .order_by("level")
    ):
        counts: dict[str, Any] = dict(figures)
        level = counts.pop("level")
        counts["online"] = counts.pop("offered")
        row = CatalogueRow(level, str(UnitLevel(level).label), **counts)
        rows.append(row)
        for name in CatalogueRow.COUNTS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return rows, total


def by_level(statistics: Statistics) -> dict[int, Row]:
    """The rows of statistics grouped by level, keyed by level (for the computed elements)."""
    if statistics.grouping != Grouping.LEVEL:
        raise ValueError("statistics not grouped by level (thống kê không theo cấp)")
    return {int(row.key): row for row in statistics.rows if row.key is not None}
