"""The demo's reporting regimes and the story of the communes' monthly report."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.db.models import Count

from tinhso.accounts.demo import create_demo_accounts
from tinhso.directory.demo import load_demo as load_directory
from tinhso.indicators import actions, report_queries
from tinhso.indicators.choices import SubmissionStatus
from tinhso.indicators.demo_regimes import KEEP_FOR_THE_OFFICER, STORY_REGIME, load_regime_demo
from tinhso.indicators.models import ReportingRegime, Submission


@pytest.fixture
def demo(db: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> StringIO:
    settings.TINHSO_DEMO = True
    load_directory(StringIO())
    create_demo_accounts()
    actions.load_catalogue(actor=None)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        load_regime_demo(out)
    return out


def test_the_demo_tells_a_story_of_sent_approved_returned_and_open_reports(demo: StringIO) -> None:
    assert "reports sent in the demo story" in demo.getvalue()
    reports = Submission.objects.filter(regime__code=STORY_REGIME)
    statuses = {row["status"] for row in reports.values("status").annotate(n=Count("pk"))}
    assert statuses == set(SubmissionStatus)
    officer_report = reports.filter(unit__code=KEEP_FOR_THE_OFFICER).order_by("period")
    assert [r.status for r in officer_report][1:] == [SubmissionStatus.DRAFT] * 2


def test_completeness_of_the_demo_never_exceeds_100(demo: StringIO) -> None:
    rows = report_queries.completeness(
        Submission.objects.all(), list(ReportingRegime.objects.all())
    )
    assert rows and all(0 <= row.actual <= row.expected for row in rows)
    assert any(row.actual for row in rows)
