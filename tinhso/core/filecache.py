"""Django's file-based cache, without a directory listing on every write."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY_SECONDS = 30.0


class FileCache(FileBasedCache):
    """``FileBasedCache`` that culls at most every ``CULL_EVERY_SECONDS`` per process.

    Django's backend lists the whole cache directory on every ``set`` to decide whether to
    cull: with thousands of public pages cached that listing costs more than the page. Culling
    now and then keeps the directory near ``MAX_ENTRIES`` all the same (expired entries are
    also dropped when read).
    """

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._culled_at = float("-inf")

    def _cull(self) -> None:
        now = time.monotonic()
        if now - self._culled_at < CULL_EVERY_SECONDS:
            return
        self._culled_at = now
        super()._cull()  # type: ignore[misc]  # private in Django, absent from its stubs
