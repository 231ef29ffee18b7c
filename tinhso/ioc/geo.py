"""The operations centre's offline map: shipped geography projected onto an SVG viewBox.

``data/bac_ninh.geojson`` holds a coarse, hand-drawn outline of the province (an illustrative
sketch, not a legal boundary), the Cầu and Thương rivers and two place names. Longitude and
latitude are projected equirectangularly, with longitudes shrunk by cos(latitude) at the map's
middle so that shapes keep their proportions at this latitude (≈ 21° N); the error over a
province a hundred kilometres wide is far below what the sketch itself is off by.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

GEOJSON = Path(__file__).parent / "data" / "bac_ninh.geojson"
WIDTH = 800
PADDING = 24.0

LonLat = tuple[float, float]


@dataclass(frozen=True)
class Geography:
    """What the map draws under the stations, in longitude/latitude."""

    outline: tuple[LonLat, ...]
    rivers: tuple[tuple[str, tuple[LonLat, ...]], ...]
    places: tuple[tuple[str, LonLat], ...]


@cache
def geography() -> Geography:
    """The shipped geography (read once)."""
    data: dict[str, Any] = json.loads(GEOJSON.read_text(encoding="utf-8"))
    outline: tuple[LonLat, ...] = ()
    rivers = []
    places = []
    for feature in data["features"]:
        kind = feature["properties"]["kind"]
        name = str(feature["properties"].get("name", ""))
        coordinates = feature["geometry"]["coordinates"]
        if kind == "province":
            outline = tuple((float(x), float(y)) for x, y in coordinates[0])
        elif kind == "river":
            rivers.append((name, tuple((float(x), float(y)) for x, y in coordinates)))
        elif kind == "place":
            places.append((name, (float(coordinates[0]), float(coordinates[1]))))
    return Geography(outline, tuple(rivers), tuple(places))


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to SVG coordinates for a box of the map, ``width`` pixels wide."""

    west: float
    south: float
    east: float
    north: float
    width: int = WIDTH
    padding: float = PADDING

    @classmethod
    def around(cls, points: Iterable[LonLat], width: int = WIDTH) -> Projection:
        """The projection whose box holds every one of ``points``."""
        lons, lats = zip(*points, strict=True)
        return cls(min(lons), min(lats), max(lons), max(lats), width)

    @property
    def _shrink(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def _scale(self) -> float:
        span = (self.east - self.west) * self._shrink or 1.0
        return (self.width - 2 * self.padding) / span

    @property
    def height(self) -> int:
        """The viewBox's height that keeps the box's proportions."""
        return math.ceil((self.north - self.south) * self._scale + 2 * self.padding)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        """The SVG point of ``(lon, lat)``, rounded to a tenth of a pixel."""
        x = self.padding + (lon - self.west) * self._shrink * self._scale
        y = self.padding + (self.north - lat) * self._scale
        return round(x, 1), round(y, 1)

    def path(self, points: Sequence[LonLat], *, closed: bool = False) -> str:
        """An SVG path through ``points``."""
        drawn = [self(lon, lat) for lon, lat in points]
        text = " ".join(f"{'M' if i == 0 else 'L'}{x:g},{y:g}" for i, (x, y) in enumerate(drawn))
        return text + (" Z" if closed and drawn else "")


def projection(extra: Iterable[LonLat] = ()) -> Projection:
    """The projection of the province's outline, widened to hold ``extra`` points (stations
    a little outside the sketch still land on the map)."""
    return Projection.around([*geography().outline, *extra])
