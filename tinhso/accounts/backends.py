"""Sign-in rules beyond a correct password: demo accounts work only in demo mode.

``AccountBackend`` replaces Django's ``ModelBackend`` in ``AUTHENTICATION_BACKENDS`` (after
django-axes' backend); the login form and the Bearer-token check call :func:`login_allowed`
too, so the rule holds on every way in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def login_allowed(user: Any) -> bool:
    """Whether ``user`` may sign in now: active, and a demo account only in demo mode."""
    if not getattr(user, "is_active", False):
        return False
    return not getattr(user, "is_demo", False) or bool(settings.TINHSO_DEMO)


class AccountBackend(ModelBackend):
    """Django's model backend that also refuses demo accounts outside demo mode.

    Because Django re-checks ``user_can_authenticate`` when it loads the user of a session,
    a demo session left over from demo mode stops working too.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        """Allow active users; demo users only while ``TINHSO_DEMO`` is on."""
        return super().user_can_authenticate(user) and login_allowed(user)
