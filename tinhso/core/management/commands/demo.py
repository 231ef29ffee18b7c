"""``tinhso demo``: prepare the embedded database, load the demo province and serve it."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tinhso.core import registry

MARKER_NAME = "demo-loaded"


class Command(BaseCommand):
    help = (
        "Migrate the database, load the demo province (units, agencies, accounts) once, "
        "then serve it at http://127.0.0.1:8000. A second run skips what is already loaded."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to serve on")
        parser.add_argument("--reload-data", action="store_true", help="load the demo data again")
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.TINHSO_DEMO:
            raise CommandError("tinhso demo runs only with TINHSO_MODE=demo")
        started = time.monotonic()
        self.stdout.write("1/3 Database: applying migrations…")
        call_command("migrate", interactive=False, verbosity=0)
        marker = settings.DATA_DIR / MARKER_NAME
        steps = registry.demo_loaders()
        if marker.exists() and not options["reload_data"]:
            self.stdout.write("2/3 Demo data: already loaded (use --reload-data to refresh)")
        else:
            for number, step in enumerate(steps, start=1):
                self.stdout.write(f"2/3 Demo data [{number}/{len(steps)}]: {step.title}…")
                step.load(self.stdout)
            marker.write_text(",".join(step.key for step in steps))
        self.stdout.write(self.style.SUCCESS(f"Ready in {time.monotonic() - started:.1f} s."))
        if options["no_serve"]:
            return
        self.stdout.write(f"3/3 Serving http://{options['bind']}/  (Ctrl+C to stop)")
        call_command("serve", bind=options["bind"], with_worker=True, with_simulator=True)
