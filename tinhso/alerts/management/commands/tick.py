"""``tinhso tick``: run the alerting schedule once, or every N seconds until stopped."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tinhso.alerts.ticker import tick


class Command(BaseCommand):
    help = (
        "Evaluate the registered alert rules, fire pending alerts whose hold time has passed "
        "and escalate unacknowledged ones: once (--once) or every SECONDS (--every) until "
        "SIGTERM or SIGINT."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--once", action="store_true", help="run one round and exit")
        group.add_argument("--every", type=float, metavar="SECONDS", help="run a round every N s")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self.stdout.write(str(tick()))
            return
        every = options["every"]
        if every <= 0:
            raise CommandError("--every needs a positive number of seconds")
        stop = threading.Event()

        def _stop(signum: int, frame: Any) -> None:
            stop.set()

        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not stop.is_set():
                try:
                    self.stdout.write(str(tick()))
                except Exception as exc:  # a failed round is reported; the next one runs
                    self.stderr.write(f"tick failed: {exc}")
                stop.wait(every)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("stopped")
