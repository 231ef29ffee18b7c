"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Expose the mode (demo banner) to templates."""
    return {"TINHSO_MODE": settings.TINHSO_MODE, "TINHSO_DEMO": settings.TINHSO_DEMO}
