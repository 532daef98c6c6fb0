"""Distances on the Earth's surface and the nearest resources to a point."""

from __future__ import annotations

import bisect
import heapq
import math
from dataclasses import dataclass

from bot.domain.models import Content, GeoPoint, Neighbourhood, Resource

EARTH_RADIUS_KM = 6371.0088

# A point as the haversine uses it: latitude in radians, its cosine, longitude in degrees (the
# formula takes the radians of the longitudes' difference).
Place = tuple[float, float, float]


def place_of(point: GeoPoint) -> Place:
    """A point made ready to measure from or to, so a place's trigonometry is done once."""
    latitude = math.radians(point.latitude)
    return latitude, math.cos(latitude), point.longitude


def distance_between(a: Place, b: Place) -> float:
    """Great-circle distance in kilometres (haversine) between two prepared points."""
    lat1, cos1, lon1 = a
    lat2, cos2, lon2 = b
    dlat = lat2 - lat1
    dlon = math.radians(lon2 - lon1)
    h = math.sin(dlat / 2) ** 2 + cos1 * cos2 * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance in kilometres (haversine)."""
    return distance_between(place_of(a), place_of(b))


def resource_point(content: Content, resource: Resource) -> GeoPoint | None:
    """Where a resource is for distance: its first location, or for a confidential address the
    centre of its neighbourhood (public knowledge), so distances never reveal the address."""
    if resource.locations:
        return resource.locations[0].point
    if resource.confidential_address:
        return content.neighbourhoods[resource.neighbourhood_id].center
    return None


# A region's places sorted by latitude: the latitudes (radians) alone, for bisecting, and each
# place with its resource.
_LatitudeOrder = tuple[tuple[float, ...], tuple[tuple[Place, Resource], ...]]


def _beyond(bound_km: float, distance_km: float) -> bool:
    """Whether a lower bound on a distance is surely past `distance_km`: by more than any
    rounding of the haversine, so no place left could tie with it."""
    return bound_km > distance_km + 1e-9 * (1.0 + distance_km)


@dataclass(frozen=True)
class Nearby:
    resource: Resource
    distance_km: float


def nearest(
    content: Content,
    point: GeoPoint,
    resources: list[Resource] | tuple[Resource, ...] | None = None,
) -> list[Nearby]:
    """Resources with a place, closest first (phone-only services are left out)."""
    pool = content.resources.values() if resources is None else resources
    origin = place_of(point)
    found = []
    for resource in pool:
        where = resource_point(content, resource)
        if where is not None:
            found.append(Nearby(resource, distance_between(origin, place_of(where))))
    found.sort(key=lambda n: (n.distance_km, n.resource.id))
    return found


class Distances:
    """The places of a neighbourhood's region, nearest its centre first, worked out once per
    catalogue the first time a list asks: nearby and open-now lists measure from the same few
    centres, and a region may hold a thousand places. Filtering the whole order keeps it: the
    order is total (distance, then id)."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self._from: dict[str, tuple[Nearby, ...]] = {}
        self._places: dict[str, Place | None] = {}
        self._orders: dict[tuple[str, str], _LatitudeOrder] = {}

    def from_centre(self, hood: Neighbourhood) -> tuple[Nearby, ...]:
        """Every place of the neighbourhood's region, nearest its centre first."""
        found = self._from.get(hood.id)
        if found is None:
            in_region = self._content.resources_in(hood.region_id)
            found = self._from[hood.id] = tuple(nearest(self._content, hood.center, in_region))
        return found

    def closest(self, point: GeoPoint, region_id: str, need_id: str, limit: int) -> list[Nearby]:
        """The first `limit` of `nearest(content, point, ...)` over the region's places that
        offer `need_id` (all of them for "") (ids unique). A shared location would otherwise
        measure a thousand places: they are walked outward from the point's latitude, and the
        walk stops once the latitude alone puts every place left farther than the `limit`-th
        found, since a great-circle distance is never less than the Earth's radius times the
        latitudes' difference."""
        origin = place_of(point)
        latitudes, places = self._by_latitude(region_id, need_id)
        below = bisect.bisect_left(latitudes, origin[0]) - 1
        above = below + 1
        measured: list[tuple[float, str, Resource]] = []
        farthest_kept: list[float] = []  # the `limit` smallest distances so far, negated
        while limit > 0 and (below >= 0 or above < len(latitudes)):
            if above == len(latitudes) or (
                below >= 0 and origin[0] - latitudes[below] <= latitudes[above] - origin[0]
            ):
                index, below = below, below - 1
            else:
                index, above = above, above + 1
            if len(farthest_kept) == limit and _beyond(
                EARTH_RADIUS_KM * abs(latitudes[index] - origin[0]), -farthest_kept[0]
            ):
                break
            place, resource = places[index]
            distance = distance_between(origin, place)
            measured.append((distance, resource.id, resource))
            if len(farthest_kept) < limit:
                heapq.heappush(farthest_kept, -distance)
            elif distance < -farthest_kept[0]:
                heapq.heapreplace(farthest_kept, -distance)
        # nsmallest is sorted(...)[:limit]; (distance, id) is nearest's order.
        return [Nearby(r, d) for d, _id, r in heapq.nsmallest(limit, measured)]

    def _by_latitude(self, region_id: str, need_id: str) -> _LatitudeOrder:
        # One order per area and need: with a need open (most people in a list), the walk
        # otherwise steps over every place without it on its way out to the bound.
        order = self._orders.get((region_id, need_id))
        if order is None:
            located = sorted(
                (place[0], resource.id, place, resource)
                for resource in self._content.resources_in(region_id)
                if (not need_id or need_id in resource.needs)
                and (place := self._place(resource)) is not None
            )
            order = self._orders[region_id, need_id] = (
                tuple(latitude for latitude, *_ in located),
                tuple((place, resource) for _, _, place, resource in located),
            )
        return order

    def _place(self, resource: Resource) -> Place | None:
        if resource.id not in self._places:
            point = resource_point(self._content, resource)
            self._places[resource.id] = None if point is None else place_of(point)
        return self._places[resource.id]
