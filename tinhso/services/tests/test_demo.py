"""The services demo: catalogue, declared days, one-stop accounts and the generated dossiers,
and the bulk import of historical dossiers it uses (the migration path)."""

from __future__ import annotations

import datetime
import itertools
import json
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tinhso.accounts.demo import create_demo_accounts
from tinhso.accounts.models import User
from tinhso.core.models import AuditEntry
from tinhso.directory import loaders
from tinhso.directory.choices import UnitLevel
from tinhso.directory.demo import load_demo_agencies
from tinhso.directory.models import Agency
from tinhso.services import actions, codes
from tinhso.services.actions.history import HistoricalDossier, HistoricalEvent, import_history
from tinhso.services.choices import Channel, DayKind
from tinhso.services.choices import Status as S
from tinhso.services.demo import (
    PROCEDURES_JSON,
    REFORM,
    UBND_BAC_GIANG,
    load_catalogue,
    load_demo,
)
from tinhso.services.models import CalendarDay, Dossier, DossierCounter, DossierEvent, Procedure

SIZE = 1000
CENTRE = "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh"
needs_catalogue = pytest.mark.skipif(
    not PROCEDURES_JSON.exists(), reason="data/procedures.json is not in this tree"
)


@pytest.fixture
def directory(db: None, settings: Any) -> None:
    """The Bắc Giang transition, the demo agencies and the demo accounts (no whole country)."""
    settings.TINHSO_DEMO = True
    loaders.apply(loaders.bac_giang_transition_plan(coordinates=False), source="demo")
    load_demo_agencies()
    create_demo_accounts()


@pytest.fixture
def demo(directory: None) -> StringIO:
    out = StringIO()
    load_demo(out, size=SIZE)
    return out


def _day(moment: datetime.datetime | None) -> datetime.date:
    assert moment is not None
    return timezone.localtime(moment).date()


@needs_catalogue
def test_demo_loads_once_and_a_second_run_changes_nothing(demo: StringIO) -> None:
    counts = (Dossier.objects.count(), DossierEvent.objects.count(), AuditEntry.objects.count())
    again = StringIO()

    load_demo(again, size=SIZE)

    assert "dossiers imported" in demo.getvalue()
    assert "nothing to do" in again.getvalue()
    assert (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    assert SIZE < counts[0] < SIZE + 1000  # the last weeks come at the full demo's rate


@needs_catalogue
def test_demo_has_forty_current_procedures_declared_days_and_one_stop_accounts(
    demo: StringIO,
) -> None:
    current = Procedure.objects.filter(valid_to__isnull=True)
    assert current.count() >= 40
    assert {day.date: day.kind for day in CalendarDay.objects.all()} == {
        datetime.date(2026, 1, 2): DayKind.OFF,
        datetime.date(2026, 1, 10): DayKind.WORKING,
    }
    officer = User.objects.get(username="motcua.bacgiang")
    assert officer.check_password("tinhso-demo") and officer.is_demo
    assert officer.home_agency is not None and officer.home_agency.name == UBND_BAC_GIANG
    assert {"motcua.tinh", "lanhdao.bacgiang", "chuyenvien.xaydung", "lanhdao.xaydung"} <= set(
        User.objects.values_list("username", flat=True)
    )


def test_catalogue_skips_a_procedure_whose_agency_is_missing(
    directory: None, tmp_path: Path
) -> None:
    steps = [
        {
            "code": "receive",
            "name": "Tiếp nhận",
            "role": "officer",
            "agency": "receiving",
            "share": 0.2,
        },
        {"code": "process", "name": "Xử lý", "role": "officer", "agency": "deciding", "share": 0.6},
        {"code": "return", "name": "Trả", "role": "officer", "agency": "receiving", "share": 0.2},
    ]
    base = {
        "field": "Thử",
        "level": "province",
        "processing_days": 5,
        "service_class": "full_online",
        "steps": steps,
        "valid_from": "2025-07-01",
    }
    path = tmp_path / "procedures.json"
    path.write_text(
        json.dumps(
            [
                {
                    **base,
                    "code": "9.000001",
                    "name": "Có cơ quan",
                    "agency": "Sở Xây dựng tỉnh Bắc Ninh",
                },
                {**base, "code": "9.000002", "name": "Thiếu cơ quan", "agency": "Sở Không Có"},
            ]
        ),
        encoding="utf-8",
    )
    out = StringIO()

    loaded = load_catalogue(out, path)

    assert [p.code for p in loaded] == ["9.000001"]
    assert "9.000002 skipped: no agency 'Sở Không Có'" in out.getvalue()


@needs_catalogue
def test_district_dossiers_only_before_july_2025_and_online_share_rises(demo: StringIO) -> None:
    rows = list(Dossier.objects.values_list("submitted_at", "level", "channel"))
    before = [(level, channel) for at, level, channel in rows if _day(at) < REFORM]
    after = [(level, channel) for at, level, channel in rows if _day(at) >= REFORM]
    late = [channel for at, _level, channel in rows if _day(at) >= datetime.date(2026, 7, 1)]
    early = [channel for _level, channel in before]

    assert {level for level, _ in before} == {UnitLevel.DISTRICT, UnitLevel.PROVINCE}
    assert {level for level, _ in after} == {UnitLevel.COMMUNE, UnitLevel.PROVINCE}
    online_early = early.count(Channel.ONLINE) / len(early)
    online_late = late.count(Channel.ONLINE) / len(late)
    assert 0.4 < online_early < 0.65 and 0.75 < online_late < 0.95
    assert Channel.POSTAL in {channel for _at, _level, channel in rows}


@needs_catalogue
def test_codes_are_unique_well_formed_and_live_issuing_continues_after_them(
    demo: StringIO,
) -> None:
    issued = list(Dossier.objects.values_list("code", flat=True))
    assert len(set(issued)) == len(issued)
    assert all(code and codes.CODE_PATTERN.match(code) for code in issued)
    last = Dossier.objects.filter(receiving_agency__name=UBND_BAC_GIANG).order_by("code").last()
    assert last is not None and last.code is not None
    day = _day(last.submitted_at)
    same_day = Dossier.objects.filter(code__startswith=last.code[:-4]).count()

    fresh = codes.issue_code(last.receiving_agency, day)

    assert fresh == f"{last.code[:-4]}{same_day + 1:04d}"
    assert not Dossier.objects.filter(code=fresh).exists()


@needs_catalogue
def test_recent_weeks_leave_work_in_the_officers_inboxes(demo: StringIO) -> None:
    open_at = Counter(
        (name, status)
        for name, status in Dossier.objects.filter(
            status__in=[S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYMENT]
        ).values_list("handling_agency__name", "status")
    )
    assert open_at[UBND_BAC_GIANG, S.SUBMITTED] and open_at[CENTRE, S.SUBMITTED]
    assert open_at[UBND_BAC_GIANG, S.PROCESSING]
    assert any(status == S.SUPPLEMENT for _name, status in open_at)
    waiting = Dossier.objects.filter(
        handling_agency__name=UBND_BAC_GIANG, status=S.SUBMITTED
    ).first()
    assert waiting is not None

    received = actions.receive_dossier(
        waiting, actor=User.objects.get(username="motcua.bacgiang"), version=waiting.version
    )

    assert received.status == S.RECEIVED and received.due_date is not None


@needs_catalogue
def test_history_is_consistent_with_the_workflow(demo: StringIO) -> None:
    now = timezone.now()
    for dossier in Dossier.objects.prefetch_related("events")[:300]:
        events = list(dossier.events.all())
        assert events and events[-1].to_status == dossier.status
        assert all(a.at <= b.at <= now for a, b in itertools.pairwise(events))
        if dossier.status == S.RETURNED:
            assert dossier.finished_on is not None and dossier.returned_at is not None
    assert Dossier.objects.filter(status=S.RETURNED, rating__isnull=False).exists()
    assert Dossier.objects.filter(apologies__isnull=False).exists()


def _historical(
    agency: Agency, procedure: Procedure, at: datetime.datetime, code: str = ""
) -> HistoricalDossier:
    return HistoricalDossier(
        procedure=procedure,
        level=procedure.level,
        channel=Channel.DIRECT,
        status=S.RECEIVED,
        receiving_agency_id=agency.pk,
        deciding_agency_id=agency.pk,
        handling_agency_id=agency.pk,
        applicant_name="Nguyễn Văn Thử",
        submitted_at=at,
        received_at=at,
        code=code,
        events=[HistoricalEvent(at=at, action="receive", from_status="", to_status=S.RECEIVED)],
    )


def test_history_import_audits_once_per_batch_and_keeps_counters_ahead(
    directory: None,
) -> None:
    agency = Agency.objects.get(name=UBND_BAC_GIANG)
    procedure = Procedure.objects.create(
        code="9.000009",
        name="Thủ tục thử",
        field="Thử",
        level=UnitLevel.COMMUNE,
        processing_days=3,
        service_class="full_online",
        steps=[],
        valid_from=REFORM,
    )
    at = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0))
    kept = "000.00.11.Z99-260105-0042"
    items = [_historical(agency, procedure, at + datetime.timedelta(minutes=n)) for n in range(4)]
    items.append(_historical(agency, procedure, at, code=kept))
    entries = AuditEntry.objects.filter(action="services.dossier.import")

    written = import_history(items, actor=None, batch_size=2)

    assert written == 5
    assert sorted(n or 0 for n in entries.values_list("batch_count", flat=True)) == [1, 2, 2]
    assert sorted(c or "" for c in Dossier.objects.values_list("code", flat=True)) == [
        "000.00.11.Z99-260105-0001",
        "000.00.11.Z99-260105-0002",
        "000.00.11.Z99-260105-0003",
        "000.00.11.Z99-260105-0004",
        kept,
    ]
    assert DossierCounter.objects.get(agency_code="000.00.11.Z99").last == 42
    assert codes.issue_code(agency, datetime.date(2026, 1, 5)).endswith("-0043")
    assert DossierEvent.objects.count() == 5


def test_history_import_refuses_a_malformed_code(directory: None) -> None:
    agency = Agency.objects.get(name=UBND_BAC_GIANG)
    procedure = Procedure.objects.create(
        code="9.000010",
        name="Thủ tục thử",
        field="Thử",
        level=UnitLevel.COMMUNE,
        processing_days=3,
        service_class="full_online",
        steps=[],
        valid_from=REFORM,
    )
    at = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0))

    with pytest.raises(Exception, match="bad dossier code"):
        import_history([_historical(agency, procedure, at, code="HS-1")], actor=None)
    assert not Dossier.objects.exists()


def test_history_import_refuses_an_officer_of_another_agency(directory: None) -> None:
    so = Agency.objects.get(name="Sở Xây dựng tỉnh Bắc Ninh")
    procedure = Procedure.objects.create(
        code="9.000011",
        name="Thủ tục thử",
        field="Thử",
        level=UnitLevel.PROVINCE,
        agency=so,
        processing_days=3,
        service_class="full_online",
        steps=[],
        valid_from=REFORM,
    )
    at = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0))
    officer = User.objects.get(username="canbo.bacgiang")

    with pytest.raises(PermissionDenied):
        import_history([_historical(so, procedure, at)], actor=officer)
    assert not Dossier.objects.exists()
