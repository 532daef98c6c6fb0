"""What the conversation knows about a person between two messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserState:
    """A person's choices (kept, keyed by a hash): language, area, disappearing messages
    (seconds, 0 is off) and forward protection (None: the deployment's default); and the need
    whose list they have open (in memory only, so a location sent next keeps that need)."""

    locale: str
    region_id: str | None = None
    open_need: str = ""
    disappear_after: int = 0
    protect: bool | None = None
