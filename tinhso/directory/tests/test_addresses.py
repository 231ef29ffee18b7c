"""Free-text addresses, and a cross-check of vietnamadminunits against the official mapping."""

from __future__ import annotations

import csv
import datetime

import pytest
from vietnamadminunits import convert_address, parse_address

from tinhso.directory.addresses import resolve_address
from tinhso.directory.loaders import DATA_DIR

LAST_OLD_DAY = datetime.date(2025, 6, 30)

# Official mapping rows on which vietnamadminunits disagrees, with the reason. Empty today:
# the package agrees on all 192. A new entry needs a reason, never a silent skip.
KNOWN_DISAGREEMENTS: dict[str, str] = {}


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _legacy_address(row: dict[str, str], names: dict[str, dict[str, str]]) -> str:
    district = names[names[row["old_code"]]["parent_code"]]["name"]
    return f"{row['old_name']}, {district}, Bắc Giang"


def test_the_package_converts_every_official_row_to_the_mapped_commune() -> None:
    names = {row["code"]: row for row in _rows("old_units.csv")}
    official = [row for row in _rows("mapping.csv") if "INFERRED-STALE" not in row["source"]]

    disagreements = {
        row["old_code"]: (row["new_code"], convert_address(_legacy_address(row, names)).ward_code)
        for row in official
        if convert_address(_legacy_address(row, names)).ward_code != row["new_code"]
    }

    assert len(official) == 192
    assert set(disagreements) == set(KNOWN_DISAGREEMENTS), disagreements


def test_the_package_does_not_know_the_stale_entries_and_matches_them_by_similar_name() -> None:
    """Its agreement on the three inferred rows is not evidence: it reads them as other wards."""
    names = {row["code"]: row for row in _rows("old_units.csv")}
    stale = [row for row in _rows("mapping.csv") if "INFERRED-STALE" in row["source"]]

    for row in stale:
        parsed = parse_address(_legacy_address(row, names), mode="LEGACY")
        assert parsed.ward_code != row["old_code"]
        assert parsed.ward != row["old_name"]


@pytest.mark.django_db
@pytest.mark.usefixtures("bac_giang")
class TestResolveAddress:
    def test_legacy_address_resolves_to_the_old_commune_and_its_successor(self) -> None:
        match = resolve_address("Phường Thọ Xương, Thành phố Bắc Giang, Bắc Giang", LAST_OLD_DAY)

        assert match is not None
        assert (match.unit.code, match.unit.valid_to) == ("07201", LAST_OLD_DAY)
        assert [(s.unit.code, s.unit.name) for s in match.current] == [
            ("07210", "Phường Bắc Giang")
        ]

    def test_address_without_diacritics_keeps_its_street(self) -> None:
        match = resolve_address(
            "so 5 nguyen van cu, phuong tho xuong, tp bac giang, bac giang", LAST_OLD_DAY
        )

        assert match is not None
        assert match.unit.code == "07201"
        assert match.street.lower() == "so 5 nguyen van cu"

    def test_cross_district_merge_through_an_address(self) -> None:
        match = resolve_address("Xã Tân Mộc, Huyện Lục Ngạn, Bắc Giang", datetime.date(2025, 3, 1))

        assert match is not None
        assert [s.unit.name for s in match.current] == ["Xã Nam Dương"]

    def test_current_address_resolves_to_the_current_commune(self) -> None:
        match = resolve_address("Số 5 Nguyễn Văn Cừ, Phường Bắc Giang, Bắc Ninh")

        assert match is not None
        assert (match.unit.code, match.unit.valid_from) == ("07210", datetime.date(2025, 7, 1))
        assert [s.unit.pk for s in match.current] == [match.unit.pk]
        assert match.latitude is not None

    def test_commune_we_do_not_hold_falls_back_to_its_province(self) -> None:
        match = resolve_address(
            "Phường Đại Phúc, Thành phố Bắc Ninh, Bắc Ninh", datetime.date(2025, 3, 1)
        )

        assert match is not None
        assert (match.unit.code, match.unit.name) == ("27", "Tỉnh Bắc Ninh")
        assert [s.unit.code for s in match.current] == ["24"]

    def test_unrecognised_text_resolves_to_nothing(self) -> None:
        assert resolve_address("không phải địa chỉ") is None
