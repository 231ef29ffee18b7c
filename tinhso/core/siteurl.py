"""The public address of the site, for links and URIs that leave it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_url(request: HttpRequest) -> str:
    """``TINHSO_SITE_URL`` when configured, else the address the request used; no trailing /."""
    configured = str(settings.TINHSO_SITE_URL or "")
    return (configured or request.build_absolute_uri("/")).rstrip("/")
