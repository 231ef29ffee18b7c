"""Small registries through which apps feed shared pages and commands without importing each other.

An app registers from its ``AppConfig.ready()``; core reads the registry. This keeps the
dependency direction (core ← directory ← accounts ← domain apps) while letting the home page
show every module and ``tinhso demo`` load every module's demo data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Tile:
    """A headline figure on the home page (e.g. number of communes today)."""

    key: str
    title: str | Promise  # lazy, so that it follows the visitor's language
    value: Callable[[], object]
    url_name: str = ""
    order: int = 100


@dataclass(frozen=True)
class DemoLoader:
    """A step of ``tinhso demo``: loads one app's demo data, idempotently."""

    key: str
    title: str | Promise
    load: Callable[[Any], object]  # called with a writable text stream for progress, or None
    order: int = 100


@dataclass(frozen=True)
class Periodic:
    """Work an app needs done every few seconds by ``tinhso tick`` (e.g. draining a queue of
    hours to recompute); ``run`` returns a short summary."""

    key: str
    run: Callable[[], object]


_tiles: dict[str, Tile] = {}
_demo_loaders: dict[str, DemoLoader] = {}
_periodic: dict[str, Periodic] = {}


def register_tile(tile: Tile) -> None:
    """Add or replace a home-page tile."""
    _tiles[tile.key] = tile


def register_demo_loader(loader: DemoLoader) -> None:
    """Add or replace a demo-data step."""
    _demo_loaders[loader.key] = loader


def tiles() -> list[Tile]:
    """Return the registered tiles in display order."""
    return sorted(_tiles.values(), key=lambda t: (t.order, t.key))


def demo_loaders() -> list[DemoLoader]:
    """Return the demo-data steps in the order they must run."""
    return sorted(_demo_loaders.values(), key=lambda d: (d.order, d.key))


def register_periodic(job: Periodic) -> None:
    """Add or replace a periodic job."""
    _periodic[job.key] = job


def periodic_jobs() -> list[Periodic]:
    """Return the periodic jobs by key."""
    return sorted(_periodic.values(), key=lambda p: p.key)
