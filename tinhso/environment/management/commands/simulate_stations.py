"""``tinhso simulate-stations``: feed the demo stations live readings, as dataloggers would.

Through MQTT when ``TINHSO_MQTT_URL`` is set, otherwise through the batch API. For the API the
simulator needs station tokens' secrets, and only their hashes are stored: so it makes one fresh
token per station group at start (as the demo operator, ``--actor``), keeps the secrets in
memory only, and revokes the tokens when it stops. Nothing secret is written to disk.
"""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tinhso.accounts.models import User
from tinhso.environment import actions
from tinhso.environment.demo import DEMO_OPERATOR
from tinhso.environment.demo_stations import GROUPS, STATIONS
from tinhso.environment.models import Parameter, Station, StationToken
from tinhso.environment.simulator import HttpSender, MqttSender, Sender, Simulator, run

DEFAULT_URL = "http://127.0.0.1:8000/api/v1/environment/readings"


class Command(BaseCommand):
    help = (
        "Send simulated readings of the demo stations every interval (MQTT when "
        "TINHSO_MQTT_URL is set, else the HTTP batch API), with daily cycles and incidents. "
        "Stops cleanly on SIGTERM or Ctrl+C."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--every", type=float, default=60, help="seconds between readings")
        parser.add_argument(
            "--speed",
            type=float,
            default=1,
            help="how much faster than real time the simulated day passes (60: a day in 24 min)",
        )
        parser.add_argument("--once", action="store_true", help="send one round and exit")
        parser.add_argument(
            "--incident-rate",
            type=float,
            default=0.002,
            help="chance per station and round that an incident starts",
        )
        parser.add_argument("--url", default=DEFAULT_URL, help="the batch API (HTTP mode)")
        parser.add_argument("--seed", type=int, default=None, help="random seed")
        parser.add_argument(
            "--actor", default=DEMO_OPERATOR, help="user who makes the tokens (HTTP mode)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        active = set(Station.objects.filter(active=True).values_list("code", flat=True))
        specs = [spec for spec in STATIONS if spec.code in active]
        if not specs:
            raise CommandError("No demo station in the database: run `tinhso demo` first.")
        units = dict(Parameter.objects.values_list("code", "unit"))
        now = timezone.now()
        simulator = Simulator(
            specs,
            units,
            incident_rate=options["incident_rate"],
            seed=options["seed"],
            speed=options["speed"],
            origin=now,
        )
        tokens: list[StationToken] = []
        actor: User | None = None
        sender: Sender
        if settings.TINHSO_MQTT_URL:
            sender = MqttSender(settings.TINHSO_MQTT_URL, settings.TINHSO_MQTT_TOPIC)
            way = f"MQTT {settings.TINHSO_MQTT_TOPIC}"
        else:
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No user {options['actor']!r} to make the station tokens.")
            secrets: dict[str, str] = {}
            for key, group in GROUPS.items():
                members = Station.objects.filter(code__in=[s.code for s in specs if s.group == key])
                if not members:
                    continue
                token, secret = actions.create_station_token(
                    actor=actor, name=f"Bộ mô phỏng: {group.token_name}", stations=members
                )
                tokens.append(token)
                secrets.update(dict.fromkeys((m.code for m in members), secret))
            sender = HttpSender(options["url"], secrets)
            way = options["url"]
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(
            f"Simulating {len(specs)} stations every {options['every']:g} s "
            f"(speed {options['speed']:g}) to {way}"
        )
        try:
            sent, failed = run(
                simulator,
                sender,
                every=options["every"],
                stop=stop,
                out=self.stdout,
                once=options["once"],
            )
        finally:
            sender.close()
            if actor is not None:
                for token in tokens:
                    actions.revoke_station_token(actor=actor, token=token)
        self.stdout.write(f"Stopped: {sent} readings sent, {failed} failed.")
