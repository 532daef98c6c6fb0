"""What the conversation knows about a person between two messages."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.bad_dates import BadDateDraft


@dataclass(frozen=True)
class UserState:
    """A person's choices (kept, keyed by a hash): language, area, disappearing messages
    (seconds, 0 is off) and forward protection (None: the deployment's default); and, in
    memory only, the need whose list they have open (so a location sent next keeps that need)
    and the bad-date report they are writing, if any."""

    locale: str
    region_id: str | None = None
    open_need: str = ""
    disappear_after: int = 0
    protect: bool | None = None
    bad_date: BadDateDraft | None = None
