"""Middleware that records where each request comes from (see ``tinhso.core.context``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from tinhso.core import context


def client_ip(request: HttpRequest) -> str | None:
    """Return the client IP as Django sees it (the reverse proxy sets REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Expose the request's IP and user agent to the audit ledger for its duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.set_meta(
            context.RequestMeta(
                ip_address=client_ip(request),
                client=request.META.get("HTTP_USER_AGENT", "")[:255],
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Serve Vietnamese unless the visitor chose another language with the language switch.

    Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``, which would show
    English to most officers' browsers; a provincial service speaks Vietnamese first, so only
    the language cookie set by ``/i18n/setlang/`` (or an ``/en/`` URL prefix, unused here) counts.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
