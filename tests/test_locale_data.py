"""The kept parts of Babel's locale data: current for the pinned Babel, enough for every format
the bot makes (each reads as Babel's own data gives it), and all that is read."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale, dates, localedata, units
from babel.lists import format_list

from bot import locale_data
from bot.domain.models import DistanceUnit
from bot.i18n import available_locales
from bot.ui.screens import other_languages

ROOT = Path(__file__).resolve().parent.parent
# Languages listings speak and people write in: names in every locale, some with a script or
# a territory.
CODES = sorted(
    code
    for code in {*Locale("en").languages, "pt_BR", "zh_Hant", "zh_Hans_SG", "en_US", "es_419"}
    if localedata.exists(code)
)


def test_the_kept_data_is_current() -> None:
    assert locale_data.DATA_FILE.read_bytes() == locale_data.made(), (
        "run `python -m bot.locale_data`"
    )


def test_each_locale_reads_its_own_part_and_shares_the_codes() -> None:
    """Every locale's part reads back on its own (its formats: the test below), and the codes
    naming languages, scripts and territories are one string each, whichever locale read them."""
    read = {identifier: locale_data._kept(identifier) for identifier in locale_data.LOCALES}
    for identifier, data in read.items():
        whole = locale_data.trimmed(identifier)
        assert data is not None and data.keys() == whole.keys(), identifier
        assert all(data[key] == whole[key] for key in locale_data.NAMED_BY_CODE), identifier
    for key in locale_data.NAMED_BY_CODE:
        first, *others = (list(data[key]) for data in read.values() if data is not None)
        by_text = {code: code for code in first}
        for codes in others:
            shared = [code for code in codes if code in by_text]
            assert shared and all(code is by_text[code] for code in shared), key


def test_every_language_the_bot_speaks_or_names_has_kept_data() -> None:
    needed = {*available_locales(), *other_languages._SENTENCES}
    assert needed <= set(locale_data.LOCALES)
    for identifier in locale_data.LOCALES:
        assert type(locale_data.babel_locale(identifier)) is not Locale, identifier


def _formats(locale: Locale) -> list[str]:
    """Everything the bot asks Babel to format or name, in one locale."""
    found = [
        dates.format_time(dt.time(h, m), format="short", locale=locale)
        for h in range(24)
        for m in (0, 5, 30, 59)
    ]
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(0, 731, 3)]
    found += [dates.format_date(day, format="medium", locale=locale) for day in days]
    found += [dates.format_date(day, format="EEEE", locale=locale) for day in days[:7]]
    for value in (0, 0.1, 0.5, 1, 1.5, 2, 9.9, 10, 12, 100, 1234):
        for unit in DistanceUnit:
            found.append(
                units.format_unit(value, f"length-{unit.value}", length="short", locale=locale)
            )
    found += [format_list([f"item {n}" for n in range(size)], locale=locale) for size in range(5)]
    found += [Locale.parse(code).get_display_name(locale) or "" for code in CODES]
    found += [locale.languages.get(code, "") for code in CODES]
    return found


@pytest.mark.parametrize("identifier", locale_data.LOCALES)
def test_every_format_reads_as_babel_s_own_data_gives_it(identifier: str) -> None:
    assert _formats(locale_data.babel_locale(identifier)) == _formats(Locale.parse(identifier))


def test_the_bot_reads_no_other_babel_data() -> None:
    """In a fresh process, formatting in every shipped locale and writing the note on other
    languages loads none of Babel's own locale files, nor its global data (2.6 MiB)."""
    script = """
import datetime as dt
import babel.core, babel.localedata
from bot import i18n
from bot.domain.models import DistanceUnit
from bot.domain.search import language_names
from bot.ui.screens.other_languages import unsupported_language_note
for locale in i18n.available_locales():
    tr = i18n.translator(locale)
    tr.time(dt.time(21, 30)), tr.weekday(dt.date(2026, 12, 7)), tr.date(dt.date(2026, 12, 7))
    tr.distance(1.5, DistanceUnit.MILE), tr.distance(12, DistanceUnit.KILOMETER)
    tr.join(["a", "b", "c"]), i18n.language_name_in("zh_Hant", locale)
    language_names("es", i18n.available_locales())
for text in ("привет", "مرحبا", "こんにちは", "नमस्ते", "ሰላም", "你好"):
    assert unsupported_language_note(text, ("en", "es"))
print(sorted(babel.localedata._cache), babel.core._global_data is None)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["[]", "True"], done.stderr


def test_without_the_file_babel_s_own_data_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locale_data, "DATA_FILE", ROOT / "no-such-file.pickle")
    locale_data.babel_locale.cache_clear()
    try:
        assert type(locale_data.babel_locale("es")) is Locale
    finally:
        locale_data.babel_locale.cache_clear()
