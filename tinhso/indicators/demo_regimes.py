"""Demo data of reporting regimes: the shipped regimes, their latest periods, a story of reports.

The communes' monthly digital-transformation report (BC-CDS-THANG) gets a seeded history: most
communes sent the month before last on time and both levels approved it; last month is under
way (some sent, some approved by the Sở only, a few late or returned); the current month is
open. Phường Bắc Giang's report of last month stays a draft for the demo officer to fill in.
The demo's operator account (``admin``) acts for the communes and approvers, so the audit
ledger shows who did it.
"""

from __future__ import annotations

import datetime
import random
from typing import Any, TextIO

from django.conf import settings
from django.db import transaction

from tinhso.accounts.models import User
from tinhso.directory import queries as directory
from tinhso.indicators import actions
from tinhso.indicators.choices import SubmissionStatus
from tinhso.indicators.models import ReportingRegime, Submission
from tinhso.indicators.periods import Period, period_for_day

# How many recent periods of each regime the demo opens (the current one included).
OPEN_PERIODS = 3
STORY_REGIME = "BC-CDS-THANG"
KEEP_FOR_THE_OFFICER = "07210"  # Phường Bắc Giang, the demo officer's ward
SEED = 111
# Shares of the expected reports of the month before last and of last month that were sent.
SENT_SHARE = {2: 0.95, 1: 0.7}


def load_regime_demo(stdout: TextIO | None = None) -> None:
    """Load the regimes, open each one's latest periods and play the monthly report's story."""
    count = actions.load_regimes(actor=None, province_code=settings.TINHSO_PROVINCE_CODE)
    today = directory.today()
    opened = 0
    for regime in ReportingRegime.objects.all():
        current = period_for_day(regime.period_kind, today, regime.cutoff_rule)
        for back in range(OPEN_PERIODS):
            opened += actions.open_period(regime, current.offset(-back).code, actor=None)
    operator = User.objects.filter(username="admin", is_demo=True).first()
    told = _story(operator, today) if operator is not None else 0
    if stdout is not None:
        stdout.write(
            f"  {count} reporting regimes, {opened} expected reports opened, "
            f"{told} reports sent in the demo story\n"
        )


def _story(operator: Any, today: datetime.date) -> int:
    """Send, approve, return reports of the story regime's two past periods; return how many."""
    regime = ReportingRegime.objects.filter(code=STORY_REGIME).first()
    if regime is None:
        return 0
    current = period_for_day(regime.period_kind, today, regime.cutoff_rule)
    rng = random.Random(SEED)
    sent = 0
    with transaction.atomic():
        for back, share in SENT_SHARE.items():
            period: Period = current.offset(-back)
            drafts = Submission.objects.filter(
                regime=regime, period=period.code, expected=True, status=SubmissionStatus.DRAFT
            ).select_related("regime", "unit")
            for report in drafts.order_by("unit__code"):
                if report.unit.code == KEEP_FOR_THE_OFFICER and back == 1:
                    continue
                if rng.random() >= share:
                    continue
                late = rng.random() < 0.1
                day = report.due_date + datetime.timedelta(days=3 if late else -2)
                try:
                    report = actions.submit_report(report, actor=operator, today=day)
                except actions.ReportInvalid:
                    continue
                sent += 1
                roll = rng.random()
                if back == 1 and roll < 0.08:
                    actions.return_report(
                        report,
                        actor=operator,
                        comment="Số hồ sơ xử lý trên mạng cần đối chiếu lại.",
                    )
                    continue
                levels = 2 if back == 2 else (1 if roll < 0.6 else 0)
                for _level in range(levels):
                    report = actions.approve_report(report, actor=operator)
    return sent
