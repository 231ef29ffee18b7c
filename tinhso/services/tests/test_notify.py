"""Notifications of status changes: signed webhooks, e-mail and SMS to the applicant."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tinhso.services import actions, notify
from tinhso.services.models import (
    Dossier,
    DossierEvent,
    Notification,
    Webhook,
    WebhookDelivery,
)
from tinhso.services.tests.factories import ServicesWorld, pdf_upload, submitted_birth

SECRET = "s3cret-of-the-national-portal"


@dataclass
class Receiver:
    """A local HTTP server standing in for a partner system."""

    url: str
    status: int = 204
    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """An HTTP server on a free loopback port, in a thread, answering POSTs with ``status``."""
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.calls.append((dict(self.headers.items()), body))
            self.send_response(state.status)
            if state.status in (301, 302):
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hook"
    yield state
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def last_event(dossier: Dossier) -> DossierEvent:
    return DossierEvent.objects.filter(dossier=dossier).latest("id")


def submitted_with_contact(sw: ServicesWorld, *, email: str = "", phone: str = "") -> Dossier:
    """A birth registration whose applicant left an e-mail address and/or a phone number."""
    user = sw["citizen_a"]
    draft = actions.save_draft(
        sw.birth,
        actor=user,
        applicant=actions.Applicant(name="Nguyễn Văn An", email=email, phone=phone, account=user),
        form_data={"child_name": "Nguyễn Văn Bé", "birth_date": "2026-11-20", "sex": "Nam"},
        unit=sw.bac_giang,
    )
    actions.add_attachment(draft, actor=user, upload=pdf_upload(), document_code="TK")
    return actions.submit_dossier(draft, actor=user)


class RecordingSms:
    """An SMS backend that keeps what it was asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        RecordingSms.sent.append((phone, text))


class BrokenSms:
    """An SMS gateway that is down."""

    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway down")


class BrokenEmailBackend:
    """A mail server that refuses everything."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise OSError("mail server refused")


# --- webhooks --------------------------------------------------------------------------------


def test_webhook_gets_the_feed_item_signed_with_its_secret(
    sw: ServicesWorld, receiver: Receiver
) -> None:
    hook = Webhook.objects.create(name="Cổng DVC quốc gia", url=receiver.url, secret=SECRET)
    Webhook.objects.create(name="Tắt", url=receiver.url, secret="x", active=False)
    dossier = actions.receive_dossier(submitted_birth(sw), actor=sw["officer_a"])
    event = last_event(dossier)

    notify.announce(event.pk)

    [(headers, body)] = receiver.calls
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Tinhso-Signature"] == f"sha256={expected}"
    assert headers["Content-Type"].startswith("application/json")
    payload = json.loads(body)
    client = Client()
    client.force_login(sw["officer_a"])
    feed = client.get("/api/v1/services/events").json()["items"]
    assert payload == feed[-1]
    assert (payload["dossier"], payload["action"], payload["portal_status"]) == (
        dossier.code,
        "receive",
        2,
    )
    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.webhook, delivery.event, delivery.ok, delivery.status_code) == (
        hook,
        event,
        True,
        204,
    )


def test_a_tampered_body_does_not_match_the_signature(
    sw: ServicesWorld, receiver: Receiver
) -> None:
    Webhook.objects.create(name="Cổng", url=receiver.url, secret=SECRET)
    notify.announce(last_event(submitted_birth(sw)).pk)
    [(headers, body)] = receiver.calls
    tampered = body.replace(b'"submitted"', b'"returned"')
    forged = hmac.new(SECRET.encode(), tampered, hashlib.sha256).hexdigest()
    assert tampered != body and headers["X-Tinhso-Signature"] != f"sha256={forged}"


def test_failing_webhooks_are_recorded_without_raising(
    sw: ServicesWorld, receiver: Receiver
) -> None:
    receiver.status = 500
    erroring = Webhook.objects.create(name="Lỗi", url=receiver.url, secret=SECRET)
    unreachable = Webhook.objects.create(
        name="Không tới", url=f"http://127.0.0.1:{free_port()}/hook", secret=SECRET
    )
    local_file = Webhook.objects.create(name="Tệp", url="file:///etc/passwd", secret=SECRET)
    event = last_event(submitted_birth(sw))

    notify.announce(event.pk)

    deliveries = {d.webhook: d for d in WebhookDelivery.objects.all()}
    assert (deliveries[erroring].ok, deliveries[erroring].status_code) == (False, 500)
    assert not deliveries[unreachable].ok and deliveries[unreachable].status_code is None
    assert "refused" in deliveries[unreachable].error.lower()
    assert not deliveries[local_file].ok and "http" in deliveries[local_file].error
    assert len(receiver.calls) == 1


def test_a_redirecting_webhook_counts_as_failed(sw: ServicesWorld, receiver: Receiver) -> None:
    receiver.status = 302
    Webhook.objects.create(name="Chuyển hướng", url=receiver.url, secret=SECRET)
    notify.announce(last_event(submitted_birth(sw)).pk)
    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.ok, delivery.status_code) == (False, 302)


def test_announcing_a_vanished_event_does_nothing(db: None, caplog: Any) -> None:
    with caplog.at_level(logging.WARNING, logger="tinhso.services.notify"):
        notify.announce(987654)
    assert "987654" in caplog.text
    assert not WebhookDelivery.objects.exists() and not Notification.objects.exists()


# --- the applicant -----------------------------------------------------------------------------


def test_applicant_gets_an_email_with_code_status_and_tracking_link(sw: ServicesWorld) -> None:
    dossier = actions.receive_dossier(
        submitted_with_contact(sw, email="an@example.vn"), actor=sw["officer_a"]
    )
    mail.outbox.clear()

    notify.announce(last_event(dossier).pk)

    [message] = mail.outbox
    assert message.to == ["an@example.vn"]
    assert f"{dossier.code}: Đã tiếp nhận" in str(message.subject)
    assert f"/services/tra-cuu/?code={dossier.code}" in message.body
    assert f"{dossier.due_date:%d/%m/%Y}" in message.body
    [note] = Notification.objects.all()
    assert (note.channel, note.recipient, note.ok, note.dossier) == (
        "email",
        "an@example.vn",
        True,
        dossier,
    )


def test_sms_goes_through_the_configured_backend(sw: ServicesWorld, settings: Any) -> None:
    settings.TINHSO_SMS_BACKEND = f"{__name__}.RecordingSms"
    RecordingSms.sent.clear()
    dossier = submitted_with_contact(sw, phone="0912345678")

    notify.announce(last_event(dossier).pk)

    [(phone, text)] = RecordingSms.sent
    assert phone == "0912345678" and f"{dossier.code}: Mới đăng ký" in text
    [note] = Notification.objects.filter(channel="sms")
    assert note.ok and note.body == text
    assert not mail.outbox  # no e-mail address, no e-mail


def test_the_default_sms_backend_logs_the_message(sw: ServicesWorld, caplog: Any) -> None:
    dossier = submitted_with_contact(sw, phone="0912345678")
    with caplog.at_level(logging.INFO, logger="tinhso.services.notify"):
        notify.announce(last_event(dossier).pk)
    assert f"SMS to 0912345678: Hồ sơ {dossier.code}" in caplog.text
    assert Notification.objects.get(channel="sms").ok


def test_failed_email_and_sms_are_recorded_without_raising(
    sw: ServicesWorld, settings: Any
) -> None:
    settings.TINHSO_SMS_BACKEND = f"{__name__}.BrokenSms"
    settings.EMAIL_BACKEND = f"{__name__}.BrokenEmailBackend"
    dossier = submitted_with_contact(sw, email="an@example.vn", phone="0912345678")

    notify.announce(last_event(dossier).pk)

    notes = {note.channel: note for note in Notification.objects.all()}
    assert (notes["email"].ok, notes["email"].error) == (False, "mail server refused")
    assert (notes["sms"].ok, notes["sms"].error) == (False, "gateway down")


def test_steps_without_a_status_change_do_not_message_the_applicant(
    sw: ServicesWorld, settings: Any
) -> None:
    settings.TINHSO_SMS_BACKEND = f"{__name__}.RecordingSms"
    RecordingSms.sent.clear()
    dossier = actions.receive_dossier(
        submitted_with_contact(sw, phone="0912345678"), actor=sw["officer_a"]
    )
    dossier = actions.advance_dossier(dossier, actor=sw["officer_a"])  # received → processing
    dossier = actions.advance_dossier(dossier, actor=sw["officer_a"])  # processing → processing
    *_earlier, moved, stayed = DossierEvent.objects.filter(dossier=dossier).order_by("id")
    assert (moved.from_status, stayed.from_status, stayed.to_status) == (
        "received",
        "processing",
        "processing",
    )

    notify.announce(stayed.pk)
    assert RecordingSms.sent == []
    notify.announce(moved.pk)
    assert [text for _phone, text in RecordingSms.sent] == [
        f"Hồ sơ {dossier.code}: Đang xử lý. Tra cứu: /services/tra-cuu/?code={dossier.code}"
    ]
