"""The open data portal's demo (``tinhso demo``, step ``opendata``), run small."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum
from django_tasks_db.models import DBTaskResult

from tinhso.accounts.demo import create_demo_accounts
from tinhso.core import registry as core_registry
from tinhso.core.models import AuditEntry
from tinhso.directory import loaders
from tinhso.directory.demo import load_demo_agencies
from tinhso.directory.queries import get_unit
from tinhso.indicators import actions as indicator_actions
from tinhso.indicators.choices import ValueSource
from tinhso.indicators.models import DataValue
from tinhso.opendata import demo
from tinhso.opendata.choices import DatasetState, UsageKind
from tinhso.opendata.demo_specs import SPECS
from tinhso.opendata.models import Dataset, Organization, Resource, Ticket, UsageDay

AIR_DAYS = 2
USAGE_DAYS = 40


@pytest.fixture
def directory(db: None, settings: Any) -> None:
    """The Bắc Giang transition, the demo agencies, the demo accounts and the reporting
    app's catalogue (no whole country)."""
    settings.TINHSO_DEMO = True
    loaders.apply(loaders.bac_giang_transition_plan(coordinates=False), source="demo")
    load_demo_agencies()
    create_demo_accounts()
    indicator_actions.load_catalogue(actor=None)


def run(capture: Callable[..., Any]) -> str:
    out = StringIO()
    with capture(execute=True):
        demo.load_demo(out, air_days=AIR_DAYS, usage_days=USAGE_DAYS)
    return out.getvalue()


@pytest.fixture
def loaded(directory: None, django_capture_on_commit_callbacks: Any) -> str:
    return run(django_capture_on_commit_callbacks)


def rows_of(resource: Resource) -> list[dict[str, str]]:
    resource.upload.open("rb")
    try:
        text = resource.upload.read().decode("utf-8")
    finally:
        resource.upload.close()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_demo_is_registered_after_the_services() -> None:
    steps = {step.key: step for step in core_registry.demo_loaders()}
    assert steps["opendata"].load is demo.load_demo
    assert steps["opendata"].order > steps["services"].order


def test_the_demo_publishes_about_sixty_datasets_of_nineteen_agencies(loaded: str) -> None:
    assert Organization.objects.count() == 19
    assert Dataset.objects.count() == len(SPECS) == 60
    states = {
        state: Dataset.objects.filter(state=state).count()
        for state in (DatasetState.DRAFT, DatasetState.PENDING, DatasetState.ACTIVE)
    }
    assert states == {"draft": 3, "pending": 2, "active": 55}
    private = Dataset.objects.get(private=True)
    assert private.organization.name == "cong-an-tinh"
    assert Dataset.objects.public().count() == 54
    assert Dataset.objects.filter(title_en__gt="").count() >= 20
    assert not Resource.objects.filter(upload="").exists()
    formats = set(Resource.objects.values_list("format", flat=True))
    assert formats == {"CSV", "XLSX", "JSON", "GEOJSON"}
    assert "datasets: 60" in loaded


def test_the_air_quality_dataset_holds_hourly_readings_of_every_station(loaded: str) -> None:
    dataset = Dataset.objects.get(name="chat-luong-khong-khi")
    assert dataset.title.startswith("Chất lượng không khí")
    assert dataset.is_public
    rows = rows_of(dataset.resources.get(format="CSV"))
    assert len(rows) == 6 * 24 * AIR_DAYS
    assert {row["ma_tram"] for row in rows} == {"BG01", "BG02", "BG03", "VY01", "VY02", "VY03"}
    readings = [float(row["pm25"]) for row in rows if row["pm25"]]
    assert min(readings) >= 3 and max(readings) < 500


def test_tabular_files_are_queued_for_the_datastore(loaded: str) -> None:
    tabular = Resource.objects.filter(format__in=["CSV", "XLSX"]).count()
    queued = DBTaskResult.objects.filter(task_path="tinhso.opendata.tasks.load_datastore")
    assert queued.count() == tabular
    assert {args[0] for args in queued.values_list("args_kwargs__args", flat=True)} == {
        str(pk)
        for pk in Resource.objects.filter(format__in=["CSV", "XLSX"]).values_list("pk", flat=True)
    }


def test_geojson_of_health_facilities_are_points_with_beds(loaded: str) -> None:
    dataset = Dataset.objects.get(name="danh-sach-co-so-kham-benh-chua-benh")
    geojson = dataset.resources.get(format="GEOJSON")
    with geojson.upload.open("rb") as handle:
        collection = json.loads(handle.read())
    assert collection["type"] == "FeatureCollection"
    first = collection["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert first["properties"]["so_giuong"] > 0


def test_administrative_units_come_from_the_directory(loaded: str) -> None:
    dataset = Dataset.objects.get(name="don-vi-hanh-chinh")
    rows = rows_of(dataset.resources.get(format="CSV"))
    codes = {row["ma"] for row in rows}
    assert {"24", "07210", "07663"} <= codes
    bac_giang = next(row for row in rows if row["ma"] == "07210")
    assert bac_giang["ma_cap_tren"] == "24"
    assert bac_giang["hieu_luc_tu"] == "01/07/2025"


def test_without_reporting_values_the_dossier_statistics_say_they_are_illustrative(
    loaded: str,
) -> None:
    dataset = Dataset.objects.get(name="thong-ke-ho-so-thu-tuc-hanh-chinh")
    assert "minh hoạ" in dataset.notes


def test_dossier_statistics_are_read_from_the_reporting_app(
    directory: None, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    (tmp_path / "data_elements.csv").write_text(
        "code,name,value_type,unit,aggregation_time,aggregation_space,dimensions\n"
        "DOSSIERS_RECEIVED,Hồ sơ tiếp nhận,integer,hồ sơ,sum,sum,level\n"
        "DOSSIERS_ONLINE,Hồ sơ trực tuyến,integer,hồ sơ,sum,sum,level\n",
        encoding="utf-8",
    )
    (tmp_path / "indicators.csv").write_text(
        "code,name,numerator,denominator,factor,unit\n", encoding="utf-8"
    )
    indicator_actions.load_catalogue(actor=None, data_dir=tmp_path)
    province = get_unit("24", demo.timezone.localdate())
    indicator_actions.store_values(
        [
            indicator_actions.ValueRow(
                data_element=code,
                unit=province,
                period="202609",
                value=Decimal(value),
                dimensions={"level": "commune"},
                source=ValueSource.COMPUTED,
            )
            for code, value in (("DOSSIERS_RECEIVED", 812), ("DOSSIERS_ONLINE", 655))
        ],
        actor=None,
    )
    run(django_capture_on_commit_callbacks)
    dataset = Dataset.objects.get(name="thong-ke-ho-so-thu-tuc-hanh-chinh")
    assert "minh hoạ" not in dataset.notes
    rows = rows_of(dataset.resources.get(format="CSV"))
    assert rows == [
        {
            "ky": "09/2026",
            "cap": "Cấp xã",
            "tiep_nhan": "812",
            "tiep_nhan_truc_tuyen": "655",
            "da_giai_quyet": "0",
            "truoc_han_va_dung_han": "0",
            "ket_qua_dien_tu": "0",
            "duoc_danh_gia": "0",
            "hai_long": "0",
        }
    ]


def test_usage_counts_are_spread_over_the_past_days_and_audited_once(loaded: str) -> None:
    days = UsageDay.objects.values_list("day", flat=True)
    assert (max(days) - min(days)).days == USAGE_DAYS - 1
    assert not UsageDay.objects.exclude(dataset__in=Dataset.objects.public()).exists()
    views = UsageDay.objects.filter(kind=UsageKind.VIEW).aggregate(n=Sum("count"))["n"]
    assert views == Dataset.objects.aggregate(n=Sum("view_count"))["n"] > 0
    assert AuditEntry.objects.filter(action="opendata.usage.import").count() == 1


def test_citizens_report_request_and_rate(loaded: str) -> None:
    assert Ticket.objects.count() == 4
    assert Ticket.objects.filter(status="answered").count() == 1
    rated = Dataset.objects.get(name="chat-luong-khong-khi")
    assert rated.ratings.count() == 2


def test_the_scorecard_gets_the_share_of_agencies_publishing(loaded: str) -> None:
    today = demo.timezone.localdate()
    half = f"{today.year}S{1 if today.month <= 6 else 2}"

    def value(code: str) -> Decimal:
        return DataValue.objects.get(
            data_element__code=code, period=half, source=ValueSource.COMPUTED
        ).value

    # 18 state agencies (the service centre is not one); the police publish privately and
    # Nam Dương has only a draft.
    assert (value("AGENCIES_TOTAL"), value("AGENCIES_OPENDATA")) == (18, 16)
    assert value("OPENDATA_DATASETS") == 54
    assert value("OPENDATA_DOWNLOADS") > 0


def test_a_second_run_does_nothing(loaded: str, django_capture_on_commit_callbacks: Any) -> None:
    entries = AuditEntry.objects.count()
    again = run(django_capture_on_commit_callbacks)
    assert "already loaded" in again
    assert Dataset.objects.count() == 60
    assert AuditEntry.objects.count() == entries
