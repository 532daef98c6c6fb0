"""Nearest places: the one-pass arithmetic, the per-catalogue order from each neighbourhood
centre, and a shared location with no area chosen (bot/domain/geo.py, listings screens)."""

from __future__ import annotations

import math
import re
import shutil
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.catalog import Catalog, load_catalog
from bot.domain.geo import Distances, distance_km, nearest, resource_point
from bot.domain.models import GeoPoint
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


@settings(max_examples=100)
@given(
    st.lists(st.tuples(st.floats(-60, 60), st.floats(-10, 10)), min_size=1, max_size=300),
    points | st.builds(GeoPoint, st.floats(-60, 60), st.floats(-10, 10)),
    st.integers(min_value=1, max_value=25),
)
def test_closest_walks_out_from_the_latitude_and_stops_at_the_bound(
    sample_catalog: Catalog, spots: list[tuple[float, float]], point: GeoPoint, limit: int
) -> None:
    """Many places, some at the same latitude or the same spot: the walk that stops early
    finds what measuring every place finds."""
    content = sample_catalog.content
    template = next(r for r in content.resources.values() if r.locations)
    region_id = template.region_id
    moved = {
        f"spot-{i}": replace(
            template,
            id=f"spot-{i}",
            locations=(replace(template.locations[0], point=GeoPoint(lat, lon)),),
        )
        for i, (lat, lon) in enumerate(spots)
    }
    crowded = replace(content, resources={**content.resources, **moved})
    distances = Distances(crowded)
    expected = nearest(crowded, point, crowded.resources_in(region_id))[:limit]
    assert distances.closest(point, region_id, "", limit) == expected


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
