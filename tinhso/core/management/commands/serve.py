"""``tinhso serve``: serve tinhso over HTTP with gunicorn, optionally with a task worker."""

from __future__ import annotations

import os
import signal
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
        gunicorn = [
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
        if not options["with_worker"]:
            # Become gunicorn: signals from systemd or the shell reach it directly.
            os.execv(sys.executable, gunicorn)  # noqa: S606
        children = [
            subprocess.Popen([sys.executable, "-m", "tinhso.cli", "worker"]),
            subprocess.Popen(gunicorn),  # noqa: S603
        ]

        def stop(signum: int, frame: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            children[1].wait()  # the web server; the worker follows it
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
