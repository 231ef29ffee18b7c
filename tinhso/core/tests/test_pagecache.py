"""The public page cache: what is stored, for whom, and when it stops being served."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from tinhso.core import pagecache

TAG = "test.thing:1"
REDIS_URL = "redis://127.0.0.1:6379/15"


def cache_settings(backend: str, directory: Path) -> dict[str, str]:
    return {
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "file": {
            "BACKEND": "tinhso.core.filecache.FileCache",
            "LOCATION": str(directory),
        },
        "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }[backend]


@pytest.fixture(autouse=True, params=["locmem", "file", "redis"])
def backend(request: Any, settings: Any, tmp_path: Path) -> Iterator[str]:
    """Every behaviour holds on each cache backend tinhso can be configured with."""
    if request.param == "redis":
        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379 (.ci/run starts it)")
    settings.CACHES = {"default": cache_settings(request.param, tmp_path)}
    cache.clear()
    yield request.param
    cache.clear()


def serving(view: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    """Call ``view`` behind the middleware, as a fresh request each time."""
    middleware = pagecache.PublicPageCacheMiddleware(view)

    def get(path: str = "/page/?x=1", method: str = "get", **cookies: str) -> HttpResponse:
        request = getattr(RequestFactory(), method)(path)
        request.COOKIES.update(cookies)
        return middleware(request)

    return get


class CountingView:
    """A view whose body says how many times it ran, tagged with ``TAG``."""

    def __init__(self, *, set_cookie: bool = False, forget_while_rendering: bool = False) -> None:
        self.calls = 0
        self.set_cookie = set_cookie
        self.forget_while_rendering = forget_while_rendering

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pagecache.depends_on(request, TAG)
        self.calls += 1
        if self.forget_while_rendering:
            pagecache.forget(TAG)  # a change that commits while the page is being built
        response = HttpResponse(f"render {self.calls}", headers={"Content-Language": "vi"})
        if self.set_cookie:
            response.set_cookie("mine", "secret")
        return response


def test_a_tagged_page_is_served_again_with_its_headers_until_its_tag_is_forgotten() -> None:
    view = CountingView()
    get = serving(view)
    assert get().content == b"render 1"
    again = get()
    assert (again.content, again["Content-Language"], view.calls) == (b"render 1", "vi", 1)
    pagecache.forget(TAG)
    assert get().content == b"render 2"


def test_a_change_committed_during_rendering_is_not_hidden_by_the_cache() -> None:
    view = CountingView(forget_while_rendering=True)
    get = serving(view)
    get()
    assert get().content == b"render 2"


@pytest.mark.parametrize(
    ("request_kwargs", "expected"),
    [
        ({"sessionid": "abc"}, b"render 2"),
        ({"messages": "flash"}, b"render 2"),
        ({"method": "post"}, b"render 2"),
        ({"django_language": "en"}, b"render 2"),
        ({"csrftoken": "anything"}, b"render 1"),
    ],
    ids=["session", "flash-message", "post", "other-language", "csrf-cookie-only"],
)
def test_who_is_answered_from_the_cache(request_kwargs: dict[str, str], expected: bytes) -> None:
    get = serving(CountingView())
    get()
    assert get(**request_kwargs).content == expected


def test_a_response_that_sets_a_cookie_or_did_not_opt_in_is_never_stored() -> None:
    cookie_view = CountingView(set_cookie=True)
    get = serving(cookie_view)
    get()
    assert get().content == b"render 2"
    calls: list[int] = []

    def untagged(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return HttpResponse("plain")

    get_untagged = serving(untagged)
    get_untagged()
    get_untagged()
    assert len(calls) == 2


def test_skip_takes_a_page_back_out_of_the_cache() -> None:
    calls: list[int] = []

    def not_found_yet(request: HttpRequest) -> HttpResponse:
        pagecache.depends_on(request, TAG)
        calls.append(1)
        pagecache.skip(request)
        return HttpResponse("nothing yet")

    get = serving(not_found_yet)
    get()
    get()
    assert len(calls) == 2


def test_remembered_values_last_until_their_tag_is_forgotten_even_mid_computation() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert pagecache.remember("answer", [TAG], compute) == 1
    assert pagecache.remember("answer", [TAG], compute) == 1
    pagecache.forget(TAG)
    assert pagecache.remember("answer", [TAG], compute) == 2

    def changed_meanwhile() -> int:
        pagecache.forget(TAG)  # a write that commits while the value is computed
        return compute()

    assert pagecache.remember("other", [TAG], changed_meanwhile) == 3
    assert pagecache.remember("other", [TAG], compute) == 4


def test_remember_many_computes_only_the_missing_or_stale_values() -> None:
    asked: list[list[str]] = []

    def compute(keys: list[str]) -> dict[str, str]:
        asked.append(sorted(keys))
        return {key: key.upper() for key in keys if key != "none"}

    tags = {"a": ["tag:a"], "b": ["tag:b"], "none": ["tag:a"]}
    assert pagecache.remember_many(tags, compute) == {"a": "A", "b": "B"}
    assert pagecache.remember_many(tags, compute) == {"a": "A", "b": "B"}
    pagecache.forget("tag:b")
    assert pagecache.remember_many(tags, compute) == {"a": "A", "b": "B"}
    assert asked == [["a", "b", "none"], ["none"], ["b", "none"]]
