"""Telling people and systems about status changes: e-mail and SMS to the applicant, webhooks.

:func:`announce` runs in the background (``tasks.announce_event``) after a transition commits.
Each webhook gets a JSON POST of the event in the shape of the API's events feed, signed with
``X-Tinhso-Signature: sha256=<hex HMAC-SHA256 of the body keyed with the webhook's secret>``.
The applicant gets an e-mail and an SMS (through ``settings.TINHSO_SMS_BACKEND``) when the
dossier carries an address or a phone number. Every attempt is kept (``WebhookDelivery``,
``Notification``) with its outcome; a failure is recorded, never raised.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.sms import sms_backend
from tinhso.services.choices import Status
from tinhso.services.models import DossierEvent, Notification, Webhook, WebhookDelivery
from tinhso.services.schemas import EVENT_PREFETCH, EVENT_RELATED, event_item

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
SIGNATURE_HEADER = "X-Tinhso-Signature"
ERROR_LENGTH = 500
TRACKING_PATH = "/services/tra-cuu/"


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for ``body``: ``sha256=<hex HMAC-SHA256>``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def event_body(event: DossierEvent) -> bytes:
    """The JSON body of a webhook call: the event as the events feed shows it."""
    return json.dumps(
        event_item(event), cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()


def log_delivery(
    webhook: Webhook, event: DossierEvent, *, status_code: int | None, ok: bool, error: str = ""
) -> WebhookDelivery:
    """Keep one webhook attempt and its outcome.

    This and :func:`log_notification` are machine logs, not domain actions: they record what
    was sent, change nothing a person decided, and so write no audit-ledger entry and do not
    go through ``tinhso.services.actions``.
    """
    return WebhookDelivery.objects.create(
        webhook=webhook,
        event=event,
        attempted_at=timezone.now(),
        status_code=status_code,
        ok=ok,
        error=error[:ERROR_LENGTH],
    )


def log_notification(
    event: DossierEvent, *, channel: str, recipient: str, body: str, ok: bool, error: str = ""
) -> Notification:
    """Keep one message to the applicant and its outcome (a machine log, see
    :func:`log_delivery`)."""
    return Notification.objects.create(
        dossier=event.dossier,
        event=event,
        channel=channel,
        recipient=recipient,
        body=body,
        sent_at=timezone.now(),
        ok=ok,
        error=error[:ERROR_LENGTH],
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the signed POST into a GET elsewhere: treat it as a failure."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def deliver(webhook: Webhook, event: DossierEvent, body: bytes) -> WebhookDelivery:
    """POST ``body`` to the webhook, signed, and record the outcome; never raises for HTTP or
    network failures (a 2xx answer counts as delivered)."""
    if urlsplit(webhook.url).scheme not in {"http", "https"}:
        return log_delivery(
            webhook, event, status_code=None, ok=False, error="URL không phải http(s) (not http)"
        )
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "tinhso-webhook/1",
            SIGNATURE_HEADER: sign(body, webhook.secret),
            "X-Tinhso-Event": str(event.pk),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        return log_delivery(
            webhook, event, status_code=exc.code, ok=False, error=f"HTTP {exc.code} {exc.reason}"
        )
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return log_delivery(webhook, event, status_code=None, ok=False, error=str(reason))
    return log_delivery(webhook, event, status_code=status, ok=200 <= status < 300)


def tracking_link(code: str) -> str:
    """The public tracking page of a dossier (absolute when ``TINHSO_SITE_URL`` is set)."""
    try:
        path = reverse("services:track")
    except NoReverseMatch:
        path = TRACKING_PATH
    base = str(getattr(settings, "TINHSO_SITE_URL", "") or "").rstrip("/")
    return f"{base}{path}?code={code}"


def should_tell_applicant(event: DossierEvent) -> bool:
    """Whether the applicant hears of this event: a change of status or a new appointment
    date, but not the applicant's own rating."""
    if event.action == "rate":
        return False
    return event.from_status != event.to_status or event.action == "apologise"


def _message(event: DossierEvent) -> tuple[str, str, str]:
    """The e-mail subject and body and the SMS text of an event, in Vietnamese."""
    dossier = event.dossier
    code = dossier.code or ""
    status = str(Status(event.to_status).label)
    link = tracking_link(code)
    subject = _("Hồ sơ %(code)s: %(status)s") % {"code": code, "status": status}
    lines = [
        _("Kính gửi %(name)s,") % {"name": dossier.applicant_name},
        "",
        _("Hồ sơ %(code)s (%(procedure)s) đã chuyển sang trạng thái: %(status)s.")
        % {"code": code, "procedure": dossier.procedure.name, "status": status},
    ]
    if dossier.due_date and event.to_status not in {Status.RETURNED, Status.REJECTED}:
        lines.append(
            _("Ngày hẹn trả kết quả: %(date)s.") % {"date": f"{dossier.due_date:%d/%m/%Y}"}
        )
    if event.comment and event.action in {"reject", "request_supplement", "apologise"}:
        lines.append(_("Nội dung: %(comment)s") % {"comment": event.comment})
    lines += [
        _("Tra cứu tình trạng hồ sơ tại: %(link)s") % {"link": link},
        "",
        _("Đây là thư tự động, xin đừng trả lời."),
    ]
    sms = _("Hồ sơ %(code)s: %(status)s. Tra cứu: %(link)s") % {
        "code": code,
        "status": status,
        "link": link,
    }
    return subject, "\n".join(lines), sms


def _tell_applicant(event: DossierEvent) -> None:
    dossier = event.dossier
    subject, body, sms = _message(event)
    if dossier.applicant_email:
        try:
            send_mail(subject, body, None, [dossier.applicant_email])
        except Exception as exc:  # any mail failure is recorded, not raised
            logger.warning("e-mail for event %s failed: %s", event.pk, exc)
            log_notification(
                event,
                channel="email",
                recipient=dossier.applicant_email,
                body=body,
                ok=False,
                error=str(exc),
            )
        else:
            log_notification(
                event, channel="email", recipient=dossier.applicant_email, body=body, ok=True
            )
    if dossier.applicant_phone:
        try:
            sms_backend().send(dossier.applicant_phone, sms)
        except Exception as exc:  # a broken gateway must not stop the rest
            logger.warning("SMS for event %s failed: %s", event.pk, exc)
            log_notification(
                event,
                channel="sms",
                recipient=dossier.applicant_phone,
                body=sms,
                ok=False,
                error=str(exc),
            )
        else:
            log_notification(
                event, channel="sms", recipient=dossier.applicant_phone, body=sms, ok=True
            )


def announce(event_id: int) -> None:
    """Send the notifications and webhooks of one dossier event.

    Every active webhook gets the event; the applicant hears of it when
    :func:`should_tell_applicant` says so. Failures are recorded and logged, never raised.
    """
    event = (
        DossierEvent.objects.select_related(*EVENT_RELATED)
        .prefetch_related(*EVENT_PREFETCH)
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        logger.warning("dossier event %s no longer exists; nothing announced", event_id)
        return
    body = event_body(event)
    for webhook in Webhook.objects.filter(active=True):
        try:
            deliver(webhook, event, body)
        except Exception:  # one broken webhook must not stop the others
            logger.exception("webhook %s for event %s failed", webhook.pk, event_id)
    if should_tell_applicant(event):
        try:
            _tell_applicant(event)
        except Exception:  # notifications never fail the caller
            logger.exception("notifying the applicant of event %s failed", event_id)
