"""``tinhso serve``: serve tinhso over HTTP with gunicorn, optionally with a task worker."""

from __future__ import annotations

import os
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve tinhso with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run a background-task worker (django-tasks database backend)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = None
        if options["with_worker"]:
            worker = subprocess.Popen(
                [sys.executable, "-m", "tinhso.cli", "worker", "--queue-name", "*"],
                env=os.environ.copy(),
            )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "tinhso.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
        ]
        try:
            subprocess.run(command, check=False, env=os.environ.copy())  # noqa: S603
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
