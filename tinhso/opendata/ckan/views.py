"""The CKAN Action API's door: routing by action name, request decoding, auth, the envelope.

Mirrors CKAN 2.12's ``ckan/views/api.py`` as ``ckan-compat.md`` §1 describes it: GET and POST
at ``/api/action/<name>`` and ``/api/3/action/<name>``; JSON, form-encoded (repeated keys as
lists) and multipart bodies; GET only for side-effect-free actions; ``{"help", "success",
"result"|"error"}`` answers with CKAN's error types; JSONP through ``callback`` (always
anonymous). Callers identify with an account's API token in ``Authorization`` (raw or
``Bearer``; the header name is ``TINHSO_CKAN_TOKEN_HEADER``) or ``X-CKAN-API-Key``. An unusable
token makes a read anonymous, as in CKAN. Writes never use the browser session, so the view
needs no CSRF token.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from tinhso.accounts import tokens
from tinhso.accounts.auth import token_client_label
from tinhso.core import context
from tinhso.opendata.ckan import registry
from tinhso.opendata.errors import CkanError, NotAuthorized, ValidationFailed

logger = logging.getLogger(__name__)

JSON_TYPE = "application/json;charset=utf-8"
JSONP_TYPE = "application/javascript;charset=utf-8"
CALLBACK_NAME = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
# Marks our responses so that ``ApiProblemMiddleware`` leaves CKAN's envelope as it is.
ENVELOPE_ATTRIBUTE = "protocol_envelope"


class BadRequest(Exception):
    """A request CKAN answers with 400 and a bare JSON string."""


def _respond(body: str, *, status: int = 200, content_type: str = JSON_TYPE) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=content_type)
    setattr(response, ENVELOPE_ATTRIBUTE, True)
    return response


def _bare(message: str, status: int = 400) -> HttpResponse:
    return _respond(json.dumps(message), status=status)


def api_version(request: HttpRequest) -> HttpResponse:
    """``/api`` and ``/api/3``: the API version, as CKAN answers it."""
    return _respond(json.dumps({"version": 3}))


def _listed(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _query_data(request: HttpRequest) -> dict[str, Any]:
    return {key: _listed(request.GET.getlist(key)) for key in request.GET}


def _body_data(request: HttpRequest) -> dict[str, Any]:
    """The POST body as CKAN reads it: a JSON object, form fields (and files), or nothing."""
    content_type = request.content_type or ""
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        data: dict[str, Any] = {key: _listed(request.POST.getlist(key)) for key in request.POST}
        if len(data) == 1 and not request.FILES:
            # CKAN's legacy form: one key, the JSON document itself, with value "1" or "".
            ((key, value),) = data.items()
            if value in ("1", ""):
                try:
                    decoded = json.loads(key)
                except ValueError:
                    decoded = None
                if isinstance(decoded, dict):
                    return decoded
        for key in request.FILES:
            data[key] = _listed(request.FILES.getlist(key))
        return data
    body = request.body
    if not body.strip():
        return {}
    try:
        decoded = json.loads(body)
    except ValueError as error:
        raise BadRequest(f"JSON Error: Error decoding JSON data. Error: {error!r}") from None
    if not isinstance(decoded, dict):
        raise BadRequest(
            f"Request data JSON decoded to {decoded!r} but it needs to be a dictionary"
        )
    return decoded


def _token_candidates(request: HttpRequest) -> list[str]:
    header = settings.TINHSO_CKAN_TOKEN_HEADER
    candidates = []
    for name in (header, "X-CKAN-API-Key"):
        value = request.headers.get(name, "").strip()
        if value.lower().startswith("bearer "):
            value = value[7:].strip()
        if value and value not in candidates:
            candidates.append(value)
    return candidates


def _caller(request: HttpRequest, *, anonymous: bool, reading: bool) -> Any:
    """The user the request acts for: a token's user, the session's for reads, or None."""
    if anonymous:
        return None
    for secret in _token_candidates(request):
        api_token = tokens.find_usable(secret)
        if api_token is not None:
            user = api_token.user
            user.active_token = api_token
            request.user = user
            context.label_client(token_client_label(api_token.name, context.current().client))
            return user
    session_user = getattr(request, "user", None)
    if reading and session_user is not None and session_user.is_authenticated:
        return session_user
    return None


def _help_url(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(f"/api/3/action/help_show?name={name}")


def _envelope(request: HttpRequest, name: str, **fields: Any) -> str:
    return json.dumps({"help": _help_url(request, name), **fields})


@csrf_exempt
def action(request: HttpRequest, name: str) -> HttpResponse:
    """Run the CKAN action ``name`` and answer in CKAN's envelope."""
    if request.method not in ("GET", "POST"):
        return _bare("Bad request: Method not allowed", status=405)
    found = registry.find(name)
    if found is None:
        return _bare(f"Bad request: Action name not known: {name}")
    reading = request.method == "GET"
    if reading and not found.side_effect_free:
        return _bare(
            "Bad request: JSON Error: Invalid request. Please use POST method for your request"
        )
    try:
        data = _query_data(request) if reading else {**_query_data(request), **_body_data(request)}
    except BadRequest as error:
        return _bare(f"Bad request: {error}")
    callback = data.pop("callback", None) if reading else None
    if callback is not None:
        data.pop("_", None)  # jQuery's cache buster
        if not isinstance(callback, str) or not CALLBACK_NAME.match(callback):
            return _bare("Bad request: invalid callback name")
    user = _caller(request, anonymous=callback is not None, reading=found.side_effect_free)
    ctx = registry.Context(
        request=request, user=user, site_url=request.build_absolute_uri("/").rstrip("/")
    )
    status = 200
    try:
        if found.side_effect_free:
            result = found.function(ctx, data)
        else:
            if user is None:
                raise NotAuthorized(f"{name} needs an API token of an account allowed to write")
            with transaction.atomic():
                result = found.function(ctx, data)
        body = _envelope(request, name, success=True, result=result)
    except Exception as error:  # every failure is answered in CKAN's envelope
        failure = as_ckan_error(error, name)
        status = failure.status
        body = _envelope(request, name, success=False, error=failure.error())
    if callback is not None:
        return _respond(f"{callback}({body});", status=200, content_type=JSONP_TYPE)
    return _respond(body, status=status)


def as_ckan_error(error: Exception, name: str) -> CkanError:
    """The CKAN error a failure of action ``name`` is reported as (500 for the unforeseen)."""
    if isinstance(error, CkanError):
        return error
    if isinstance(error, PermissionDenied):
        return NotAuthorized(str(error))
    if isinstance(error, ValidationError):
        return ValidationFailed(validation_errors(error))
    logger.exception("CKAN action %s failed", name, exc_info=error)
    return CkanError("Internal Server Error")


def validation_errors(error: ValidationError) -> dict[str, list[str]]:
    """Django's validation error as CKAN's field → messages dictionary."""
    if hasattr(error, "error_dict"):
        return {
            ("message" if key == "__all__" else key): [str(m) for m in messages]
            for key, messages in error.message_dict.items()
        }
    return {"message": [str(message) for message in error.messages]}
