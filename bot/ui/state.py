"""What the conversation knows about a person between two messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserState:
    """A person's language and area (kept, keyed by a hash) and the need whose list they have
    open (held in memory only for a short while, so a location sent next keeps that need)."""

    locale: str
    region_id: str | None = None
    open_need: str = ""
