"""Ordering matched listings by what helps now: named first, then open, then fewest barriers.

A hard barrier is a condition that can put a person at risk or turn them away when they need
help most: police cooperation, proving they were trafficked, routine sharing with police. A soft
barrier is asking for ID. When a message is about a situation (documents taken, violence, ...),
hard barriers weigh even before open status: a place that asks for police cooperation is never
offered ahead of one that does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from bot.domain.hours import OpenState
from bot.domain.models import InfoSharing, Resource, YesNo
from bot.domain.search import ResourceHit

# A text match at least this share of the best one counts as equally relevant; below it, a
# listing matched only weakly (a word of its description) and comes after.
STRONG_SHARE = 0.5
# Read once: an enum member read through its class costs about 0.1 µs in CPython 3.11, and the
# barriers are asked of every listing ranked.
_YES, _ROUTINELY = YesNo.YES, InfoSharing.ROUTINELY
# No distance known: after every known one.
_FAR = float("inf")


def is_open(resource: Resource, now: dt.datetime) -> bool:
    """Whether the place is open at `now` (unknown hours are not open)."""
    return resource.hours is not None and resource.hours.status(now).state is OpenState.OPEN


def hard_barrier(resource: Resource) -> bool:
    """Asks for police cooperation or proof of trafficking, or routinely tells police."""
    access = resource.access
    return (
        access.requires_police_cooperation is _YES
        or access.requires_victim_identification is _YES
        or access.shares_info_with_police is _ROUTINELY
    )


def soft_barrier(resource: Resource) -> bool:
    """Asks for ID."""
    return resource.access.requires_id is _YES


def rank_hits(
    hits: Sequence[ResourceHit],
    now: dt.datetime,
    locale: str,
    *,
    situation: bool = False,
    distances: Mapping[str, float] | None = None,
    open_at: Callable[[Resource, dt.datetime], bool] = is_open,
) -> list[ResourceHit]:
    """Hits in the order to show them: named, (hard barriers last when a situation matched),
    relevant, open now, no barriers, nearest, best text match, then by name. `open_at` says
    whether a place is open (the bot passes its per-minute board, which answers the same)."""
    # Worked out once, not once per hit: the key is asked of every hit ranked.
    weak_below = max((hit.score for hit in hits), default=0.0) * STRONG_SHARE
    far = (distances or {}).get

    def key(hit: ResourceHit) -> tuple[int, bool, bool, bool, bool, bool, float, float, str]:
        resource = hit.resource
        hard = hard_barrier(resource)
        return (
            -hit.named,
            situation and hard,
            hit.score < weak_below,
            not open_at(resource, now),
            hard,
            soft_barrier(resource),
            far(resource.id, _FAR),
            -hit.score,
            resource.name.get(locale).casefold(),
        )

    return sorted(hits, key=key)
