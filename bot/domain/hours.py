"""Opening hours: OpenStreetMap opening_hours strings evaluated in the resource's own time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import opening_hours


class HoursError(ValueError):
    """An opening_hours string or time zone that cannot be used."""


class OpenState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class HoursStatus:
    """Whether a place is open at a moment, and when that next changes (in its own zone)."""

    state: OpenState
    next_change: dt.datetime | None


@dataclass(frozen=True)
class DayHours:
    """The openings that start on one local calendar day, or the whole day open."""

    day: dt.date
    intervals: tuple[tuple[dt.datetime, dt.datetime], ...]
    all_day: bool = False


_STATES = {
    opening_hours.State.OPEN: OpenState.OPEN,
    opening_hours.State.CLOSED: OpenState.CLOSED,
    opening_hours.State.UNKNOWN: OpenState.UNKNOWN,
}


# What OpeningHours() raises for a bad expression. ParserError is exported by the package at
# runtime but missing from its generated stubs.
_PARSE_ERRORS: tuple[type[Exception], ...] = (
    opening_hours.ParserError,  # type: ignore[attr-defined]  # absent from the package's stubs
    SyntaxError,
    ValueError,
)


def load_zone(name: str) -> ZoneInfo:
    """The IANA time zone called `name`, or HoursError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:  # "America" is a folder
        raise HoursError(f"unknown time zone {name!r}") from error


class OpeningSchedule:
    """A parsed opening_hours expression bound to an IANA time zone. Immutable once built (it
    only remembers the last week it worked out)."""

    __slots__ = ("_expression", "_oh", "_week", "_zone")

    def __init__(self, expression: str, timezone: str) -> None:
        self._zone = load_zone(timezone)
        try:
            self._oh = opening_hours.OpeningHours(expression, timezone=self._zone)
        except _PARSE_ERRORS as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise HoursError(first_line or "not a valid opening_hours expression") from error
        self._expression = expression
        # The last week worked out, by its first local day: a load shares one schedule among
        # the listings with the same hours, and cards of a day all ask for the same week.
        self._week: tuple[dt.date, tuple[DayHours, ...]] | None = None

    @property
    def expression(self) -> str:
        """The opening_hours text as written."""
        return self._expression

    @property
    def zone(self) -> ZoneInfo:
        """The time zone the hours are read in."""
        return self._zone

    def status(self, now: dt.datetime) -> HoursStatus:
        """Open, closed or unknown at `now` (any aware datetime), with the next change."""
        local = now.astimezone(self._zone)
        state, _comment = self._oh.state(local)
        next_change = self._oh.next_change(local)
        return HoursStatus(
            state=_STATES[state],
            next_change=next_change.astimezone(self._zone) if next_change else None,
        )

    def week(self, now: dt.datetime) -> tuple[DayHours, ...]:
        """The seven local days from today: each day's openings, listed on the day they start.

        A span that crosses midnight stays one span on its first day ("22:00-04:00"), and a
        day that is open throughout (as in "24/7") is marked `all_day`.
        """
        today = now.astimezone(self._zone).date()
        kept = self._week
        if kept is not None and kept[0] == today:
            return kept[1]
        week = self._work_out_week(today)
        self._week = (today, week)
        return week

    def _work_out_week(self, today: dt.date) -> tuple[DayHours, ...]:
        days = [today + dt.timedelta(days=i) for i in range(7)]
        window_start = self._midnight(days[0] - dt.timedelta(days=1))
        window_end = self._midnight(days[-1] + dt.timedelta(days=2))
        spans = [
            (begin.astimezone(self._zone), finish.astimezone(self._zone))
            for begin, finish, state, _comment in self._oh.intervals(window_start, window_end)
            if state == opening_hours.State.OPEN and finish is not None
        ]
        week = []
        for day in days:
            day_start, day_end = self._midnight(day), self._midnight(day + dt.timedelta(days=1))
            all_day = any(b <= day_start and f >= day_end for b, f in spans)
            starting = () if all_day else tuple((b, f) for b, f in spans if b.date() == day)
            week.append(DayHours(day=day, intervals=starting, all_day=all_day))
        return tuple(week)

    def _midnight(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), self._zone)

    def __reduce__(self) -> tuple[type[OpeningSchedule], tuple[str, str]]:
        """Pickled as its expression and zone name (the parsed hours are a Rust object that
        does not pickle); equal schedules shared before pickling stay shared after."""
        return OpeningSchedule, (self._expression, self._zone.key)

    def __repr__(self) -> str:
        return f"OpeningSchedule({self._expression!r}, {self._zone.key!r})"
