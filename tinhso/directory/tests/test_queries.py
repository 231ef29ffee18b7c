"""The effective-dated tree, successions and restating values, on the Bắc Giang transition."""

from __future__ import annotations

import csv
import datetime
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

import pytest

from tinhso.directory import queries
from tinhso.directory.choices import SuccessionKind, UnitLevel
from tinhso.directory.loaders import DATA_DIR
from tinhso.directory.models import AdministrativeUnit
from tinhso.directory.tests.factories import AdministrativeUnitFactory, UnitSuccessionFactory


def _unit(**fields: Any) -> AdministrativeUnit:
    return cast(AdministrativeUnit, AdministrativeUnitFactory(**fields))


def _child_counts(units: Iterable[Any]) -> dict[str, int]:
    return {unit.code: unit.child_count for unit in units}


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bac_giang")]

LAST_OLD_DAY = datetime.date(2025, 6, 30)
REFORM = datetime.date(2025, 7, 1)


def _mapping() -> list[dict[str, str]]:
    with (DATA_DIR / "mapping.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_bac_giang_has_ten_districts_and_192_communes_on_30_06_2025() -> None:
    bac_giang = queries.get_unit("24", LAST_OLD_DAY)
    districts = queries.tree(LAST_OLD_DAY, bac_giang)

    assert bac_giang.name == "Tỉnh Bắc Giang"
    assert len(districts) == 10
    assert {node.unit.level for node in districts} == {UnitLevel.DISTRICT}
    assert sum(len(node.children) for node in districts) == 192
    city = next(node for node in districts if node.unit.code == "213")
    assert "07201" in {child.unit.code for child in city.children}


def test_new_bac_ninh_has_99_communes_and_no_districts_from_01_07_2025() -> None:
    bac_ninh = queries.get_unit("24", REFORM)
    below = queries.descendants(bac_ninh, REFORM)

    assert bac_ninh.name == "Tỉnh Bắc Ninh"
    assert len(below) == 99
    assert {unit.level for unit in below} == {UnitLevel.COMMUNE}
    assert not queries.units_on(REFORM).filter(level=UnitLevel.DISTRICT).exists()


def test_code_24_names_bac_giang_until_30_06_and_bac_ninh_from_01_07() -> None:
    before, after = queries.get_unit("24", LAST_OLD_DAY), queries.get_unit("24", REFORM)

    assert before.pk != after.pk
    assert (before.name, before.valid_to) == ("Tỉnh Bắc Giang", LAST_OLD_DAY)
    assert (after.name, after.valid_to) == ("Tỉnh Bắc Ninh", None)
    assert [u.name for u in queries.code_history("24")] == ["Tỉnh Bắc Giang", "Tỉnh Bắc Ninh"]


def test_unknown_code_on_a_date_does_not_exist() -> None:
    with pytest.raises(AdministrativeUnit.DoesNotExist):
        queries.get_unit("213", REFORM)


def test_tho_xuong_is_now_phuong_bac_giang() -> None:
    tho_xuong = queries.get_unit("07201", LAST_OLD_DAY)

    [successor] = queries.current_successors(tho_xuong)

    assert (successor.unit.code, successor.unit.name) == ("07210", "Phường Bắc Giang")
    assert successor.weight == 1
    assert successor.inferred is False


@pytest.mark.parametrize(
    ("old_code", "new_code", "new_name"),
    [("07366", "07228", "Phường Đa Mai"), ("07606", "07603", "Xã Nam Dương")],
)
def test_cross_district_merges(old_code: str, new_code: str, new_name: str) -> None:
    old = queries.get_unit(old_code, LAST_OLD_DAY)
    [successor] = queries.current_successors(old)
    partners = [
        link.predecessor
        for link in queries.predecessor_links(successor.unit)
        if link.predecessor.code != old_code
    ]

    assert (successor.unit.code, successor.unit.name) == (new_code, new_name)
    assert old.parent_id not in {partner.parent_id for partner in partners}


def test_every_official_mapping_row_leads_to_its_new_commune() -> None:
    rows = [row for row in _mapping() if "INFERRED-STALE" not in row["source"]]
    old_units = {
        unit.code: unit for unit in queries.units_on(LAST_OLD_DAY).filter(level=UnitLevel.COMMUNE)
    }
    successors = queries.current_successors_of([unit.pk for unit in old_units.values()], REFORM)

    assert len(rows) == 192
    for row in rows:
        [successor] = successors[old_units[row["old_code"]].pk]
        assert successor.unit.code == row["new_code"], row
        assert not successor.inferred


def test_58_new_communes_come_from_bac_giang_and_tuan_dao_is_kept() -> None:
    new_codes = {row["new_code"] for row in _mapping() if "INFERRED-STALE" not in row["source"]}
    tuan_dao = queries.get_unit("07663", REFORM)
    [link] = queries.predecessor_links(tuan_dao)

    assert len(new_codes) == 58
    assert link.kind == SuccessionKind.KEEP
    assert link.predecessor.parent is not None and tuan_dao.parent is not None
    assert link.predecessor.parent.code == "220"  # Huyện Sơn Động
    assert tuan_dao.parent.code == "24"


def test_districts_end_on_30_06_2025_without_successor() -> None:
    districts = queries.units_on(LAST_OLD_DAY).filter(level=UnitLevel.DISTRICT)

    assert districts.count() == 10
    assert {d.valid_to for d in districts} == {LAST_OLD_DAY}
    assert all(
        not found for found in queries.current_successors_of([d.pk for d in districts]).values()
    )


def test_both_old_provinces_pass_to_the_new_bac_ninh() -> None:
    new = queries.get_unit("24", REFORM)

    predecessors = {(link.predecessor.code, link.weight) for link in queries.predecessor_links(new)}

    assert predecessors == {("24", Decimal(1)), ("27", Decimal(1))}


def test_stale_entries_are_historic_flagged_and_inferred() -> None:
    stale = {row["old_code"]: row for row in _mapping() if "INFERRED-STALE" in row["source"]}
    units = AdministrativeUnit.objects.filter(code__in=stale)

    assert sorted(stale) == ["07693", "07732", "07744"]
    assert units.count() == 3
    for unit in units:
        [link] = queries.successor_links(unit)
        [successor] = queries.current_successors(unit)
        assert "INFERRED-STALE" in unit.note
        assert unit.valid_to == datetime.date(2019, 12, 31)
        assert unit.parent is None
        assert link.inferred and link.successor.valid_to == LAST_OLD_DAY
        assert successor.unit.code == stale[unit.code]["new_code"]
        assert successor.inferred, "an inferred link anywhere on the way must show"
    # They are not among Bắc Giang's communes of 2025.
    assert not queries.units_on(LAST_OLD_DAY).filter(code__in=stale).exists()


def test_ancestors_run_from_the_province_down() -> None:
    tho_xuong = queries.get_unit("07201", LAST_OLD_DAY)

    assert [u.code for u in queries.ancestors(tho_xuong)] == ["24", "213"]
    assert [u.code for u in queries.ancestors(queries.get_unit("07210", REFORM))] == ["24"]


def test_descendants_use_one_query_per_level(django_assert_num_queries: Any) -> None:
    bac_giang = queries.get_unit("24", LAST_OLD_DAY)

    with django_assert_num_queries(3):  # districts, communes, (empty) level below
        below = queries.descendants(bac_giang, LAST_OLD_DAY)

    assert len(below) == 10 + 192


def test_tree_of_all_provinces_uses_one_query_per_level(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(4):
        roots = queries.tree(LAST_OLD_DAY)

    assert [node.unit.code for node in roots] == ["24", "27"]
    assert roots[0].children[0].children  # communes are attached


def test_successors_use_one_query_per_generation(django_assert_num_queries: Any) -> None:
    communes = queries.units_on(LAST_OLD_DAY).filter(level=UnitLevel.COMMUNE)
    ids = list(communes.values_list("pk", flat=True)) + list(
        AdministrativeUnit.objects.filter(code="07693").values_list("pk", flat=True)
    )

    # The units, then one query per generation: 1, and 2 for the stale entry (2019 → 2025 → now).
    with django_assert_num_queries(3):
        found = queries.current_successors_of(ids, REFORM)

    assert all(found.values())


def test_restate_sums_the_values_of_merged_communes() -> None:
    merged_into_bac_giang = [row["old_code"] for row in _mapping() if row["new_code"] == "07210"]
    old = queries.units_on(LAST_OLD_DAY).filter(code__in=merged_into_bac_giang)
    values = {unit.pk: 10 * (n + 1) for n, unit in enumerate(old)}
    phuong_bac_giang = queries.get_unit("07210", REFORM)

    restated = queries.restate(values, REFORM)

    assert len(values) == 7
    assert restated == {phuong_bac_giang.pk: Decimal(sum(values.values()))}


def test_restate_of_provinces_adds_bac_giang_and_former_bac_ninh() -> None:
    bac_giang, bac_ninh = (queries.get_unit(code, LAST_OLD_DAY) for code in ("24", "27"))

    restated = queries.restate({bac_giang.pk: 1_800_000, bac_ninh.pk: 1_500_000})

    assert restated == {queries.get_unit("24", REFORM).pk: Decimal(3_300_000)}


def test_restate_divides_a_split_unit_by_its_weights() -> None:
    old = _unit(valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2024, 12, 31))
    east = _unit(valid_from=datetime.date(2025, 1, 1))
    west = _unit(valid_from=datetime.date(2025, 1, 1))
    for part, weight in ((east, "0.6"), (west, "0.4")):
        UnitSuccessionFactory(
            predecessor=old,
            successor=part,
            kind=SuccessionKind.SPLIT,
            weight=Decimal(weight),
            effective_date=datetime.date(2025, 1, 1),
        )

    restated = queries.restate({old.pk: 1000, east.pk: 5}, datetime.date(2025, 3, 1))

    assert restated == {east.pk: Decimal(605), west.pk: Decimal(400)}


def test_restate_multiplies_weights_along_a_chain() -> None:
    first = _unit(valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2022, 12, 31))
    middle = _unit(valid_from=datetime.date(2023, 1, 1), valid_to=datetime.date(2024, 12, 31))
    last = _unit(valid_from=datetime.date(2025, 1, 1))
    UnitSuccessionFactory(
        predecessor=first,
        successor=middle,
        weight=Decimal("0.5"),
        kind=SuccessionKind.SPLIT,
        effective_date=datetime.date(2023, 1, 1),
    )
    UnitSuccessionFactory(
        predecessor=middle, successor=last, effective_date=datetime.date(2025, 1, 1)
    )

    assert queries.restate({first.pk: 80}) == {last.pk: Decimal(40)}
    # Before the second step, the value sits in the middle unit.
    assert queries.restate({first.pk: 80}, datetime.date(2024, 6, 1)) == {middle.pk: Decimal(40)}


def test_restate_refuses_values_of_an_abolished_district_unless_told() -> None:
    district = queries.get_unit("219", LAST_OLD_DAY)
    commune = queries.get_unit("07540", LAST_OLD_DAY)

    with pytest.raises(queries.UnmappedUnitsError) as raised:
        queries.restate({district.pk: 5, commune.pk: 7}, REFORM)
    partial = queries.restate({district.pk: 5, commune.pk: 7}, REFORM, strict=False)

    assert raised.value.unit_ids == [district.pk]
    assert partial == {queries.get_unit("07534", REFORM).pk: Decimal(7)}


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("tho xuong", "07201"),
        ("THỌ XƯƠNG", "07201"),
        (unicodedata.normalize("NFD", "Thọ Xương"), "07201"),
        ("dong ky", "07282"),
        ("hoang van thu", "07210"),
    ],
)
def test_unit_search_ignores_diacritics_case_and_normal_form(q: str, code: str) -> None:
    day = REFORM if code == "07282" else LAST_OLD_DAY

    assert code in {unit.code for unit in queries.list_units(day, q=q)}


def test_search_across_dates_finds_old_and_new_units() -> None:
    found = {(unit.code, unit.valid_from) for unit in queries.search_units("bac giang")}

    assert ("24", datetime.date(1997, 1, 1)) in found
    assert ("07210", REFORM) in found


def test_children_carry_the_number_of_units_below_them_on_the_day() -> None:
    provinces = _child_counts(queries.children(None, LAST_OLD_DAY))
    now = _child_counts(queries.children(None, REFORM))

    assert provinces == {"24": 10, "27": 0}
    assert now == {"24": 99}


def test_the_former_provinces_resolve_back_to_their_1997_re_establishment() -> None:
    # Figures for 2021-2024 are reported against code 24: it must name Bắc Giang then.
    assert queries.get_unit("24", datetime.date(2023, 6, 1)).name == "Tỉnh Bắc Giang"
    assert queries.get_unit("27", datetime.date(1997, 1, 1)).name == "Tỉnh Bắc Ninh"
    assert queries.get_unit("24", datetime.date(2025, 7, 1)).name == "Tỉnh Bắc Ninh"
    with pytest.raises(AdministrativeUnit.DoesNotExist):
        queries.get_unit("24", datetime.date(1996, 12, 31))
