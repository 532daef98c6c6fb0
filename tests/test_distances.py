"""Nearest places: the one-pass arithmetic, the per-catalogue order from each neighbourhood
centre, the grid a shared location is measured through, and a shared location with no area
chosen (bot/domain/geo.py, listings screens)."""

from __future__ import annotations

import math
import re
import shutil
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.catalog import Catalog, load_catalog
from bot.domain.geo import (
    Distances,
    _Grid,
    distance_between,
    distance_km,
    nearest,
    place_of,
    resource_point,
)
from bot.domain.models import Content, GeoPoint, Resource
from bot.i18n import translator
from bot.ui import screens
from bot.ui.actions import ShowResource
from bot.ui.state import UserState
from tests.conftest import SUNDAY_MORNING

points = st.builds(
    GeoPoint,
    st.floats(min_value=-89.9, max_value=89.9),
    st.floats(min_value=-179.9, max_value=179.9),
)


@settings(max_examples=200)
@given(points)
def test_nearest_gives_distance_km_exactly_in_order(
    sample_catalog: Catalog, point: GeoPoint
) -> None:
    content = sample_catalog.content
    found = nearest(content, point)
    expected = sorted(
        (distance_km(point, where), r.id)
        for r in content.resources.values()
        if (where := resource_point(content, r)) is not None
    )
    assert [(n.distance_km, n.resource.id) for n in found] == expected


def haversine_as_before(a: GeoPoint, b: GeoPoint) -> float:
    """`distance_km` as it was before points were prepared once (the oracle)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


@given(points, points)
def test_distance_km_is_the_same_float_as_before(a: GeoPoint, b: GeoPoint) -> None:
    assert distance_km(a, b) == haversine_as_before(a, b)


near_places = st.builds(
    GeoPoint,
    st.floats(min_value=37.6, max_value=37.9),
    st.floats(min_value=-122.4, max_value=-122.1),
)


@settings(max_examples=300)
@given(points | near_places, st.integers(min_value=0, max_value=40), st.sampled_from(["", "food"]))
def test_closest_is_the_head_of_nearest(
    sample_catalog: Catalog, point: GeoPoint, limit: int, need_id: str
) -> None:
    content = sample_catalog.content
    for region_id in [*content.regions, "nowhere"]:
        pool = [r for r in content.resources_in(region_id) if not need_id or need_id in r.needs]
        expected = nearest(content, point, pool)[:limit]
        found = sample_catalog.distances.closest(point, region_id, need_id, limit)
        assert found == expected
        assert sample_catalog.distances.closest(point, region_id, need_id, limit) == expected


def spread_over(content: Content, spots: list[tuple[float, float]]) -> tuple[Content, str]:
    """The content with a place of one region copied to each spot (ids spot-0, spot-1, ...),
    and that region."""
    template = next(r for r in content.resources.values() if r.locations)
    moved = {
        f"spot-{i}": replace(
            template,
            id=f"spot-{i}",
            locations=(replace(template.locations[0], point=GeoPoint(lat, lon)),),
        )
        for i, (lat, lon) in enumerate(spots)
    }
    return replace(content, resources={**content.resources, **moved}), template.region_id


@settings(max_examples=100)
@given(
    st.lists(st.tuples(st.floats(-60, 60), st.floats(-10, 10)), min_size=1, max_size=300),
    points | st.builds(GeoPoint, st.floats(-60, 60), st.floats(-10, 10)),
    st.integers(min_value=1, max_value=25),
)
def test_closest_stops_at_the_bound_among_many_places(
    sample_catalog: Catalog, spots: list[tuple[float, float]], point: GeoPoint, limit: int
) -> None:
    """Many places, some at the same latitude or the same spot: the walk that stops early
    finds what measuring every place finds."""
    crowded, region_id = spread_over(sample_catalog.content, spots)
    expected = nearest(crowded, point, crowded.resources_in(region_id))[:limit]
    assert Distances(crowded).closest(point, region_id, "", limit) == expected


def _clamped(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


@st.composite
def crowds(draw: st.DrawFn) -> tuple[list[tuple[float, float]], GeoPoint]:
    """Places crowding round a few spots anywhere on Earth (the poles and the antimeridian
    too), some at the very same spot, as generated listings crowd round neighbourhood centres;
    and a point near one of the spots, or anywhere."""
    rng = draw(st.randoms(use_true_random=False))
    edges = st.sampled_from([-90.0, 90.0, -89.99, 89.99, 0.0])
    meridians = st.sampled_from([-180.0, 180.0, -179.99, 179.99, 0.0])
    centres = []
    spots: list[tuple[float, float]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        lat = draw(st.floats(-90, 90) | edges)
        lon = draw(st.floats(-180, 180) | meridians)
        spread = draw(st.sampled_from([0.0, 0.001, 0.01, 0.1, 2.0]))
        centres.append((lat, lon))
        spots.extend(
            (
                _clamped(round(lat + rng.uniform(-spread, spread), 4), -90, 90),
                _clamped(round(lon + rng.uniform(-spread, spread), 4), -180, 180),
            )
            for _ in range(draw(st.integers(min_value=1, max_value=60)))
        )
    lat, lon = rng.choice(centres)
    near = GeoPoint(
        _clamped(lat + rng.uniform(-0.05, 0.05), -90, 90),
        _clamped(lon + rng.uniform(-0.05, 0.05), -180, 180),
    )
    point = draw(st.just(near) | st.builds(GeoPoint, st.floats(-90, 90), st.floats(-180, 180)))
    return spots, point


@settings(max_examples=150, deadline=None)
@given(crowds(), st.integers(min_value=0, max_value=400), st.sampled_from(["", "food", "none"]))
def test_closest_over_crowds_anywhere_is_the_head_of_nearest(
    sample_catalog: Catalog,
    crowd: tuple[list[tuple[float, float]], GeoPoint],
    limit: int,
    need_id: str,
) -> None:
    """Crowds of places with ties, at the poles, across the antimeridian, a point far from
    them all, limits beyond the number of places: the same places, order and distances as
    measuring every place."""
    spots, point = crowd
    crowded, region_id = spread_over(sample_catalog.content, spots)
    pool = [r for r in crowded.resources_in(region_id) if not need_id or need_id in r.needs]
    expected = nearest(crowded, point, pool)[:limit]
    assert Distances(crowded).closest(point, region_id, need_id, limit) == expected


def _cell(grid: _Grid, place: tuple[float, float, float]) -> tuple[int, int]:
    """The cell a place of the grid is kept in (as `_Grid.of` files it)."""
    row, column = grid.cell_of(place)
    return min(row, grid.rows - 1), min(column, grid.columns - 1)


@settings(max_examples=150, deadline=None)
@given(crowds())
def test_the_grid_bound_never_passes_a_place_beyond_the_ring(
    sample_catalog: Catalog, crowd: tuple[list[tuple[float, float]], GeoPoint]
) -> None:
    """After each ring, no place farther out is nearer than the bound (so none is missed),
    and the rings cover every place once."""
    spots, point = crowd
    template: Resource = next(r for r in sample_catalog.content.resources.values())
    located = [(place_of(GeoPoint(lat, lon)), template) for lat, lon in spots]
    grid = _Grid.of(located)
    origin = place_of(point)
    row, column = grid.cell_of(origin)
    rings = grid.rings(row, column)
    seen = [p for ring in rings for cell in grid.ring(row, column, ring) for p, _r in cell]
    assert sorted(seen) == sorted(p for p, _r in located)
    for ring in rings[:-1]:
        beyond = [
            distance_between(origin, place)
            for place, _r in located
            if max(abs(_cell(grid, place)[0] - row), abs(_cell(grid, place)[1] - column)) > ring
        ]
        if beyond:
            assert grid.bound_beyond(origin, row, column, ring) <= min(beyond) * (1 + 1e-12) + 1e-12


def test_the_order_from_each_centre_is_nearest_over_its_region(
    sample_catalog: Catalog, minimal_catalog: Catalog
) -> None:
    for catalog in (sample_catalog, minimal_catalog):
        content = catalog.content
        for hood in content.neighbourhoods.values():
            in_region = content.resources_in(hood.region_id)
            order = catalog.distances.from_centre(hood)
            assert list(order) == nearest(content, hood.center, in_region)
            assert catalog.distances.from_centre(hood) is order  # worked out once
            for need_id in content.needs:
                serving = catalog.distances.from_centre(hood, need_id)
                assert list(serving) == [n for n in order if need_id in n.resource.needs]
                assert catalog.distances.from_centre(hood, need_id) is serving


def two_regions(tmp_path: Path, minimal: Path) -> Catalog:
    """The minimal content and a copy of its region 5 degrees north, ids renamed."""
    folder = tmp_path / "content"
    shutil.copytree(minimal, folder)
    text = (minimal / "regions" / "testville.yaml").read_text()
    text = re.sub(r"(\b(?:id|neighbourhood): )([\w-]+)", r"\1north-\2", text)
    text = re.sub(r"latitude: 37\.", "latitude: 42.", text)
    text = text.replace("Testville", "Northville")
    (folder / "regions" / "northville.yaml").write_text(text)
    catalog, result = load_catalog(folder)
    assert catalog is not None, [str(p) for p in result.problems.errors]
    return catalog


def test_a_location_with_no_area_chosen_lists_the_nearest_area(tmp_path: Path) -> None:
    catalog = two_regions(tmp_path, Path(__file__).parent / "fixtures" / "minimal")
    assert len(catalog.content.regions) == 2
    view = screens.View(catalog, UserState("en"), translator("en"), SUNDAY_MORNING, ("en",))
    point = GeoPoint(42.8, -122.27)
    screen = screens.nearest_to_point(view, point)
    opened = [b.action for row in screen.buttons for b in row if isinstance(b.action, ShowResource)]
    placed = [n.resource.id for n in nearest(catalog.content, point)]
    in_north = [r for r in placed if r.startswith("north-")]
    # The nearest area's places, nearest first, as before the person chose an area.
    assert [a.resource_id for a in opened] == in_north


def nearest_centre_as_before(content: Content, point: GeoPoint, region_id: str | None) -> str:
    """The neighbourhood `nearest_neighbourhood` chose before the centres were made ready once
    (the oracle): `min` over `distance_km`, the first in file order on a tie."""
    hoods = [h for h in content.neighbourhoods.values() if region_id in (None, h.region_id)]
    found = min(hoods, key=lambda h: distance_km(point, h.center), default=None)
    return found.id if found else ""


@settings(max_examples=150)
@given(points | near_places, st.booleans())
def test_the_nearest_centre_is_the_first_closest_in_file_order(
    sample_catalog: Catalog, point: GeoPoint, twins_first: bool
) -> None:
    """Each neighbourhood with a twin at the same centre (before or after it in the file):
    ties go to the first, in every region and with none chosen."""
    content = sample_catalog.content
    twins = {f"twin-{h.id}": replace(h, id=f"twin-{h.id}") for h in content.neighbourhoods.values()}
    listed = content.neighbourhoods
    first, then = (twins, listed) if twins_first else (listed, twins)
    hoods = {**first, **then}
    for tied in (content, replace(content, neighbourhoods=hoods)):
        distances = Distances(tied)
        for region_id in [None, *tied.regions, "nowhere"]:
            found = distances.nearest_centre(point, region_id)
            assert (found.id if found else "") == nearest_centre_as_before(tied, point, region_id)
