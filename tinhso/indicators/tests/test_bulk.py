"""Bulk upsert of data values (COPY and merge on PostgreSQL, executemany on SQLite)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators.actions import ValueRow
from tinhso.indicators.bulk import Cell, CellsTaken, upsert_cells
from tinhso.indicators.models import DataElement, DataValue, dimension_key


@pytest.fixture
def cell(db: Any) -> dict[str, Any]:
    unit = AdministrativeUnit.objects.create(
        code="07210",
        name="Phường Bắc Giang",
        type="phuong",
        level=3,
        valid_from=datetime.date(2025, 7, 1),
    )
    element = DataElement.objects.create(
        code="DOSSIERS",
        name="Hồ sơ",
        value_type="number",
        aggregation_time="sum",
        aggregation_space="sum",
        dimensions=["level"],
    )
    return {"unit": unit, "element": element}


def value(cell: dict[str, Any], amount: str, dims: dict[str, str], note: str = "") -> Cell:
    return Cell(
        cell["element"].pk,
        cell["unit"].pk,
        "202507",
        dims,
        dimension_key(dims),
        Decimal(amount),
        "reported",
        "",
        note,
    )


def test_new_cells_are_inserted_with_their_fields(cell: dict[str, Any]) -> None:
    note = "tab\there, new\nline, back\\slash"
    upsert_cells([value(cell, "12.5", {"level": "xã"}, note), value(cell, "3", {})])
    stored = {v.dimension_key: v for v in DataValue.objects.all()}
    assert set(stored) == {'{"level":"xã"}', "{}"}
    assert stored['{"level":"xã"}'].value == Decimal("12.5")
    assert stored['{"level":"xã"}'].dimensions == {"level": "xã"}
    assert stored['{"level":"xã"}'].note == note
    assert stored["{}"].source == "reported"


def test_a_stored_cell_takes_the_new_value_and_keeps_its_creation_time(
    cell: dict[str, Any],
) -> None:
    upsert_cells([value(cell, "1", {"level": "xã"})])
    first = DataValue.objects.get()
    upsert_cells([value(cell, "2", {"level": "xã"}, "sửa"), value(cell, "7", {})])
    assert DataValue.objects.count() == 2
    again = DataValue.objects.get(pk=first.pk)
    assert (again.value, again.note) == (Decimal(2), "sửa")
    assert again.created_at == first.created_at
    assert again.updated_at > first.updated_at


def test_a_cell_written_twice_in_one_transaction_keeps_the_later_value(
    cell: dict[str, Any],
) -> None:
    with transaction.atomic():
        upsert_cells([value(cell, "1", {})])
        upsert_cells([value(cell, "2", {})])
    assert list(DataValue.objects.values_list("value", flat=True)) == [2]


def test_cells_stored_meanwhile_are_not_inserted_twice(cell: dict[str, Any]) -> None:
    upsert_cells([value(cell, "1", {})])
    with pytest.raises(CellsTaken):
        upsert_cells([value(cell, "2", {})], new=True)
    assert DataValue.objects.get().value == 1


def test_an_import_racing_another_keeps_what_the_other_stored_in_the_history(
    cell: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tinhso.indicators.actions import values as value_actions
    from tinhso.indicators.models import ValueChange

    upsert_cells([value(cell, "4", {"level": "xã"})])
    real = value_actions._stored
    reads: list[object] = []

    def stored(cells: Any) -> Any:
        # The import's first read misses the cell another import has just stored.
        reads.append(cells)
        return {} if len(reads) == 1 else real(cells)

    monkeypatch.setattr(value_actions, "_stored", stored)
    row = ValueRow("DOSSIERS", cell["unit"], "202507", Decimal(9), {"level": "xã"})
    result = value_actions.import_values([row], actor=None)
    assert (result.imported, result.updated) == (0, 1)
    assert DataValue.objects.get().value == 9
    change = ValueChange.objects.get()
    assert (change.previous, change.value) == (4, 9)
    assert len(reads) == 2
