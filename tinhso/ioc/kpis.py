"""The operations centre's own KPIs (environment, dossier backlog) and the scorecard's headline
targets, registered from :meth:`tinhso.ioc.apps.IocConfig.ready`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.environment import aqi
from tinhso.indicators import queries as indicator_queries
from tinhso.indicators.scorecard_views import Card, status_summary, target_card
from tinhso.indicators.status import TargetStatus
from tinhso.ioc import monitoring
from tinhso.ioc.registry import Kpi, KpiValue, register_kpi
from tinhso.services.choices import IN_HAND
from tinhso.services.inbox import tab_conditions
from tinhso.services.stats_views import visible_dossiers
from tinhso.services.workdays import calendar

HEADLINE_TARGETS = 6
# Most pressing first: what leaders must act on, then what is fine, then what lacks data.
URGENCY = (
    TargetStatus.OFF_TRACK,
    TargetStatus.AT_RISK,
    TargetStatus.ON_TRACK,
    TargetStatus.ACHIEVED,
    TargetStatus.NO_DATA,
)


def stations_reporting(user: Any) -> KpiValue:
    """Stations sending data now, of those the user may see."""
    reporting, total = monitoring.stations_reporting(user)
    tone = "" if not total else ("ok" if reporting == total else "warn")
    return KpiValue(f"{reporting}/{total}", _("trạm đang gửi dữ liệu / tổng số trạm"), tone)


def exceedances_today(user: Any) -> KpiValue:
    """Exceedances since midnight."""
    count = monitoring.exceedances_today(user)
    return KpiValue(count, _("lượt vượt quy chuẩn từ 0 giờ"), "bad" if count else "ok")


def worst_aqi(user: Any) -> KpiValue:
    """The highest recent hourly AQI, in its level's colour."""
    value = monitoring.worst_aqi(user)
    if value is None:
        return KpiValue(None, _("chưa có VN_AQI trong 2 giờ qua"))
    level = aqi.level_for(value)
    return KpiValue(value, level.name_vi, colour=level.hex)


def dossier_backlog(user: Any) -> KpiValue:
    """Dossiers past their appointment date, of those in hand (the inbox's "Quá hạn" rule)."""
    overdue = tab_conditions(timezone.localdate(), calendar())["overdue"]
    counts = (
        visible_dossiers(user)
        .order_by()
        .aggregate(
            overdue=Count("pk", filter=overdue), in_hand=Count("pk", filter=Q(status__in=IN_HAND))
        )
    )
    detail = _("quá hạn, trên %(count)s hồ sơ đang giải quyết") % {"count": counts["in_hand"]}
    return KpiValue(counts["overdue"], detail, "bad" if counts["overdue"] else "ok")


def register_kpis() -> None:
    """Register the environment and dossier KPIs of the screen."""
    for kpi in (
        Kpi(
            "environment.reporting",
            gettext_lazy("Trạm quan trắc đang hoạt động"),
            stations_reporting,
            order=10,
        ),
        Kpi(
            "environment.exceedances_today",
            gettext_lazy("Vượt quy chuẩn hôm nay"),
            exceedances_today,
            order=11,
        ),
        Kpi("environment.worst_aqi", gettext_lazy("VN_AQI cao nhất hiện tại"), worst_aqi, order=12),
        Kpi(
            "services.backlog",
            gettext_lazy("Hồ sơ quá hạn"),
            dossier_backlog,
            "services:inbox",
            order=20,
        ),
    ):
        register_kpi(kpi)


@dataclass(frozen=True)
class Targets:
    """The scorecard's headline targets and how many targets stand at each status."""

    cards: list[Card]
    summary: list[tuple[str, str, int]]  # (status label, badge class, count)


def headline_targets(limit: int = HEADLINE_TARGETS) -> Targets:
    """The ``limit`` most pressing targets still running (off track and at risk first), as the
    scorecard measures and shows them, with the count per status of every target."""
    rows = indicator_queries.target_rows()
    today = timezone.localdate()
    running = [r for r in rows if r.target.deadline >= today] or rows
    running.sort(key=lambda r: (URGENCY.index(r.status), r.target.deadline, r.target.code))
    return Targets([target_card(row) for row in running[:limit]], status_summary(rows))
