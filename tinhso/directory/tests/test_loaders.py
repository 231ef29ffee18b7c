"""Loading units: sources joined correctly, corrections applied, idempotent, audited per batch."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Sum
from vietnam_provinces import Ward

from tinhso.core.models import AuditEntry
from tinhso.core.text import fold
from tinhso.directory import actions, loaders, queries
from tinhso.directory.actions import SuccessionRow, UnitRow
from tinhso.directory.choices import UnitLevel, UnitType
from tinhso.directory.corrections import CODE_CORRECTIONS, NAME_CORRECTIONS
from tinhso.directory.models import AdministrativeUnit, UnitSuccession
from tinhso.directory.validators import validate_agency_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bac_giang")]

LAST_OLD_DAY = datetime.date(2025, 6, 30)
REFORM = datetime.date(2025, 7, 1)


def _csv(name: str) -> list[dict[str, str]]:
    with (loaders.DATA_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_reloading_changes_nothing_and_duplicates_nothing() -> None:
    units, links = AdministrativeUnit.objects.count(), UnitSuccession.objects.count()

    report = loaders.apply(loaders.bac_giang_transition_plan(), source="tests")

    assert (report.units.created, report.units.updated) == (0, 0)
    assert (report.links.created, report.links.updated) == (0, 0)
    assert report.units.unchanged == units == 1 + 99 + 206 + 1
    assert report.links.unchanged == links == 2 + 195
    assert (AdministrativeUnit.objects.count(), UnitSuccession.objects.count()) == (units, links)


def test_reloading_updates_a_changed_row_in_place() -> None:
    AdministrativeUnit.objects.filter(code="07201").update(name="Phường Sai Tên", search_name="x")

    report = loaders.apply(loaders.bac_giang_transition_plan(coordinates=False), source="tests")

    unit = queries.get_unit("07201", LAST_OLD_DAY)
    assert report.units.created == 0
    assert (unit.name, unit.search_name) == ("Phường Thọ Xương", "phuong tho xuong")


def test_the_load_is_audited_per_batch_not_per_row(bac_giang: loaders.LoadReport) -> None:
    entries = AuditEntry.objects.filter(action="directory.unit.load")

    assert entries.count() == bac_giang.units.batches == 3  # one batch per level
    assert entries.aggregate(rows=Sum("batch_count"))["rows"] == AdministrativeUnit.objects.count()
    assert AuditEntry.objects.get(action="directory.succession.load").batch_count == 197


def test_package_code_errors_are_corrected_on_load(bac_giang: loaders.LoadReport) -> None:
    for correction in CODE_CORRECTIONS:
        unit = queries.get_unit(correction.official_code, REFORM)
        assert unit.name == correction.name
        assert correction.package_code in unit.note
        assert not queries.units_on(REFORM).filter(code=correction.package_code).exists()
    assert len(bac_giang.corrections) == len(CODE_CORRECTIONS) + len(NAME_CORRECTIONS)


def test_the_package_still_ships_the_codes_we_correct() -> None:
    """Fails once vietnam-provinces is fixed: then drop the correction."""
    shipped = {
        (f"{int(w.code):05d}", w.name) for w in Ward.iter_all() if int(w.province_code) == 24
    }

    for correction in CODE_CORRECTIONS:
        assert (correction.package_code, correction.name) in shipped


def test_corrected_codes_agree_with_vietnamadminunits() -> None:
    from vietnamadminunits.database import query

    official = {
        row["wardCode"]: row["ward"] for row in query("SELECT wardCode, ward FROM admin_units")
    }

    for correction in CODE_CORRECTIONS:
        assert official[correction.official_code] == correction.name


def test_xa_ly_is_loaded_under_its_official_name_sa_ly() -> None:
    old = queries.get_unit("07540", LAST_OLD_DAY)
    [successor] = queries.current_successors(old)

    assert old.name == "Xã Sa Lý"
    assert "Xã Xa Lý" in old.note
    assert (successor.unit.code, successor.unit.name) == ("07534", "Xã Sa Lý")


def test_new_bac_ninh_from_the_package_matches_the_shared_list() -> None:
    listed = {(row["code"], row["name"]) for row in _csv("new_units.csv")}
    undo = {c.official_code: c.package_code for c in CODE_CORRECTIONS}
    loaded = {
        (undo.get(unit.code, unit.code), unit.name)
        for unit in queries.units_on(REFORM).filter(level=UnitLevel.COMMUNE)
    }

    assert loaded == listed


def test_mapping_names_agree_with_loaded_names() -> None:
    renamed = {c.code: c for c in NAME_CORRECTIONS}
    for row in _csv("mapping.csv"):
        new = queries.get_unit(row["new_code"], REFORM)
        old = AdministrativeUnit.objects.get(code=row["old_code"], valid_to__lt=REFORM)
        expected_old = (
            renamed[row["old_code"]].official_name
            if row["old_code"] in renamed
            else row["old_name"]
        )
        assert fold(new.name) == fold(row["new_name"])
        assert fold(old.name) == fold(expected_old)


def test_current_bac_ninh_communes_have_coordinates() -> None:
    communes = queries.units_on(REFORM).filter(level=UnitLevel.COMMUNE)

    assert communes.count() == 99
    assert not communes.filter(latitude__isnull=True).exists()
    bac_giang = communes.get(code="07210")
    assert bac_giang.latitude is not None and bac_giang.longitude is not None
    assert 21 < bac_giang.latitude < 21.5 and 106 < bac_giang.longitude < 106.5


def test_country_wide_plan_has_34_provinces_and_3321_communes() -> None:
    plan = loaders.current_units_plan(coordinates=False)
    levels = [row.level for row in plan.units.values()]

    assert levels.count(UnitLevel.PROVINCE) == 34
    assert levels.count(UnitLevel.COMMUNE) == 3321
    assert {row.valid_from for row in plan.units.values()} == {REFORM}
    assert all(len(row.code) == 5 for row in plan.units.values() if row.level == UnitLevel.COMMUNE)
    assert plan.units[("01", REFORM)].name == "Thành phố Hà Nội"
    assert plan.units[("24", REFORM)].name == "Tỉnh Bắc Ninh"


def test_load_units_command_loads_a_province_and_reports_corrections() -> None:
    out = StringIO()

    call_command("load_units", "--province", "24", "--no-progress", stdout=out)

    assert "09370" in out.getvalue()
    assert "0 new" in out.getvalue()


def test_a_code_cannot_name_two_units_on_the_same_day() -> None:
    clash = UnitRow(
        code="07201",
        name="Phường Trùng Mã",
        type=UnitType.PHUONG,
        level=UnitLevel.COMMUNE,
        valid_from=datetime.date(2025, 3, 1),
        valid_to=LAST_OLD_DAY,
    )

    with pytest.raises(ValidationError):
        actions.upsert_units([clash], actor=None, source="tests")


def test_a_unit_cannot_hand_on_more_than_the_whole_of_itself() -> None:
    extra = SuccessionRow(
        predecessor=("07201", loaders.OLD_FROM),
        successor=("07228", REFORM),
        effective_date=REFORM,
        kind="split",
        weight=Decimal("0.5"),
    )

    with pytest.raises(ValidationError):
        actions.upsert_successions([extra], actor=None, source="tests")


def test_a_child_must_fit_inside_its_parent() -> None:
    orphan = UnitRow(
        code="99999",
        name="Xã Ngoài Thời Gian",
        type=UnitType.XA,
        level=UnitLevel.COMMUNE,
        valid_from=datetime.date(2024, 1, 1),
        valid_to=LAST_OLD_DAY,
        parent=("213", loaders.OLD_FROM),
    )

    with pytest.raises(ValidationError):
        actions.upsert_units([orphan], actor=None, source="tests")


@pytest.mark.parametrize("code", ["000.00.00.H49", "000.00.04.G14", "012.34.56.Z99"])
def test_agency_code_format_accepts_qcvn_102_codes(code: str) -> None:
    validate_agency_code(code)


@pytest.mark.parametrize("code", ["000.00.00.H4", "00.000.00.H49", "000.00.00.h49", "H49"])
def test_agency_code_format_rejects_other_shapes(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_agency_code(code)


SHARED_UNITS = loaders.DATA_DIR.parents[3].parent / "shared" / "data" / "units-2025"


@pytest.mark.skipif(not SHARED_UNITS.is_dir(), reason="../shared is not checked out")
@pytest.mark.parametrize("name", ["old_units.csv", "new_units.csv", "mapping.csv"])
def test_bundled_csvs_are_identical_copies_of_the_shared_files(name: str) -> None:
    """The data README says so; the README itself is our own and is not compared."""
    bundled = (loaders.DATA_DIR / name).read_bytes()

    assert bundled == (SHARED_UNITS / name).read_bytes()
