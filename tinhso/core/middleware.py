"""Middleware that records where each request comes from (see ``tinhso.core.context``)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from tinhso.core import context
from tinhso.core.pagecache import chosen_language

PROBLEM_JSON = "application/problem+json"


def client_ip(request: HttpRequest) -> str | None:
    """Return the address of the client, looking through our own reverse proxies.

    ``X-Forwarded-For`` is believed only when the connection comes from an address listed in
    ``TINHSO_TRUSTED_PROXIES``; then the right-most address that is not a trusted proxy is the
    client (earlier entries can be forged by the client itself).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.TINHSO_TRUSTED_PROXIES
    if remote is None or remote not in trusted:
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in forwarded if hop]):
        if hop not in trusted:
            return hop
    return remote


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
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulMiddleware:
    """Answer 400 to requests carrying a NUL character in the path, query or JSON body.

    No text we store may contain NUL (PostgreSQL refuses it, raising a 500 deep in a query), and
    no legitimate client sends one; rejecting it at the door keeps every view simple.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            body = {
                "type": "about:blank",
                "title": "Yêu cầu chứa ký tự NUL (request contains a NUL character)",
                "status": 400,
            }
            return HttpResponse(
                json.dumps(body, ensure_ascii=False), status=400, content_type=PROBLEM_JSON
            )
        return self.get_response(request)


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.content_type == "application/json":
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
    return False


class ApiProblemMiddleware:
    """Give a problem document to API answers that Django or ninja build without one.

    Every error from our own endpoints is already ``application/problem+json``; what is left
    are the framework's own short answers under ``/api/``, such as 405 for a wrong method.
    Standard protocols keep their own error envelopes: their views set ``protocol_envelope``
    on the response (e.g. the CKAN Action API under ``/api/3/action/``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/problem+json")
            and not getattr(response, "protocol_envelope", False)
        ):
            body = {
                "type": "about:blank",
                "title": response.reason_phrase,
                "status": response.status_code,
            }
            replacement = HttpResponse(
                json.dumps(body), status=response.status_code, content_type=PROBLEM_JSON
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
