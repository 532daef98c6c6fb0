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
import pickle
from collections.abc import Mapping
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
    kept = _kept().get(str(parsed))
    return parsed if kept is None else _KeptLocale(parsed, pickle.loads(kept))


@functools.cache
def _kept() -> Mapping[str, bytes]:
    """Each locale's kept data, pickled (read when the locale is first used); none (Babel's
    own then) if the file is missing or was made from another Babel."""
    try:
        made_with, data = pickle.loads(DATA_FILE.read_bytes())
    except (OSError, pickle.UnpicklingError, ValueError):
        return {}
    return data if made_with == babel.__version__ else {}


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


def made() -> tuple[str, dict[str, bytes]]:
    """What `locale_data.pickle` should hold: Babel's version and each locale's kept data."""
    return babel.__version__, {
        identifier: pickle.dumps(trimmed(identifier), protocol=pickle.HIGHEST_PROTOCOL)
        for identifier in LOCALES
    }


if __name__ == "__main__":
    DATA_FILE.write_bytes(pickle.dumps(made(), protocol=pickle.HIGHEST_PROTOCOL))
    print(f"wrote {DATA_FILE} ({DATA_FILE.stat().st_size:,} bytes)")
