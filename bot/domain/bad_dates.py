"""An anonymous bad-date report while it is being written: held in memory only, never stored."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import Enum, StrEnum

# A description longer than this is refused with a request to shorten it.
MAX_DESCRIPTION = 1000


class BadDateKind(StrEnum):
    """What happened, as the person picks it (the value rides in a button)."""

    VIOLENT = "violent"
    ROBBERY = "robbery"
    CONDOMS = "condoms"
    POLICE = "police"
    DRUGS = "drugs"
    OTHER = "other"


class RoughlyWhen(StrEnum):
    """Roughly when: never more precise than this."""

    TODAY = "today"
    YESTERDAY = "yesterday"
    THIS_WEEK = "week"
    EARLIER = "earlier"


class Step(Enum):
    """What the report waits for next."""

    KIND = "kind"
    AREA = "area"
    WHEN = "when"
    DESCRIBE = "describe"
    PREVIEW = "preview"


@dataclass(frozen=True)
class BadDateDraft:
    """The report so far. The description is left out of `repr`, so no log line or traceback
    can carry the person's words."""

    step: Step = Step.KIND
    kind: BadDateKind | None = None
    region_id: str | None = None
    when: RoughlyWhen | None = None
    description: str = field(default="", repr=False)

    @property
    def complete(self) -> bool:
        """Whether everything a report needs is there."""
        return None not in (self.kind, self.region_id, self.when) and bool(self.description)


def clean_description(text: str) -> str:
    """Typed text as a description: control characters other than line breaks become spaces,
    surrounding blanks dropped (the length is checked by the caller)."""
    return "".join(
        " " if unicodedata.category(ch) == "Cc" and ch != "\n" else ch for ch in text
    ).strip()
