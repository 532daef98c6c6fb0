"""Opening hours in the resource's own zone (midnight, daylight saving) and distances."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.domain.catalog import Catalog
from bot.domain.geo import distance_km, nearest
from bot.domain.hours import HoursError, OpeningSchedule, OpenState
from bot.domain.models import GeoPoint

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC


def test_open_across_midnight() -> None:
    hours = OpeningSchedule("Mo-Sa 22:00-04:00", "America/Los_Angeles")
    saturday_late = dt.datetime(2026, 11, 21, 23, 30, tzinfo=LA)
    sunday_early = dt.datetime(2026, 11, 22, 3, 0, tzinfo=LA)
    sunday_noon = dt.datetime(2026, 11, 22, 12, 0, tzinfo=LA)
    assert hours.status(saturday_late).state is OpenState.OPEN
    assert hours.status(sunday_early).state is OpenState.OPEN
    closed = hours.status(sunday_noon)
    assert closed.state is OpenState.CLOSED
    assert closed.next_change == dt.datetime(2026, 11, 23, 22, 0, tzinfo=LA)


def test_status_uses_the_resource_zone_whatever_the_clock_zone() -> None:
    hours = OpeningSchedule("Mo-Fr 09:00-17:00", "America/Los_Angeles")
    # 17:30 UTC on a Monday is 09:30 in Oakland.
    assert hours.status(dt.datetime(2026, 11, 23, 17, 30, tzinfo=UTC)).state is OpenState.OPEN
    assert hours.status(dt.datetime(2026, 11, 23, 16, 30, tzinfo=UTC)).state is OpenState.CLOSED


def test_daylight_saving_start_inside_an_overnight_opening() -> None:
    # Clocks go from 02:00 to 03:00 on 2026-03-08 in Los Angeles.
    hours = OpeningSchedule("Sa 22:00-04:00", "America/Los_Angeles")
    before = dt.datetime(2026, 3, 8, 9, 30, tzinfo=UTC)  # 01:30 PST, open
    status = hours.status(before)
    assert status.state is OpenState.OPEN
    assert status.next_change is not None
    assert status.next_change.utcoffset() == dt.timedelta(hours=-7)
    assert status.next_change.hour == 4
    # The skipped hour makes it 1.5 real hours to 04:00 PDT, not 2.5.
    assert status.next_change - before == dt.timedelta(hours=1, minutes=30)


def test_daylight_saving_end_keeps_local_opening_time() -> None:
    hours = OpeningSchedule("Mo-Fr 09:00-17:00", "America/Los_Angeles")
    friday_evening = dt.datetime(2026, 10, 30, 18, 0, tzinfo=LA)
    opens = hours.status(friday_evening).next_change
    assert opens == dt.datetime(2026, 11, 2, 9, 0, tzinfo=LA)
    assert opens.utcoffset() == dt.timedelta(hours=-8)


def test_week_lists_overnight_spans_on_their_first_day() -> None:
    hours = OpeningSchedule("Mo-Sa 21:00-03:00", "America/Los_Angeles")
    week = hours.week(dt.datetime(2026, 11, 22, 10, 0, tzinfo=LA))
    sunday, monday = week[0], week[1]
    assert sunday.intervals == ()
    assert [(b.hour, f.hour, f.day - b.day) for b, f in monday.intervals] == [(21, 3, 1)]


def test_all_day_and_closed_days() -> None:
    week = OpeningSchedule("24/7", "Europe/Madrid").week(dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert all(day.all_day for day in week)
    assert OpeningSchedule("24/7", "Europe/Madrid").status(dt.datetime.now(UTC)).next_change is None


@pytest.mark.parametrize(
    ("expression", "zone"),
    # "America" is a folder of the zone database, not a zone (found by hypothesis cutting
    # "America/Los_Angeles" short in test_validator.py).
    [("Mo-Fr 9-17 maybe", "UTC"), ("24/7", "Mars/Base"), ("24/7", "America")],
)
def test_invalid_hours_and_zones(expression: str, zone: str) -> None:
    with pytest.raises(HoursError):
        OpeningSchedule(expression, zone)


def test_distance_km() -> None:
    oakland, san_francisco = GeoPoint(37.8044, -122.2712), GeoPoint(37.7749, -122.4194)
    assert distance_km(oakland, san_francisco) == pytest.approx(13.4, abs=0.3)
    assert distance_km(oakland, oakland) == 0


def test_nearest_orders_by_distance_and_hides_confidential_address(
    minimal_catalog: Catalog,
) -> None:
    content = minimal_catalog.content
    east = content.neighbourhoods["east"].center
    found = nearest(content, east)
    assert [n.resource.id for n in found] == ["hidden-shelter", "east-legal", "night-drop-in"]
    # A confidential address is placed at its neighbourhood's public centre, never its own.
    assert found[0].distance_km == 0


def test_nearest_to_a_typed_neighbourhood(sample_catalog: Catalog) -> None:
    content = sample_catalog.content
    hood = sample_catalog.index.place("near fruitvale", "oakland")
    assert hood is not None
    found = nearest(content, hood.center, content.resources_in("oakland"))
    assert found[0].distance_km <= found[-1].distance_km
    assert content.resources[found[0].resource.id].neighbourhood_id == "fruitvale"
