"""Safety alerts as data: an alert, its texts per language, and how long a text may be (its
text file is read by bot/domain/alert_texts.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Long enough for a real alert, short enough for one Telegram message with its heading.
MAX_TEXT_CHARS = 3000


@dataclass(frozen=True)
class Alert:
    """A published alert: its areas, its text per locale, when it was published and its last
    day."""

    alert_id: int
    published: dt.datetime
    expires: dt.date
    areas: tuple[str, ...]
    texts: dict[str, str]
    withdrawn: bool = False

    def current(self, today: dt.date) -> bool:
        """Shown and delivered: not withdrawn and not past its last day."""
        return not self.withdrawn and today <= self.expires

    def text_for(self, locale: str) -> tuple[str, bool]:
        """The text in `locale`, or else in the first language it was written in; and whether
        it is in `locale`."""
        if locale in self.texts:
            return self.texts[locale], True
        return next(iter(self.texts.values()), ""), False
