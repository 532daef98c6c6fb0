"""Distances on the Earth's surface and the nearest resources to a point."""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

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


# Cells per place in a region's grid: a cell holds a few places where they crowd, and a
# location near them measures a few cells' worth.
CELLS_PER_PLACE = 2

# A region's places (of one need, or all) in a grid over latitude and longitude, by cell
# (row * columns + column); only cells holding a place are kept.
Cells = Mapping[int, tuple[tuple[Place, Resource], ...]]


def _beyond(bound_km: float, distance_km: float) -> bool:
    """Whether a lower bound on a distance is surely past `distance_km`: by more than any
    rounding of the haversine, so no place left could tie with it."""
    return bound_km > distance_km + 1e-9 * (1.0 + distance_km)


class Nearby(NamedTuple):
    """A place and how far it is. A pair, so a list of them is a list's entries as they are
    (see `ui.screens.listings`), and each costs less than an object with attributes."""

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


def _shape(height_km: float, width_km: float, cells: int) -> tuple[int, int]:
    """Rows and columns for about `cells` square cells over a height and a width."""
    if height_km <= 0 or width_km <= 0:
        # Places along a meridian or a parallel (or at one spot): cells along it only.
        return (cells if height_km > 0 else 1), (cells if width_km > 0 else 1)
    side = math.sqrt(height_km * width_km / cells)
    return min(cells, max(1, round(height_km / side))), min(cells, max(1, round(width_km / side)))


@dataclass(frozen=True, slots=True)
class _Grid:
    """A region's places in cells over latitude and longitude, with what bounds the distance
    from a point to the places in cells not yet looked at."""

    south: float  # radians: the row edges are south + row * row_height
    north: float
    west: float  # degrees: the column edges are west + column * column_width
    east: float
    row_height: float
    column_width: float
    rows: int
    columns: int
    least_cos: float  # the smallest cosine of a place's latitude
    cells: Cells

    @classmethod
    def of(cls, located: list[tuple[Place, Resource]]) -> _Grid:
        """The grid over `located` (at least one place)."""
        south = min(place[0] for place, _ in located)
        north = max(place[0] for place, _ in located)
        west = min(place[2] for place, _ in located)
        east = max(place[2] for place, _ in located)
        rows, columns = _shape(
            EARTH_RADIUS_KM * (north - south),
            EARTH_RADIUS_KM * max(place[1] for place, _ in located) * math.radians(east - west),
            len(located) * CELLS_PER_PLACE,
        )
        row_height = (north - south) / rows or 1.0
        column_width = (east - west) / columns or 1.0
        cells: dict[int, list[tuple[Place, Resource]]] = {}
        for place, resource in located:
            row = min(int((place[0] - south) / row_height), rows - 1)
            column = min(int((place[2] - west) / column_width), columns - 1)
            cells.setdefault(row * columns + column, []).append((place, resource))
        least_cos = min(place[1] for place, _ in located)
        found = {key: tuple(places) for key, places in cells.items()}
        return cls(
            south, north, west, east, row_height, column_width, rows, columns, least_cos, found
        )

    def cell_of(self, origin: Place) -> tuple[int, int]:
        """The row and column a point falls in, counted past the grid's edges when outside."""
        return (
            math.floor((origin[0] - self.south) / self.row_height),
            math.floor((origin[2] - self.west) / self.column_width),
        )

    def rings(self, row: int, column: int) -> range:
        """How many cells out from (row, column) the grid starts (0 inside it) and ends."""
        first = max(0, -row, row - self.rows + 1, -column, column - self.columns + 1)
        last = max(row, self.rows - 1 - row, column, self.columns - 1 - column)
        return range(first, last + 1)

    def ring(self, row: int, column: int, ring: int) -> list[tuple[tuple[Place, Resource], ...]]:
        """The places of the cells `ring` cells out from (row, column): a square's edge, within
        the grid."""
        cells, rows, columns = self.cells, self.rows, self.columns
        left, right = max(column - ring, 0), min(column + ring, columns - 1)
        found: list[tuple[tuple[Place, Resource], ...]] = []
        for edge in (row - ring, row + ring) if ring else (row,):
            if 0 <= edge < rows:
                found.extend(cells.get(edge * columns + c, ()) for c in range(left, right + 1))
        low, high = max(row - ring + 1, 0), min(row + ring - 1, rows - 1)
        for edge in (column - ring, column + ring) if ring else ():
            if 0 <= edge < columns:
                found.extend(cells.get(r * columns + edge, ()) for r in range(low, high + 1))
        return found

    def bound_beyond(self, origin: Place, row: int, column: int, ring: int) -> float:
        """A lower bound on the distance from `origin` (in cell (row, column)) to any place more
        than `ring` cells out (there must be one). Such a place is past the rows looked at
        or past the columns, and within the grid's latitudes and longitudes: the haversine of
        the least latitude and longitude differences either way bounds its distance, with the
        smallest cosine of a latitude (each term of the haversine grows with its difference)."""
        latitude, cos, longitude = origin
        rise = turn = math.inf
        if row - ring > 0:
            rise = latitude - (self.south + (row - ring) * self.row_height)
        if row + ring + 1 < self.rows:
            rise = min(rise, self.south + (row + ring + 1) * self.row_height - latitude)
        if column - ring > 0:
            turn = longitude - (self.west + (column - ring) * self.column_width)
        if column + ring + 1 < self.columns:
            turn = min(turn, self.west + (column + ring + 1) * self.column_width - longitude)
        parallels = cos * self.least_cos
        h = math.inf
        if rise < math.inf:
            least_turn = max(self.west - longitude, longitude - self.east, 0.0)
            h = _half_sin_squared(rise) + parallels * self._turned(least_turn, longitude)
        if turn < math.inf:
            least_rise = max(self.south - latitude, latitude - self.north, 0.0)
            h = min(h, _half_sin_squared(least_rise) + parallels * self._turned(turn, longitude))
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))

    def _turned(self, turn: float, longitude: float) -> float:
        """The haversine's longitude term for a least longitude difference (degrees) to the
        grid's places, taken the short way round: places spanning the antimeridian may be
        nearer going round the other way."""
        far = max(longitude - self.west, self.east - longitude)
        return _half_sin_squared(math.radians(min(turn, 360.0 - far, 180.0)))


def _half_sin_squared(angle: float) -> float:
    """sin²(angle / 2): a haversine term, growing with the angle (radians) from 0 to pi."""
    return math.sin(angle / 2) ** 2


class Distances:
    """Distances over one catalogue, each prepared the first time it is asked for: a
    neighbourhood region's places nearest its centre (nearby and open-now lists measure from
    the same few centres; the order is total, distance then id, so filtering keeps it), the
    neighbourhood nearest a shared location, and the places closest to one (a grid per area
    and need)."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self._from: dict[tuple[str, str], tuple[Nearby, ...]] = {}
        self._places: dict[str, Place | None] = {}
        self._grids: dict[tuple[str, str], _Grid | None] = {}
        self._centres: tuple[tuple[Place, Neighbourhood], ...] | None = None

    def from_centre(self, hood: Neighbourhood, need_id: str = "") -> tuple[Nearby, ...]:
        """Every place of the neighbourhood's region that offers `need_id` (all of them for
        ""), nearest its centre first. Each need's list is picked once from the whole list
        (a thousand places at 10,000 listings), which is measured once."""
        found = self._from.get((hood.id, need_id))
        if found is None:
            if need_id:
                everyone = self.from_centre(hood)
                found = tuple(n for n in everyone if need_id in n.resource.needs)
            else:
                in_region = self._content.resources_in(hood.region_id)
                found = tuple(nearest(self._content, hood.center, in_region))
            self._from[(hood.id, need_id)] = found
        return found

    def nearest_centre(self, point: GeoPoint, region_id: str | None) -> Neighbourhood | None:
        """The neighbourhood (of one region, or of any for None) whose centre is closest to a
        point, the first in file order on a tie: `min` over `distance_km` to each centre, with
        the centres made ready to measure once (a location with no area chosen measures all)."""
        if self._centres is None:
            hoods = self._content.neighbourhoods.values()
            self._centres = tuple((place_of(hood.center), hood) for hood in hoods)
        origin = place_of(point)
        found, least = None, math.inf
        for place, hood in self._centres:
            if region_id is None or hood.region_id == region_id:
                distance = distance_between(origin, place)
                if found is None or distance < least:
                    found, least = hood, distance
        return found

    def closest(self, point: GeoPoint, region_id: str, need_id: str, limit: int) -> list[Nearby]:
        """The first `limit` of `nearest(content, point, ...)` over the region's places that
        offer `need_id` (all of them for "") (ids unique). A shared location would otherwise
        measure a thousand places: they are looked at cell by cell of a grid, in square rings
        out from the point's cell, until a lower bound puts every place left farther than the
        `limit`-th found."""
        grid = self._grid(region_id, need_id)
        if grid is None or limit <= 0:
            return []
        origin = place_of(point)
        row, column = grid.cell_of(origin)
        measured: list[tuple[float, str, Resource]] = []
        farthest_kept: list[float] = []  # the `limit` smallest distances so far, negated
        rings = grid.rings(row, column)
        for ring in rings:
            for cell in grid.ring(row, column, ring):
                for place, resource in cell:
                    distance = distance_between(origin, place)
                    measured.append((distance, resource.id, resource))
                    if len(farthest_kept) < limit:
                        heapq.heappush(farthest_kept, -distance)
                    elif distance < -farthest_kept[0]:
                        heapq.heapreplace(farthest_kept, -distance)
            if (
                ring < rings[-1]
                and len(farthest_kept) == limit
                and _beyond(grid.bound_beyond(origin, row, column, ring), -farthest_kept[0])
            ):
                break
        # nsmallest is sorted(...)[:limit]; (distance, id) is nearest's order.
        return [Nearby(r, d) for d, _id, r in heapq.nsmallest(limit, measured)]

    def _grid(self, region_id: str, need_id: str) -> _Grid | None:
        # One grid per area and need, built when first asked: with a need open (most people
        # in a list), the places without it would crowd the cells.
        key = (region_id, need_id)
        if key not in self._grids:
            located = [
                (place, resource)
                for resource in self._content.resources_in(region_id)
                if (not need_id or need_id in resource.needs)
                and (place := self._place(resource)) is not None
            ]
            self._grids[key] = _Grid.of(located) if located else None
        return self._grids[key]

    def _place(self, resource: Resource) -> Place | None:
        if resource.id not in self._places:
            point = resource_point(self._content, resource)
            self._places[resource.id] = None if point is None else place_of(point)
        return self._places[resource.id]
