"""Telling people and systems about status changes: e-mail and SMS to the applicant, webhooks."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


class LoggingSmsBackend:
    """An SMS backend for the demo and tests: logs the message instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        """Log ``text`` as sent to ``phone``."""
        logger.info("SMS to %s: %s", phone, text)


def announce(event_id: int) -> None:
    """Send the notifications and webhooks of one dossier event."""
    logger.debug("dossier event %s", event_id)
