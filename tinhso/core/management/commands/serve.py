"""``tinhso serve``: serve tinhso over HTTP with gunicorn, optionally with its background
processes: the task worker, the alert ticker (``tinhso tick``), the MQTT reading subscriber
when ``TINHSO_MQTT_URL`` is set, and for the demo the station simulator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve tinhso with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run the background processes: the task worker (django-tasks database "
            "backend), the alert ticker every 15 s and, when TINHSO_MQTT_URL is set, the MQTT "
            "reading subscriber",
        )
        parser.add_argument(
            "--with-simulator",
            action="store_true",
            help="also run the demo's station simulator (readings through MQTT when "
            "TINHSO_MQTT_URL is set, else through this server's HTTP API)",
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
        background = []
        if options["with_worker"]:
            background += [["worker"], ["tick", "--every", "15"]]
            if settings.TINHSO_MQTT_URL:
                background.append(["ingest-mqtt"])
        if options["with_simulator"]:
            readings = f"http://{options['bind']}/api/v1/environment/readings"
            background.append(["simulate-stations", "--url", readings, "--speed", "60"])
        if not background:
            # Become gunicorn: signals from systemd or the shell reach it directly.
            os.execv(sys.executable, gunicorn)  # noqa: S606
        web = subprocess.Popen(gunicorn)  # noqa: S603
        children = [web] + [
            subprocess.Popen([sys.executable, "-m", "tinhso.cli", *command])  # noqa: S603
            for command in background
        ]

        def stop(signum: int, frame: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            web.wait()  # the web server; the background processes follow it
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
