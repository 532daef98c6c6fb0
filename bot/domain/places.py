"""Where a region is: the box around its neighbourhoods, and why a point may be far off.

A listing's coordinates are checked against the box around its region's neighbourhood
centres widened by MARGIN_KM. A point outside it is explained by the most likely slip: a
longitude or latitude missing its minus sign, the two swapped, the point lying in another
region, or simply far away. A neighbourhood centre more than OUTLIER_KM from the median of its
region's centres (with at least three) is itself reported and left out of the box.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.geo import distance_km
from bot.domain.models import GeoPoint

MARGIN_KM = 15.0
OUTLIER_KM = 50.0
_KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class Area:
    """A latitude/longitude box; `contains` allows a margin in kilometres."""

    south: float
    north: float
    west: float
    east: float

    def contains(self, point: GeoPoint, margin_km: float = MARGIN_KM) -> bool:
        """Whether `point` lies in the box widened by `margin_km`."""
        lat_margin = margin_km / _KM_PER_DEGREE
        cos = max(0.01, math.cos(math.radians((self.south + self.north) / 2)))
        lon_margin = margin_km / (_KM_PER_DEGREE * cos)
        return (
            self.south - lat_margin <= point.latitude <= self.north + lat_margin
            and self.west - lon_margin <= point.longitude <= self.east + lon_margin
        )


def outliers(centres: Sequence[GeoPoint]) -> list[int]:
    """Indexes of centres far from the median of the others (needs at least three)."""
    if len(centres) < 3:
        return []
    middle = GeoPoint(
        statistics.median(c.latitude for c in centres),
        statistics.median(c.longitude for c in centres),
    )
    return [i for i, c in enumerate(centres) if distance_km(c, middle) > OUTLIER_KM]


def area_of(centres: Sequence[GeoPoint]) -> Area | None:
    """The box around some neighbourhood centres, or None without any."""
    if not centres:
        return None
    latitudes = [c.latitude for c in centres]
    longitudes = [c.longitude for c in centres]
    return Area(min(latitudes), max(latitudes), min(longitudes), max(longitudes))


def far_off(
    point: GeoPoint, region_id: str, areas: Mapping[str, Area], centres: Sequence[GeoPoint]
) -> tuple[str, str] | None:
    """None when `point` lies in its region; else (which coordinate to fix, why)."""
    own = areas.get(region_id)
    if own is None or own.contains(point):
        return None
    lat, lon = point.latitude, point.longitude
    if own.contains(GeoPoint(lat, -lon)):
        return "longitude", f"longitude {lon} is missing its minus sign? ({-lon} is in the region)"
    if own.contains(GeoPoint(-lat, lon)):
        return "latitude", f"latitude {lat} is missing its minus sign? ({-lat} is in the region)"
    if -90 <= lon <= 90 and own.contains(GeoPoint(lon, lat)):
        return "latitude", "latitude and longitude look swapped: latitude is the first number"
    for other_id, other in areas.items():
        if other_id != region_id and other.contains(point, margin_km=0):
            return "latitude", f"these coordinates are in region {other_id!r}, not {region_id!r}"
    nearest = min(distance_km(point, c) for c in centres) if centres else 0.0
    return "latitude", (
        f"these coordinates are {nearest:.0f} km from the nearest neighbourhood of"
        f" {region_id!r}; check them"
    )
