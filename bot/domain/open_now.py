"""Open status worked out once a minute per opening-hours schedule, and lists ranked from it.

Opening hours change on minute boundaries, so a schedule's status at any moment of a minute is
its status at the minute's start, as long as its next change is not inside that minute. A
schedule whose next change does fall inside the minute (hours given to the second) is worked
out at the exact moment instead, and lists holding it are not kept: every answer is exactly
what evaluating each place at that moment gives.

Lists are ranked in two steps. Once per catalogue, each (region, need, locale) list is put in
its lasting order: no hard barrier, no soft barrier, peer-led, then by name. Each minute it is
sorted again, stably, by what changes with the time (open now, barriers, opens soonest), which
gives the order lists always had: open now first, then no barriers, then whatever opens
soonest, peer-led first, then by name (ties in file order).

Memory is bounded by the catalogue: the lasting orders (one per region, need and locale) and
the statuses and lists of the two newest minutes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from bot.domain.hours import HoursStatus, OpeningSchedule, OpenState
from bot.domain.models import Community, Content, Resource
from bot.domain.ranking import hard_barrier, soft_barrier

COMMUNITY_LED = frozenset({Community.SEX_WORKER_LED, Community.PEER_RUN})
# Minutes kept: the current one and the one before (an update that waited a moment).
KEPT_MINUTES = 2
_MINUTE = dt.timedelta(minutes=1)
_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)
# Read once: an enum member read through its class costs about 0.1 µs in CPython 3.11.
_OPEN = OpenState.OPEN
# Every need of a region: the list key for "all places", which no need id can be.
ALL_NEEDS = ""

# Places with the same schedule and barriers rank alike at any moment.
Alike = tuple[OpeningSchedule | None, bool, bool]
TimelyKey = tuple[int, bool, bool, dt.datetime]


def _timely_key(resource: Resource, status: HoursStatus | None) -> TimelyKey:
    if status is None:
        rank, opens = 2, _FAR
    else:
        rank = 0 if status.state is _OPEN else 1
        opens = _FAR if rank == 0 or status.next_change is None else status.next_change
    return rank, hard_barrier(resource), soft_barrier(resource), opens


def _lasting_key(resource: Resource, locale: str) -> tuple[bool, bool, bool, str]:
    return (
        hard_barrier(resource),
        soft_barrier(resource),
        not resource.community & COMMUNITY_LED,
        resource.name.get(locale).casefold(),
    )


def minute_of(now: dt.datetime) -> dt.datetime:
    """The start of the minute `now` falls in."""
    return now.replace(second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class LastingList:
    """A list of places in its lasting order, and its groups: the positions of places that
    share a schedule and barriers, so always rank alike (with one of them to ask)."""

    resources: tuple[Resource, ...]
    groups: tuple[tuple[Alike, Resource, tuple[int, ...]], ...]

    @classmethod
    def of(cls, resources: tuple[Resource, ...]) -> LastingList:
        """Group `resources`, already in their lasting order."""
        groups: dict[Alike, list[int]] = {}
        for position, resource in enumerate(resources):
            # Schedules hash by identity: a load shares one per distinct expression and zone.
            alike = (resource.hours, hard_barrier(resource), soft_barrier(resource))
            groups.setdefault(alike, []).append(position)
        return cls(
            resources,
            tuple((alike, resources[p[0]], tuple(p)) for alike, p in groups.items()),
        )


class MinuteStatuses:
    """Each schedule's status at the start of one minute, and the lists ranked from them;
    both worked out when first asked for."""

    __slots__ = ("_end", "_lists", "_open", "_statuses", "_timely", "minute")

    def __init__(self, minute: dt.datetime) -> None:
        self.minute = minute
        self._end = minute + _MINUTE
        # Keyed by the schedule object: one per distinct expression and zone in a load.
        self._statuses: dict[OpeningSchedule, HoursStatus] = {}
        self._timely: dict[Alike, TimelyKey] = {}
        self._open: dict[OpeningSchedule, bool] = {}
        self._lists: dict[tuple[str, str, str], tuple[Resource, ...]] = {}

    def status(self, resource: Resource, now: dt.datetime) -> HoursStatus | None:
        """The resource's status at `now`, a moment of this minute; None for unknown hours."""
        hours = resource.hours
        if hours is None:
            return None
        status = self._statuses.get(hours)
        if status is None:
            status = self._statuses[hours] = hours.status(self.minute)
        if self._changes_within(status):
            return hours.status(now)
        return status

    def ranked(
        self, key: tuple[str, str, str], lasting: LastingList, now: dt.datetime
    ) -> tuple[Resource, ...]:
        """A list named by `key` in list order at `now`: its groups ordered by what changes
        with the time, places with an equal such key kept in their lasting order."""
        found = self._lists.get(key)
        if found is not None:
            return found
        settled = True
        buckets: dict[TimelyKey, list[tuple[int, ...]]] = {}
        for alike, first, positions in lasting.groups:
            timely = self._timely.get(alike)
            if timely is None:
                status = self.status(first, now)
                timely = _timely_key(first, status)
                if status is None or not self._changes_within(status):
                    self._timely[alike] = timely
                else:
                    settled = False
            buckets.setdefault(timely, []).append(positions)
        order: list[int] = []
        for timely in sorted(buckets):
            parts = buckets[timely]
            order.extend(parts[0] if len(parts) == 1 else sorted(itertools.chain(*parts)))
        resources = lasting.resources
        found = tuple([resources[i] for i in order])
        if settled:
            self._lists[key] = found
        return found

    def is_open(self, resource: Resource, now: dt.datetime) -> bool:
        """Whether the place is open at `now` (unknown hours are not open)."""
        hours = resource.hours
        if hours is None:
            return False
        known = self._open.get(hours)
        if known is None:
            status = self.status(resource, now)
            known = status is not None and status.state is _OPEN
            if status is not None and not self._changes_within(status):
                self._open[hours] = known
        return known

    def lists_kept(self) -> int:
        """How many ranked lists this minute holds."""
        return len(self._lists)

    def _changes_within(self, status: HoursStatus) -> bool:
        change = status.next_change
        return change is not None and change < self._end


class OpenNowBoard:
    """Open status and ranked lists for one catalogue, kept for its two newest minutes."""

    __slots__ = ("_lasting", "_minutes", "_needs", "_regions")

    def __init__(self, content: Content) -> None:
        regions: dict[str, list[Resource]] = {region_id: [] for region_id in content.regions}
        for resource in content.resources.values():
            regions.setdefault(resource.region_id, []).append(resource)
        self._regions = {region_id: tuple(found) for region_id, found in regions.items()}
        self._needs = frozenset(content.needs) | {ALL_NEEDS}
        # Each region's lasting lists by need, per locale: locales that order the region's
        # places alike hold the same lists.
        self._lasting: dict[tuple[str, str], dict[str, LastingList]] = {}
        self._minutes: dict[dt.datetime, MinuteStatuses] = {}

    def resources_in(self, region_id: str) -> tuple[Resource, ...]:
        """Every resource of one region, in file order (as `Content.resources_in`)."""
        return self._regions.get(region_id, ())

    def at(self, now: dt.datetime) -> MinuteStatuses:
        """The statuses of the minute `now` falls in. Only the newest minutes are kept: an
        older moment gets statuses of its own, worked out as asked and then dropped."""
        minute = minute_of(now)
        found = self._minutes.get(minute)
        if found is not None:
            return found
        found = MinuteStatuses(minute)
        if len(self._minutes) < KEPT_MINUTES or minute > min(self._minutes):
            self._minutes[minute] = found
            while len(self._minutes) > KEPT_MINUTES:
                del self._minutes[min(self._minutes)]
        return found

    def status(self, resource: Resource, now: dt.datetime) -> HoursStatus | None:
        """The resource's status at `now`; None when its hours are not known."""
        return self.at(now).status(resource, now)

    def is_open(self, resource: Resource, now: dt.datetime) -> bool:
        """Whether the place is open at `now` (unknown hours are not open)."""
        return self.at(now).is_open(resource, now)

    def ranked(
        self, region_id: str, need_id: str, locale: str, now: dt.datetime
    ) -> tuple[Resource, ...]:
        """The region's resources serving a need (every resource for `ALL_NEEDS`), in list
        order at `now` (see the module's description).
        Lists are kept per known region, known need and locale (the bot's few languages)."""
        if region_id not in self._regions or need_id not in self._needs:
            return ()
        key = (region_id, need_id, locale)
        return self.at(now).ranked(key, self._lasting_order(key), now)

    def kept_lists(self) -> int:
        """How many ranked lists the board holds (lasting orders and the kept minutes')."""
        lasting = sum(len(lists) for lists in self._lasting.values())
        return lasting + sum(m.lists_kept() for m in self._minutes.values())

    def kept_minutes(self) -> tuple[dt.datetime, ...]:
        """The minutes whose statuses are kept, oldest first."""
        return tuple(sorted(self._minutes))

    def _lasting_order(self, key: tuple[str, str, str]) -> LastingList:
        region_id, need_id, locale = key
        lists = self._lasting.get((region_id, locale))
        if lists is None:
            lists = self._lasting[(region_id, locale)] = self._region_lists(region_id, locale)
        found = lists.get(need_id)
        if found is None:  # a need no place of the region serves
            found = lists[need_id] = LastingList.of(())
        return found

    def _region_lists(self, region_id: str, locale: str) -> dict[str, LastingList]:
        """Every list of a region in its lasting order for a locale, by need: all its places,
        and each need's (picked from all of them in one pass, which keeps their order). A
        locale that orders the region's places as another already did shares that one's
        lists: names differ by language only for the few places that have a translated one,
        so most locales do (a region's lists for eight languages took 1.5 MiB at 10,000
        listings)."""
        everyone = tuple(
            sorted(self.resources_in(region_id), key=lambda r: _lasting_key(r, locale))
        )
        for (region, _other), lists in self._lasting.items():
            if region == region_id and lists[ALL_NEEDS].resources == everyone:
                return lists
        serving: dict[str, list[Resource]] = {}
        for resource in everyone:
            for need_id in dict.fromkeys(resource.needs):
                serving.setdefault(need_id, []).append(resource)
        lists = {ALL_NEEDS: LastingList.of(everyone)}
        lists.update((need_id, LastingList.of(tuple(found))) for need_id, found in serving.items())
        return lists
