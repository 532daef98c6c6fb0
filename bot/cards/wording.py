"""What a printed card says, in its language, through the interface catalogs."""

from __future__ import annotations

from bot.cards.sheet import Card
from bot.i18n import language_name, translator


def card_for(locale: str, url: str) -> Card:
    """The card that opens the bot at `url`, worded in `locale`."""
    tr = translator(locale)
    # TRANSLATORS: printed on cards that people carry in a pocket or bag.
    # Someone else may find the card (a partner, a manager, the police):
    # keep it this plain and general; never add words about sex work,
    # trafficking, drugs or the police. Thai: put a zero-width space
    # (U+200B) between words, so that the line can break there.
    line = tr.gettext("Health, safety and rights information, privately, in your language")
    return Card(locale=locale, language_name=language_name(locale), line=line, url=url)
