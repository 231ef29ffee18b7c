"""``tinhso load-environment-reference``: load the shipped parameters and QCVN limit sets."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tinhso.environment.seed import load_reference_data


class Command(BaseCommand):
    help = (
        "Create the shipped monitoring parameters, QCVN limit sets and limits that are missing; "
        "rows already in the database (possibly corrected by an operator) are kept."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_reference_data()
        self.stdout.write(self.style.SUCCESS(str(report)))
