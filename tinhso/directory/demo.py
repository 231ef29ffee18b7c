"""Demo data of the directory: units of the country and of the Bắc Giang transition, agencies.

``tinhso demo`` calls :func:`load_demo` through the core demo registry (see ``apps.py``).
"""

from __future__ import annotations

import csv
import datetime
import time
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction

from tinhso.directory import actions, loaders, queries
from tinhso.directory.models import Agency

AGENCIES_CSV = Path(__file__).resolve().parent / "data" / "demo" / "agencies.csv"
DEMO_CODE_SOURCE = (
    "DEMO: mã giả lập (đuôi Z98/Z99), không phải mã chính thức; "
    "mã định danh của tỉnh chưa được kiểm chứng"
)


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def load_demo_agencies(*, actor: Any = None) -> list[Agency]:
    """Create or update the demo agencies of ``data/demo/agencies.csv`` and their codes.

    Needs the units they sit in (see :func:`load_demo`). Idempotent.

    Raises:
        AdministrativeUnit.DoesNotExist: a unit code does not exist on the agency's start date.
    """
    by_key: dict[str, Agency] = {}
    with AGENCIES_CSV.open(encoding="utf-8", newline="") as handle, transaction.atomic():
        for row in csv.DictReader(handle):
            valid_from = datetime.date.fromisoformat(row["valid_from"])
            valid_to = _date(row["valid_to"])
            agency = actions.save_agency(
                actor=actor,
                name=row["name"],
                short_name=row["short_name"],
                kind=row["kind"],
                unit=queries.get_unit(row["unit_code"], valid_from),
                parent=by_key[row["parent"]] if row["parent"] else None,
                predecessor=by_key[row["predecessor"]] if row["predecessor"] else None,
                valid_from=valid_from,
                valid_to=valid_to,
            )
            actions.save_agency_code(
                agency,
                actor=actor,
                code=row["code"],
                valid_from=valid_from,
                valid_to=valid_to,
                source=DEMO_CODE_SOURCE,
                verified=False,
            )
            by_key[row["key"]] = agency
    return list(by_key.values())


def load_demo(stdout: TextIO | None = None) -> None:
    """Load the demo directory: current units of the whole country, the Bắc Giang history and
    its 01/07/2025 transition to the new Bắc Ninh, and the demo agencies. Idempotent.

    ``stdout`` receives a short progress report.
    """
    started = time.monotonic()
    plan = loaders.current_units_plan().merge(loaders.bac_giang_transition_plan())
    report = loaders.apply(plan, source="demo")
    agencies = load_demo_agencies()
    if stdout is not None:
        units, links = report.units, report.links
        stdout.write(
            f"  units: {units.created} new, {units.updated} updated, {units.unchanged} unchanged; "
            f"successions: {links.created} new, {links.updated} updated, "
            f"{links.unchanged} unchanged; {len(agencies)} agencies; "
            f"{len(report.corrections)} source corrections "
            f"({time.monotonic() - started:.1f} s)\n"
        )
