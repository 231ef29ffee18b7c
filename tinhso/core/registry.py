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


_tiles: dict[str, Tile] = {}
_demo_loaders: dict[str, DemoLoader] = {}


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
