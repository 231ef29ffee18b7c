"""Serve popular public pages to anonymous visitors from the cache, invalidated by tag.

A view opts in by calling :func:`depends_on` with the tags its content derives from *before*
it reads that content (``depends_on(request, "dossier:X")``). :class:`PublicPageCacheMiddleware`
then keeps the finished response — body, status and the headers the inner middleware added —
under the visitor's language and the full path. The next anonymous request for the same page is
answered before sessions, CSRF, authentication, URL resolution and the database are touched.

An action that changes the content calls :func:`forget` with the same tags (after commit). Each
tag has a generation token in the cache; an entry remembers the generations it was built from
and is served only while they are all unchanged, so a change that commits while a page is
being rendered invalidates that page too. Entries also expire after :data:`ENTRY_SECONDS`.

Only requests without a session or flash-message cookie are served from or stored into the
cache, and a response that sets a cookie is never stored: the cached page is the same for every
anonymous visitor, so it must hold nothing that belongs to one of them.
"""

from __future__ import annotations

import importlib.metadata
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

ENTRY_SECONDS = 600
T = TypeVar("T")
_RELEASE = importlib.metadata.version("tinhso")
_ATTRIBUTE = "_tinhso_page_tags"
_PERSONAL_COOKIES = ("messages",)


def chosen_language(request: HttpRequest) -> str:
    """The language this visitor reads: the switch's cookie, else Vietnamese."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _tag_key(tag: str) -> str:
    return f"pagecache:tag:{tag}"


def _entry_key(request: HttpRequest) -> str:
    # The host is part of the page: absolute links (DCAT URIs) follow the address asked for.
    host = request.get_host()
    return f"pagecache:{_RELEASE}:{chosen_language(request)}:{host}{request.get_full_path()}"


def _anonymous(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and not any(
        name in cookies for name in _PERSONAL_COOKIES
    )


def _generations(tags: Sequence[str]) -> dict[str, Any]:
    """The current generation of each tag, creating those that have none yet."""
    keys = [_tag_key(tag) for tag in tags]
    generations = cache.get_many(keys)
    for key in keys:
        if key not in generations:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            generations[key] = cache.get(key)
    return generations


def depends_on(request: HttpRequest, *tags: str) -> None:
    """Let this response be cached for anonymous visitors until one of ``tags`` is forgotten.

    Call it before reading what the page shows: the generations read here are the ones the
    entry is checked against.
    """
    setattr(request, _ATTRIBUTE, _generations(tags))


def remember(key: str, tags: Sequence[str], compute: Callable[[], T]) -> T:
    """The value of ``compute()``, kept under ``key`` until one of ``tags`` is forgotten.

    For public answers that are not whole pages (e.g. an API search everyone may run); the same
    generations guard them, read before ``compute`` runs.
    """
    generations = _generations(tags)
    entry_key = f"pagecache:value:{_RELEASE}:{key}"
    entry: dict[str, Any] | None = cache.get(entry_key)
    if entry is not None and entry["tags"] == generations:
        return cast(T, entry["value"])
    value = compute()
    cache.set(entry_key, {"tags": generations, "value": value}, ENTRY_SECONDS)
    return value


def remember_many(
    tags_by_key: Mapping[str, Sequence[str]], compute: Callable[[list[str]], Mapping[str, T]]
) -> dict[str, T]:
    """The values of many keys at once, each kept until one of its own tags is forgotten.

    ``compute(missing_keys)`` returns the values of the keys not in the cache (or stale); it
    may leave out keys that have no value. Two cache reads in all when everything is there.
    """
    generations = _generations(sorted({tag for tags in tags_by_key.values() for tag in tags}))
    wanted = {
        key: {_tag_key(tag): generations[_tag_key(tag)] for tag in tags}
        for key, tags in tags_by_key.items()
    }
    entry_keys = {key: f"pagecache:value:{_RELEASE}:{key}" for key in tags_by_key}
    entries = cache.get_many(list(entry_keys.values()))
    found: dict[str, T] = {}
    for key, entry_key in entry_keys.items():
        entry = entries.get(entry_key)
        if entry is not None and entry["tags"] == wanted[key]:
            found[key] = cast(T, entry["value"])
    missing = [key for key in tags_by_key if key not in found]
    if missing:
        computed = compute(missing)
        cache.set_many(
            {
                entry_keys[key]: {"tags": wanted[key], "value": value}
                for key, value in computed.items()
            },
            ENTRY_SECONDS,
        )
        found.update(computed)
    return found


def skip(request: HttpRequest) -> None:
    """Do not cache this response after all (e.g. a search that found nothing yet)."""
    if hasattr(request, _ATTRIBUTE):
        delattr(request, _ATTRIBUTE)


def forget(*tags: str) -> None:
    """Invalidate every cached page that depends on any of ``tags``."""
    cache.delete_many([_tag_key(tag) for tag in tags])


class PublicPageCacheMiddleware:
    """Answer anonymous GETs from the page cache; store the pages views opted in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or not _anonymous(request):
            return self.get_response(request)
        key = _entry_key(request)
        cached = self._lookup(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        generations = getattr(request, _ATTRIBUTE, None)
        if generations and _storable(response):
            entry = {
                "tags": generations,
                "status": response.status_code,
                "headers": list(response.items()),
                "content": response.content,
            }
            cache.set(key, entry, ENTRY_SECONDS)
        return response

    @staticmethod
    def _lookup(key: str) -> HttpResponse | None:
        entry: dict[str, Any] | None = cache.get(key)
        if entry is None:
            return None
        if cache.get_many(list(entry["tags"])) != entry["tags"]:
            return None
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        return response


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Set-Cookie")
    )
