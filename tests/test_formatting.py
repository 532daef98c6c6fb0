"""Dates and lists formatted once per locale read exactly as Babel formats them each time
(bot/i18n.py)."""

from __future__ import annotations

import datetime as dt

from babel import Locale, dates
from babel.lists import format_list
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import available_locales, translator

LOCALES = sorted(available_locales())


@given(st.sampled_from(LOCALES), st.dates(min_value=dt.date(2000, 1, 1)))
def test_a_date_reads_as_babel_formats_it(locale: str, day: dt.date) -> None:
    tr = translator(locale)
    expected = dates.format_date(day, format="medium", locale=Locale.parse(locale))
    assert tr.date(day) == expected
    assert tr.date(day) == expected  # kept, and the same


@given(st.sampled_from(LOCALES), st.lists(st.text(min_size=1, max_size=12), max_size=5))
def test_a_list_reads_as_babel_joins_it(locale: str, items: list[str]) -> None:
    tr = translator(locale)
    expected = format_list(items, locale=Locale.parse(locale)) if items else ""
    assert tr.join(items) == expected
    assert tr.join(list(items)) == expected
