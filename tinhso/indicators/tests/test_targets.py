"""The resolution's targets: seeded from the digest, measured, listed by the API."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tinhso.core.models import AuditEntry
from tinhso.core.testing import assert_matches_openapi
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators import actions, queries
from tinhso.indicators.actions import values as value_actions
from tinhso.indicators.models import Target

pytestmark = pytest.mark.django_db
DIGEST = Path(__file__).resolve().parents[4] / "shared" / "mission" / "resolution-digest.md"
URL = "/api/v1/indicators/targets"


@pytest.fixture
def province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(
        code="24",
        name="Tỉnh Bắc Giang",
        type="tinh",
        level=1,
        valid_from=datetime.date(2025, 1, 4),
        valid_to=datetime.date(2025, 6, 30),
    )


@pytest.fixture
def seeded(province: AdministrativeUnit) -> AdministrativeUnit:
    actions.load_catalogue(actor=None)
    actions.load_targets(actor=None, scope_unit_for=lambda deadline: province)
    return province


def digest_codes() -> set[str]:
    codes = set()
    for line in DIGEST.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 2 and cells[1][:1].isalpha() and "-" in cells[1] and cells[1].isupper():
            codes.add(cells[1])
    return codes


def test_every_target_of_the_digest_is_seeded_with_an_indicator(seeded: Any) -> None:
    shipped = {row["code"] for row in csv.DictReader((actions.DATA_DIR / "targets.csv").open())}
    assert Target.objects.count() == len(shipped) == 30
    if DIGEST.exists():
        assert digest_codes() == shipped
    assert not Target.objects.filter(indicator__isnull=True).exists()


def test_seeding_is_audited_and_idempotent(seeded: Any, province: AdministrativeUnit) -> None:
    actions.load_targets(actor=None, scope_unit_for=lambda deadline: province)
    assert Target.objects.count() == 30
    assert AuditEntry.objects.filter(action="indicators.targets.load").count() == 2


def test_a_ratio_is_the_ratio_of_sums_after_aggregation(seeded: AdministrativeUnit) -> None:
    rows = [
        actions.ValueRow("WORK_ONLINE", seeded, "2024", Decimal(60), {"level": "commune"}),
        actions.ValueRow("WORK_TOTAL", seeded, "2024", Decimal(100), {"level": "commune"}),
        actions.ValueRow("WORK_ONLINE", seeded, "2024", Decimal(99), {"level": "province"}),
        actions.ValueRow("WORK_TOTAL", seeded, "2024", Decimal(100), {"level": "province"}),
    ]
    actions.store_values(rows, actor=None)
    by_code = {row.target.code: row for row in queries.target_rows(datetime.date(2024, 12, 31))}
    assert by_code["G-WORK-C25"].current_value == pytest.approx(60.0)
    assert by_code["G-WORK-P25"].current_value == pytest.approx(99.0)
    assert by_code["G-WORK-P25"].status.value == "achieved"
    assert by_code["G-INSPECT-25"].status.value == "no_data"


def test_published_dti_ranks_make_the_2025_rank_target_achieved(seeded: AdministrativeUnit) -> None:
    actions.store_values(list(actions.published_rows(seeded)), actor=None)
    row = next(r for r in queries.target_rows() if r.target.code == "DTI-2025")
    assert row.current_value == 9
    assert row.current_period == "2023"
    assert row.status.value == "achieved"


def test_targets_api_lists_every_target_with_its_state(
    client: Client, seeded: AdministrativeUnit, django_assert_max_num_queries: Any
) -> None:
    actions.store_values(list(actions.published_rows(seeded)), actor=None)
    # Targets, the inventory of periods with data, and the aggregator (elements, up to two
    # tree levels, values): six at most, whatever the number of targets, units and periods.
    with django_assert_max_num_queries(6):
        response: Any = client.get(URL, {"limit": 100})
    body = assert_matches_openapi(response, "GET", URL)
    assert body["count"] == 30
    item = next(i for i in body["items"] if i["code"] == "G-WORK-C25")
    assert item["comparison"] == ">"
    assert item["target_value"] == 65.0
    assert item["deadline"] == "2025-12-31"
    assert item["scope"] == "commune"
    assert item["status"] == "no_data"
    dti = next(i for i in body["items"] if i["code"] == "DTI-2025")
    assert (dti["comparison"], dti["current_value"], dti["status"]) == ("≤", 9.0, "achieved")


def test_a_bad_indicator_expression_is_refused_before_anything_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("data_elements.csv", "targets.csv", "published.csv"):
        (tmp_path / name).write_bytes((actions.DATA_DIR / name).read_bytes())
    (tmp_path / "indicators.csv").write_text(
        "code,name,numerator,denominator,factor,unit\nBAD,Sai,#{WORK_ONLINE} +,1,1,%\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(value_actions, "DATA_DIR", tmp_path)
    with pytest.raises(Exception, match="BAD"):
        actions.load_catalogue(actor=None)
    assert not AuditEntry.objects.filter(action="indicators.catalogue.load").exists()
