"""Babel's locale data, only the parts the bot reads, for the languages it speaks and names.

Babel keeps each locale's whole CLDR data once read: 0.7-1.4 MiB a locale, and 2.6 MiB more
of global data read only to find a locale's parent. The bot formats times, weekdays, dates,
two length units and lists, and names languages: a few keys of each locale. `locale_data.pickle`
holds those keys for the locales below, taken from the Babel the project pins (regenerate it
with `python -m bot.locale_data` after changing Babel; tests/test_locale_data.py checks that it
is current and that every format reads as Babel's own gives). A `Locale` made by `babel_locale`
reads them instead of Babel's files; any other locale is Babel's own.
"""

from __future__ import annotations

import functools
import itertools
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import babel
from babel import Locale, localedata

DATA_FILE = Path(__file__).with_name("locale_data.pickle")
# The interface and content languages, and those the note on other languages is written in
# (bot/ui/screens/other_languages.py).
LOCALES = (
    *("en", "es", "fil", "ko", "th", "vi", "zh_Hans", "zh_Hant"),
    *("zh", "ru", "ar", "ja", "hi", "am"),
)
# What Babel reads to format a short time, a weekday, a medium date, a distance in kilometres
# or miles and a list, and to name a language (with its script and territory).
KEPT = frozenset(
    {
        "date_formats",
        "day_period_rules",
        "day_periods",
        "days",
        "decimal_formats",
        "default_numbering_system",
        "languages",
        "list_patterns",
        "months",
        "number_symbols",
        "plural_form",
        "scripts",
        "territories",
        "time_formats",
        "unit_patterns",
    }
)
# The keys that name languages, scripts and territories by their codes.
NAMED_BY_CODE = ("languages", "scripts", "territories")
# Of the unit patterns (a third of a locale's data), the two distances lists show.
UNITS = frozenset({"length-kilometer", "length-mile"})


class _KeptLocale(Locale):
    """A Babel locale reading the kept parts of its data."""

    def __init__(self, parsed: Locale, data: dict[Any, Any]) -> None:
        super().__init__(
            parsed.language, parsed.territory, parsed.script, parsed.variant, parsed.modifier
        )
        self._kept = localedata.LocaleDataDict(data)

    @property
    def _data(self) -> localedata.LocaleDataDict:
        return self._kept


@functools.cache
def babel_locale(identifier: str) -> Locale:
    """The Babel locale for `identifier` ("es", "zh_Hant"), reading only the kept data when
    there is some for it (raises as `Locale.parse` does for an unknown one)."""
    parsed = Locale.parse(identifier)
    kept = _kept(str(parsed))
    return parsed if kept is None else _KeptLocale(parsed, kept)


def _kept(identifier: str) -> dict[Any, Any] | None:
    """One locale's kept data, read from its part of the file alone (the others' parts are
    not held); none (Babel's own then) if there is none for it, the file is missing, or it
    was made from another Babel."""
    try:
        with DATA_FILE.open("rb") as file:
            made_with, where = pickle.load(file)
            if made_with != babel.__version__ or identifier not in where:
                return None
            file.seek(where[identifier], os.SEEK_CUR)
            data: dict[Any, Any] = pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError):
        return None
    for key in NAMED_BY_CODE:
        # Every locale names the same codes: one string of each, not one per locale read
        # (0.37 MiB over the eight languages).
        data[key] = {sys.intern(code): name for code, name in data[key].items()}
    return data


def trimmed(identifier: str) -> dict[Any, Any]:
    """The kept keys of one locale's data as Babel merges it, aliases resolved."""
    full = localedata.get_locale_data(identifier)
    data = {key: _plain(full[key]) for key in sorted(KEPT) if key in full}
    data["unit_patterns"] = {k: v for k, v in data["unit_patterns"].items() if k in UNITS}
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, localedata.LocaleDataDict):
        return {key: _plain(value[key]) for key in value}
    return value


def made() -> bytes:
    """What `locale_data.pickle` should hold: Babel's version and where each locale's part
    starts (counted from the end of that index), then each locale's kept data, pickled."""
    parts = {
        identifier: pickle.dumps(trimmed(identifier), protocol=pickle.HIGHEST_PROTOCOL)
        for identifier in LOCALES
    }
    starts = itertools.accumulate((len(part) for part in parts.values()), initial=0)
    where = dict(zip(parts, starts, strict=False))
    index = pickle.dumps((babel.__version__, where), protocol=pickle.HIGHEST_PROTOCOL)
    return index + b"".join(parts.values())


if __name__ == "__main__":
    DATA_FILE.write_bytes(made())
    print(f"wrote {DATA_FILE} ({DATA_FILE.stat().st_size:,} bytes)")
