"""Interface translations (gettext catalogs under locales/) and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
import functools
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError, dates, negotiate_locale, units
from babel.core import get_global
from babel.lists import format_list
from babel.support import NullTranslations, Translations

from bot.domain.models import DistanceUnit
from bot.locale_data import babel_locale

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
SOURCE_LOCALE = "en"


def available_locales(locales_dir: Path = LOCALES_DIR) -> tuple[str, ...]:
    """The source locale plus every locale with a catalog, sorted."""
    found = {p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {SOURCE_LOCALE}))


def _translations(locale: str) -> NullTranslations:
    """The compiled catalog; compiled in memory from the .po when no fresh .mo exists."""
    po = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return _Catalog(handle, domain=DOMAIN)
    if not po.exists():
        return NullTranslations()
    # Imported only here: compiled catalogs are the rule, and Babel's catalog tools take
    # 0.7 MiB of a running bot's memory.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _Catalog(buffer, domain=DOMAIN)


class _Catalog(Translations):
    """A compiled catalog whose message ids are shared with every other language's: each
    catalog holds the same English ids (about 36 KiB a language, once read)."""

    def _parse(self, fp: Any) -> None:
        super()._parse(fp)
        # `_catalog` is where gettext keeps the messages (since Python 2, and Babel's
        # `Translations.merge` writes to it too).
        self._catalog = {
            sys.intern(key) if isinstance(key, str) else key: text
            for key, text in self._catalog.items()
        }


# Phones send few distinct tags, and parsing one with Babel costs tens of microseconds.
@functools.lru_cache(maxsize=1024)
def negotiate(language_code: str | None, available: tuple[str, ...]) -> str | None:
    """The available locale closest to a client's language tag ("es-MX" -> "es"), or None.

    Telegram sends an IETF tag chosen on the user's phone; anything malformed gives None.
    """
    if not language_code or len(language_code) > 35:
        return None
    try:
        wanted = Locale.parse(language_code.replace("_", "-"), sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    candidates = [str(wanted), wanted.language]
    # A script matters only when a locale of the language has one ("zh_Hant"); else the
    # answer is the same without it, and CLDR's likely scripts (2 MiB) need not be loaded.
    scripted = any(a.lower().startswith(f"{wanted.language}_") for a in available)
    script = wanted.script or (_likely_script(wanted) if scripted else None)
    if script:
        candidates.insert(1, f"{wanted.language}_{script}")
    return negotiate_locale(candidates, available)


def _likely_script(wanted: Locale) -> str | None:
    """The script CLDR expects for a tag without one: zh -> Hans, zh-TW / zh-HK -> Hant."""
    likely = get_global("likely_subtags")
    for key in (f"{wanted.language}_{wanted.territory}", wanted.language):
        if key in likely:
            # Some likely subtags have no locale data of their own ("no" -> no_Latn_NO).
            try:
                return Locale.parse(likely[key]).script
            except (ValueError, UnknownLocaleError):
                return None
    return None


# Lists and cards format the same few times, days and distances over and over; Babel takes
# tens of microseconds for each, so each distinct value is formatted once per locale.
@functools.lru_cache(maxsize=8192)
def _time_of_day(locale: str, hour: int, minute: int) -> str:
    return dates.format_time(dt.time(hour, minute), format="short", locale=babel_locale(locale))


@functools.lru_cache(maxsize=256)
def _weekday(locale: str, weekday: int) -> str:
    # 2024-01-01 was a Monday (weekday 0).
    day = dt.date(2024, 1, 1) + dt.timedelta(days=weekday)
    return dates.format_date(day, format="EEEE", locale=babel_locale(locale))


@functools.lru_cache(maxsize=8192)
def _distance(locale: str, value: float, unit: DistanceUnit) -> str:
    return units.format_unit(
        value, f"length-{unit.value}", length="short", locale=babel_locale(locale)
    )


# Dates and lists on cards come from the content (days listings were checked, the languages
# they speak): few distinct ones, each formatted once per locale (Babel takes 15-25 µs).
@functools.lru_cache(maxsize=4096)
def _date(locale: str, day: dt.date) -> str:
    return dates.format_date(day, format="medium", locale=babel_locale(locale))


@functools.lru_cache(maxsize=4096)
def _joined(locale: str, items: tuple[str, ...]) -> str:
    return format_list(list(items), locale=babel_locale(locale))


# Each shipped locale's name for itself, as Babel gives it (a test checks them): asking Babel
# loads all of that locale's CLDR data (about 1 MiB), and every new person's first screen
# shows all eight names.
OWN_NAMES = {
    "en": "English",
    "es": "español",
    "fil": "Filipino",
    "ko": "한국어",
    "th": "ไทย",
    "vi": "Tiếng Việt",
    "zh_Hans": "中文 (简体)",
    "zh_Hant": "中文 (繁體)",
}


def language_name(locale: str) -> str:
    """The language's own name for itself, capitalised for a button ("Español")."""
    name = OWN_NAMES.get(locale) or Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]


def language_name_in(code: str, locale: str) -> str:
    """The name of language `code` in `locale` ("zh" in es -> "chino"), or the code itself."""
    try:
        return Locale.parse(code).get_display_name(babel_locale(locale)) or code
    except (ValueError, UnknownLocaleError):
        return code


@dataclass(frozen=True)
class Translator:
    """Everything locale-specific the screens need: messages and formatting for one locale."""

    locale: str
    translations: NullTranslations

    @property
    def babel_locale(self) -> Locale:
        """The Babel locale, made once, reading the kept data (bot/locale_data.py)."""
        return babel_locale(self.locale)

    def gettext(self, message: str) -> str:
        """The translation of an interface string."""
        return self.translations.gettext(message)

    def pgettext(self, context: str, message: str) -> str:
        """The translation of a short string in a context (a button, a label)."""
        # Babel annotates pgettext as returning `str | object`; it returns the catalog's str.
        return self.translations.pgettext(context, message)  # type: ignore[return-value]

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The singular or plural translation for `count`."""
        return self.translations.ngettext(singular, plural, count)

    def distance(self, kilometres: float, unit: DistanceUnit) -> str:
        """A short distance like "0.4 mi" or "1,2 km", rounded to what a walker needs."""
        value = kilometres / 1.609344 if unit is DistanceUnit.MILE else kilometres
        rounded = round(value, 1) if value < 10 else round(value)
        return _distance(self.locale, rounded, unit)

    def time(self, moment: dt.datetime | dt.time) -> str:
        """A time of day in the locale's short style ("9:00 PM" or "21:00")."""
        return _time_of_day(self.locale, moment.hour, moment.minute)

    def weekday(self, day: dt.date) -> str:
        """The full name of the day of the week."""
        return _weekday(self.locale, day.weekday())

    def date(self, day: dt.date) -> str:
        """A date in the locale's medium style ("Oct 15, 2026")."""
        return _date(self.locale, day)

    def join(self, items: list[str]) -> str:
        """A list in the locale's style ("a, b and c")."""
        return _joined(self.locale, tuple(items)) if items else ""


# Asked for on every update: kept per locale, so a look-up hashes only the locale's name.
@functools.cache
def translator(locale: str) -> Translator:
    """The translator for `locale` (the source locale needs no catalog), made once."""
    return Translator(locale, _translations(locale))
