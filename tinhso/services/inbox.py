"""Reads of the officer's inbox (hồ sơ cần xử lý): which dossiers, which tab, how many.

The inbox holds the dossiers an officer may act on (``data.change`` over the agency handling
them) that still need someone at a desk: waiting for reception, in hand, or resolved and
waiting to be returned. Tabs narrow it by what needs doing today. Every function here runs a
fixed number of queries whatever the number of dossiers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.permissions import Perm, scope_queryset
from tinhso.core.text import fold
from tinhso.services.choices import IN_HAND
from tinhso.services.choices import Status as S
from tinhso.services.models import Dossier, Procedure
from tinhso.services.workdays import WorkingCalendar

# Statuses in which a dossier waits for an officer (reception, processing, return).
INBOX_STATUSES = frozenset(
    {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYMENT, S.RESOLVED}
)
# Statuses in which a late dossier needs the apology slip (as ``actions.apology_due``).
APOLOGY_STATUSES = frozenset({S.RECEIVED, S.PROCESSING, S.PAYMENT})


@dataclass(frozen=True)
class Tab:
    """One filter of the inbox, with its slug in the URL (``?tab=``) and its label."""

    slug: str
    label: Any


TABS: tuple[Tab, ...] = (
    Tab("all", _("Tất cả")),
    Tab("receive", _("Cần tiếp nhận")),
    Tab("today", _("Đến hạn hôm nay")),
    Tab("overdue", _("Quá hạn")),
    Tab("supplement", _("Chờ bổ sung")),
    Tab("apology", _("Cần xin lỗi")),
    Tab("return", _("Chờ trả kết quả")),
)
TAB_SLUGS = frozenset(tab.slug for tab in TABS)


def inbox_dossiers(user: Any) -> QuerySet[Dossier]:
    """The dossiers ``user`` may act on that wait for an officer, most urgent first."""
    return (
        scope_queryset(
            user, Perm.DATA_CHANGE, Dossier.objects.all(), agency_field="handling_agency"
        )
        .filter(status__in=INBOX_STATUSES)
        .order_by("due_date", "submitted_at", "id")
    )


def tab_conditions(today: datetime.date, cal: WorkingCalendar) -> dict[str, Q]:
    """The filter of each tab on ``today``.

    "Cần xin lỗi" is :func:`tinhso.services.actions.apology_due` written as a filter: the
    last working day before the appointment date is today or earlier exactly when the
    appointment date is no later than the next working day after today.
    """
    next_working_day = cal.add(today, 1)
    return {
        "all": Q(),
        "receive": Q(status=S.SUBMITTED),
        "today": Q(status__in=IN_HAND | {S.RESOLVED}) & (Q(step_due=today) | Q(due_date=today)),
        "overdue": Q(status__in=IN_HAND, due_date__lt=today),
        "supplement": Q(status=S.SUPPLEMENT),
        "apology": Q(status__in=APOLOGY_STATUSES, due_date__lte=next_working_day),
        "return": Q(status=S.RESOLVED),
    }


def tab_counts(
    dossiers: QuerySet[Dossier], today: datetime.date, cal: WorkingCalendar
) -> dict[str, int]:
    """How many of ``dossiers`` each tab holds (one query)."""
    conditions = tab_conditions(today, cal)
    counts = dossiers.order_by().aggregate(
        **{slug: Count("id", filter=condition) for slug, condition in conditions.items()}
    )
    return {slug: int(counts[slug] or 0) for slug in conditions}


def search(dossiers: QuerySet[Dossier], text: str) -> QuerySet[Dossier]:
    """Narrow ``dossiers`` to those whose code or applicant's name contains ``text``.

    The name matches with or without diacritics. The dossier table has no stored search key for
    the applicant's name, so the names of the (bounded) inbox are folded here, in one query.
    """
    key = fold(text)
    if not key:
        return dossiers
    named = [
        pk
        for pk, name in dossiers.order_by().values_list("pk", "applicant_name")
        if key in fold(name)
    ]
    return dossiers.filter(Q(code__icontains=text.strip()) | Q(pk__in=named))


def inbox_procedures(dossiers: QuerySet[Dossier]) -> QuerySet[Procedure]:
    """The procedures of the dossiers in the inbox, for its procedure filter."""
    return Procedure.objects.filter(pk__in=dossiers.order_by().values("procedure")).order_by("name")


@dataclass(frozen=True)
class Urgency:
    """How pressing a dossier of the inbox is today (for its badges)."""

    overdue: bool
    due_today: bool
    apology: bool


def urgency(dossier: Dossier, today: datetime.date, next_working_day: datetime.date) -> Urgency:
    """The badges of one inbox row; no query."""
    in_hand = dossier.status in IN_HAND
    due = dossier.due_date
    return Urgency(
        overdue=in_hand and due is not None and due < today,
        due_today=dossier.status != S.SUBMITTED and today in (dossier.step_due, due),
        apology=dossier.status in APOLOGY_STATUSES and due is not None and due <= next_working_day,
    )
