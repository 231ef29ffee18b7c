"""Writes of the environment app other than readings (those go through ``ingest``)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from tinhso.accounts.models import User
from tinhso.accounts.permissions import Perm, require
from tinhso.accounts.tokens import LAST_USED_RESOLUTION, hash_secret
from tinhso.core.audit import record_write
from tinhso.environment.models import Station, StationToken

TOKEN_PREFIX = "tst_"  # noqa: S105 -- a marker that makes leaked station tokens easy to scan for


def create_station_token(
    *, actor: User, name: str, stations: Iterable[Station]
) -> tuple[StationToken, str]:
    """Make a token that may send readings for ``stations``; return it and its secret (shown
    once, only its hash is kept)."""
    stations = list(stations)
    for station in stations:
        require(actor, Perm.DATA_CHANGE, station)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = StationToken.objects.create(
            name=name,
            token_hash=hash_secret(secret),
            prefix=secret[:12],
            created_by=actor,
        )
        token.stations.set(stations)
        record_write(
            actor=actor,
            action="environment.token.create",
            target=token,
            changes={"stations": [None, [s.code for s in stations]]},
        )
    return token, secret


def revoke_station_token(*, actor: User, token: StationToken) -> StationToken:
    """Stop a token from being accepted."""
    for station in token.stations.all():
        require(actor, Perm.DATA_CHANGE, station)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_write(actor=actor, action="environment.token.revoke", target=token)
    return token


def find_station_token(secret: str) -> tuple[StationToken, frozenset[int]] | None:
    """The unrevoked token for ``secret`` and the stations it may send for, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = StationToken.objects.filter(
        token_hash=hash_secret(secret), revoked_at__isnull=True
    ).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        StationToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, frozenset(token.stations.values_list("pk", flat=True))
