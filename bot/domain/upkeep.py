"""Keeping listings true: what people can report about a listing, when a listing counts as
stale, and where a listing is written (`Place`, read from the files by
bot/domain/listing_places.py) (pure; no store, no Telegram)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.models import Content, Resource

# Counts below this are never shown as a number, to anyone.
SHOWN_FROM = 5
DEFAULT_UNSAFE_LIMIT = 2
DEFAULT_UNSAFE_WINDOW_DAYS = 30


class ReportReason(StrEnum):
    """What a person can say is wrong with a listing; nothing else, and no free text."""

    CLOSED = "closed"
    HOURS = "hours"
    CONTACT = "contact"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class ListingReport:
    """One tap on a reason: which listing and why. Who tapped is never part of it."""

    resource_id: str
    reason: ReportReason


@dataclass(frozen=True)
class UnsafeRule:
    """Admins hear at once when a listing is reported unsafe more than `limit` times within
    `window_days` days (today included)."""

    limit: int = DEFAULT_UNSAFE_LIMIT
    window_days: int = DEFAULT_UNSAFE_WINDOW_DAYS

    def window_start(self, today: dt.date) -> dt.date:
        """The first day counted."""
        return today - dt.timedelta(days=self.window_days - 1)

    def crossed(self, count_in_window: int) -> bool:
        """Whether the report that brought the count to `count_in_window` crossed the limit.
        Counts rise one report at a time, so exactly one report per crossing answers True;
        after the count falls back (old days leave the window) a new crossing can happen."""
        return count_in_window == self.limit + 1


def shown_count(count: int) -> str | None:
    """A count as a number, or None when it is below SHOWN_FROM (shown as "fewer than 5")."""
    return str(count) if count >= SHOWN_FROM else None


@dataclass(frozen=True)
class StaleListing:
    """A listing not verified for too long: when it was last verified (None: never)."""

    resource: Resource
    verified: dt.date | None


def stale_listings(
    content: Content, today: dt.date, days: int | None = None, area: str | None = None
) -> list[StaleListing]:
    """Listings not verified for more than `days` days (default: each region's
    `stale_after_days`), in `area` if given; never verified first, then oldest first."""
    stale = []
    for resource in content.resources.values():
        if area is not None and resource.region_id != area:
            continue
        limit = days if days is not None else content.regions[resource.region_id].stale_after_days
        checked = resource.verified.date if resource.verified is not None else None
        if checked is None or (today - checked).days > limit:
            stale.append(StaleListing(resource, checked))
    return sorted(stale, key=lambda s: (s.verified or dt.date.min, s.resource.id))


@dataclass(frozen=True)
class Place:
    """Where a listing is written: the file (as given under the content folder) and line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class ReasonTally:
    """One listing's reports for one reason: the total and the days they came (newest first)."""

    reason: str
    total: int
    days: tuple[dt.date, ...]


@dataclass(frozen=True)
class ListingTally:
    """Every report for one listing, its reasons most reported first."""

    resource_id: str
    reasons: tuple[ReasonTally, ...]

    @property
    def latest(self) -> dt.date:
        """The day of its most recent report."""
        return max(tally.days[0] for tally in self.reasons)

    @property
    def total(self) -> int:
        """All its reports."""
        return sum(tally.total for tally in self.reasons)


def tally_reports(rows: Iterable[tuple[dt.date, str, str, int]]) -> list[ListingTally]:
    """Daily counts (day, listing, reason, count) as one tally per listing: the most recently
    reported listing first, then the most reported."""
    by_listing: dict[str, dict[str, list[tuple[dt.date, int]]]] = {}
    for day, resource_id, reason, count in rows:
        by_listing.setdefault(resource_id, {}).setdefault(reason, []).append((day, count))
    tallies = [
        ListingTally(resource_id, _reason_tallies(reasons))
        for resource_id, reasons in by_listing.items()
    ]
    return sorted(tallies, key=lambda t: (-t.latest.toordinal(), -t.total, t.resource_id))


def _reason_tallies(reasons: dict[str, list[tuple[dt.date, int]]]) -> tuple[ReasonTally, ...]:
    """One listing's reasons, the most reported first, then the most recent."""
    tallies = [
        ReasonTally(
            reason,
            sum(count for _day, count in days),
            tuple(sorted({day for day, _count in days}, reverse=True)),
        )
        for reason, days in reasons.items()
    ]
    return tuple(sorted(tallies, key=lambda t: (-t.total, -t.days[0].toordinal(), t.reason)))


@dataclass(frozen=True)
class EmptyTally:
    """Searches that found nothing, in one language about one need ("" none)."""

    locale: str
    need_id: str
    total: int


def tally_empty_searches(rows: Iterable[tuple[str, str, int]]) -> list[EmptyTally]:
    """Counts (locale, need, count) summed per language and need, the most frequent first."""
    totals: dict[tuple[str, str], int] = {}
    for locale, need_id, count in rows:
        totals[locale, need_id] = totals.get((locale, need_id), 0) + count
    return [
        EmptyTally(locale, need_id, total)
        for (locale, need_id), total in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
