"""``tinhso load-units``: load administrative units, idempotently."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tinhso.directory import loaders

TRANSITIONS = {"bac-giang": loaders.bac_giang_transition_plan}


class Command(BaseCommand):
    help = (
        "Load administrative units. By default: the current units of the whole country "
        "(34 provinces, 3,321 communes, valid from 01/07/2025) from the vietnam-provinces "
        "package, with known code errors corrected and coordinates from vietnamadminunits. "
        "--transition bac-giang adds the former Bắc Giang province (valid until 30/06/2025, "
        "districts and communes), the former Bắc Ninh province, and the official 01/07/2025 "
        "successions into the new Bắc Ninh. Running it again updates rows, never duplicates "
        "them. Sources and caveats: tinhso/directory/data/units-2025/README.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            metavar="CODE",
            help="load current units of this province only (2-digit code, e.g. 24); repeatable",
        )
        parser.add_argument(
            "--transition",
            action="append",
            choices=sorted(TRANSITIONS),
            default=[],
            help="also load a historic hierarchy and its transition (bac-giang)",
        )
        parser.add_argument(
            "--no-coordinates",
            action="store_true",
            help="do not fill latitude/longitude from vietnamadminunits",
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="rows per write and audit entry"
        )
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        coordinates = not options["no_coordinates"]
        provinces = {code.zfill(2) for code in options["province"] or []} or None
        plan = loaders.current_units_plan(provinces, coordinates=coordinates)
        for name in options["transition"]:
            plan = plan.merge(TRANSITIONS[name](coordinates=coordinates))
        with tqdm(
            total=len(plan),
            unit=" rows",
            desc="load-units",
            disable=True if options["no_progress"] else None,
        ) as bar:
            try:
                report = loaders.apply(
                    plan, source="load-units", batch_size=options["batch_size"], progress=bar.update
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        for correction in report.corrections:
            self.stdout.write(f"corrected: {correction}")
        self.stdout.write(
            self.style.SUCCESS(
                f"units: {report.units.created} new, {report.units.updated} updated, "
                f"{report.units.unchanged} unchanged; successions: {report.links.created} new, "
                f"{report.links.updated} updated, {report.links.unchanged} unchanged "
                f"({time.monotonic() - started:.1f} s)"
            )
        )
