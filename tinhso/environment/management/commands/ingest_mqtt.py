"""``tinhso ingest-mqtt``: store readings that stations publish to the MQTT broker.

Runs until SIGTERM or SIGINT; every ``--report-every`` seconds (default 60) it prints the
totals and the storing rate. See :mod:`tinhso.environment.mqtt` for the topics and payloads.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tinhso.environment.mqtt import DEFAULT_CLIENT_ID, Stats, Subscriber


class Command(BaseCommand):
    help = (
        "Nhận số liệu quan trắc các trạm gửi qua MQTT (phiên bền, xác nhận sau khi đã lưu). "
        "Mặc định theo TINHSO_MQTT_URL và TINHSO_MQTT_TOPIC."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=settings.TINHSO_MQTT_URL, help="mqtt://…")
        parser.add_argument(
            "--topic", default=settings.TINHSO_MQTT_TOPIC, help="chủ đề, mức “+” là mã trạm"
        )
        parser.add_argument(
            "--client-id",
            default=DEFAULT_CLIENT_ID,
            help="mã máy khách cố định: máy chủ giữ phiên và gửi lại theo mã này",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="số thông điệp một lô")
        parser.add_argument("--batch-ms", type=int, default=200, help="tuổi tối đa của một lô")
        parser.add_argument(
            "--report-every", type=float, default=60.0, help="số giây giữa hai dòng tổng kết"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["url"]:
            raise CommandError(
                _("Chưa cấu hình máy chủ MQTT: đặt TINHSO_MQTT_URL hoặc dùng --url mqtt://…")
            )
        try:
            subscriber = Subscriber(
                options["url"],
                topic=options["topic"],
                client_id=options["client_id"],
                batch_size=options["batch_size"],
                batch_ms=options["batch_ms"],
                report=self.report,
                report_every=options["report_every"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        stop = threading.Event()
        previous = {
            signum: signal.signal(signum, lambda *_args: stop.set())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write(
            _("Nhận số liệu MQTT từ %(host)s:%(port)s, chủ đề %(topic)s.")
            % {
                "host": subscriber.broker.host,
                "port": subscriber.broker.port,
                "topic": options["topic"],
            }
        )
        self._last = Stats()
        try:
            subscriber.run(stop)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def report(self, totals: Stats, seconds: float) -> None:
        """Print the running totals and the storing rate since the last report."""
        rate = (totals.stored - self._last.stored) / seconds if seconds else 0.0
        self._last = Stats(**vars(totals))
        self.stdout.write(
            _(
                "MQTT: %(messages)s thông điệp (%(redelivered)s gửi lại), lưu %(stored)s số liệu,"
                " đã có %(duplicates)s, cách ly %(quarantined)s; %(rate).0f số liệu/giây"
            )
            % {**vars(totals), "rate": rate}
        )
