"""Sending SMS: the backend interface every app uses, and the default that only logs.

``settings.TINHSO_SMS_BACKEND`` names a class whose instances have ``send(phone, text)``; a
province plugs in its gateway's client there. Used by the one-stop notifications
(``tinhso.services.notify``) and the alert channels (``tinhso.alerts.notify``).
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    """What ``settings.TINHSO_SMS_BACKEND`` names: a class whose instances send one SMS."""

    def send(self, phone: str, text: str) -> None:
        """Send ``text`` to ``phone``; raise on failure."""


class LoggingSmsBackend:
    """An SMS backend for the demo and tests: logs the message instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        """Log ``text`` as sent to ``phone``."""
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> SmsBackend:
    """An instance of the SMS backend class named by ``settings.TINHSO_SMS_BACKEND``."""
    path = getattr(settings, "TINHSO_SMS_BACKEND", "") or f"{__name__}.LoggingSmsBackend"
    backend: SmsBackend = import_string(path)()
    return backend
