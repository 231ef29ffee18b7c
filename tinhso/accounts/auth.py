"""Authentication for the API: Bearer tokens for machines, the browser session for people.

Routers of every app use ``auth=api_auth``::

    from tinhso.accounts.auth import api_auth
    router = Router(tags=["services"], auth=api_auth)

Either way ``request.auth`` is the :class:`~tinhso.accounts.models.User`; with a token,
``request.auth.active_token`` is the token and narrows the user's scope in
``tinhso.accounts.permissions``. Session requests that change data must carry the CSRF token.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from tinhso.accounts import tokens
from tinhso.accounts.models import User
from tinhso.core import context


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a token issued by ``POST /api/v1/auth/token``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """Return the token's user, or None (→ 401) if the token is unknown or unusable."""
        api_token = tokens.find_usable(token.strip())
        if api_token is None:
            return None
        user = api_token.user
        user.active_token = api_token
        request.user = user
        context.label_client(token_client_label(api_token.name, context.current().client))
        return user


def token_client_label(token_name: str, user_agent: str) -> str:
    """Return the audit ledger's client label for a token request: the token and the agent.

    E.g. ``token:station-7 | python-httpx/0.27``; both count when tracing a leaked token.
    Truncated to 255 characters (the ledger's column) by ``label_client``.
    """
    label = "token:" + token_name
    return f"{label} | {user_agent}" if user_agent else label


bearer_auth = BearerToken()
api_auth = [bearer_auth, django_auth]
