"""htmx helpers shared by every app's views."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx made this request (set by django-htmx's middleware), so a partial suffices."""
    return bool(getattr(request, "htmx", False))
