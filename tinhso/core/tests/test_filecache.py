"""The file cache lists its directory to cull now and then, not on every write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tinhso.core import filecache


def test_writes_cull_at_most_once_per_period(tmp_path: Path, monkeypatch: Any) -> None:
    cache = filecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 5}})
    listings: list[int] = []
    real_list = getattr(cache, "_list_cache_files")  # noqa: B009 - private, not in the stubs

    def counting_list() -> list[str]:
        files = real_list()
        listings.append(len(files))
        return files

    monkeypatch.setattr(cache, "_list_cache_files", counting_list)
    clock = [1000.0]
    monkeypatch.setattr(filecache.time, "monotonic", lambda: clock[0])
    for n in range(50):
        cache.set(f"key{n}", n)
    assert len(listings) == 1
    assert cache.get("key49") == 49
    clock[0] += filecache.CULL_EVERY_SECONDS + 1
    cache.set("later", 1)
    assert len(listings) == 2 and listings[-1] > 5  # the overflow is culled now
    assert len(real_list()) < 50
