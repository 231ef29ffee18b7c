"""API token secrets: how they are made, hashed and looked up.

A secret is ``tsk_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is
stored, so a copy of the database does not hand out working tokens; a plain hash suffices
because the secret is random, not a password.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tinhso.accounts.backends import login_allowed
from tinhso.accounts.models import ApiToken

SECRET_PREFIX = "tsk_"  # noqa: S105 -- a marker that makes leaked tokens easy to scan for
# last_used_at is refreshed at most this often, so that reads do not turn into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def new_secret() -> str:
    """Return a fresh random token secret."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """Return the hex SHA-256 of ``secret``, as stored in ``ApiToken.token_hash``."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def default_expiry() -> timedelta:
    """Return how long a new token lives (``TINHSO_TOKEN_TTL_HOURS``)."""
    return timedelta(hours=settings.TINHSO_TOKEN_TTL_HOURS)


def find_usable(secret: str) -> ApiToken | None:
    """Return the token for ``secret`` if known, unexpired, unrevoked and its user may sign in.

    Marks the token as used (at most once a minute).
    """
    if not secret.startswith(SECRET_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "unit", "agency")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    if token is None or not token.is_usable() or not login_allowed(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
