"""Who is making the current request and from where, for the audit ledger.

Set by ``RequestContextMiddleware`` (and by API authentication for machine clients); read by
``tinhso.core.audit.record_write`` so that actions need not pass the request around.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestMeta:
    """The origin of a write: client IP and a short client label (user agent or token name)."""

    ip_address: str | None = None
    client: str = ""


# RequestMeta is a frozen dataclass, so sharing one default instance is safe.
_current: ContextVar[RequestMeta] = ContextVar(
    "tinhso_request_meta",
    default=RequestMeta(),  # noqa: B039
)


def current() -> RequestMeta:
    """Return the origin of the write being made now."""
    return _current.get()


def set_meta(meta: RequestMeta) -> object:
    """Make ``meta`` current; return a token for :func:`reset`."""
    return _current.set(meta)


def reset(token: object) -> None:
    """Restore the origin that was current before :func:`set_meta`."""
    _current.reset(token)  # type: ignore[arg-type]


def label_client(client: str) -> None:
    """Name the client of the current request (e.g. ``token:station-7``)."""
    _current.set(replace(_current.get(), client=client[:255]))
