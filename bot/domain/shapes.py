"""Phone numbers and postal codes of the right shape for a region's country (a warning check).

The rules catch a digit too many or too few, not every invalid number: a phone number is
its digits (letters read as on a phone keypad, separators ignored) and passes when it is a
short code of 3 to 6 digits (emergency, helpline and text lines), a national number of the
country's lengths, or an international +code number (of the country's lengths when the code is
the country's own; any other country's number is left alone). Unknown countries are not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale

_COUNTRY_PATTERN = re.compile(r"[A-Z]{2}\Z")
_SHORT_CODE = re.compile(r"\d{3,6}")
_KEYPAD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")


@dataclass(frozen=True)
class CountryShapes:
    """How one country's phone numbers and postal codes look."""

    calling_code: str
    national: re.Pattern[str]
    international: re.Pattern[str]
    phone_example: str
    postal: re.Pattern[str]
    postal_example: str


def _shapes(
    code: str, national: str, intl: str, phone: str, postal: str, example: str
) -> CountryShapes:
    return CountryShapes(
        code, re.compile(national), re.compile(intl), phone, re.compile(postal), example
    )


_NANP = (r"1?[2-9]\d{9}", r"[2-9]\d{9}")
COUNTRIES: dict[str, CountryShapes] = {
    "US": _shapes("1", *_NANP, "510-555-0123", r"\d{5}(-\d{4})?", "94612"),
    "CA": _shapes("1", *_NANP, "416-555-0123", r"[A-Z]\d[A-Z] ?\d[A-Z]\d", "M5V 2T6"),
    "GB": _shapes(
        "44",
        r"0\d{9,10}",
        r"\d{9,10}",
        "020 7946 0123",
        r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
        "SW1A 1AA",
    ),
    "AU": _shapes("61", r"0\d{9}|1[38]00\d{6}", r"\d{9}", "02 9876 5432", r"\d{4}", "2000"),
    "PH": _shapes("63", r"0\d{9,10}|1800\d{7,8}", r"\d{9,10}", "0917 123 4567", r"\d{4}", "1000"),
    "KR": _shapes("82", r"0\d{8,10}|1[5-9]\d{6}", r"\d{8,10}", "02-123-4567", r"\d{5}", "04524"),
    "TH": _shapes("66", r"0\d{8,9}", r"\d{8,9}", "02 123 4567", r"\d{5}", "10110"),
    "VN": _shapes(
        "84", r"0\d{9,10}|1[89]00\d{4,6}", r"\d{9,10}", "024 3825 1234", r"\d{5,6}", "100000"
    ),
    "CN": _shapes(
        "86", r"1\d{10}|0\d{9,11}|[48]00\d{7}", r"\d{9,11}", "010 6512 3456", r"\d{6}", "100006"
    ),
    "TW": _shapes("886", r"0\d{8,9}", r"\d{8,9}", "02 2311 1234", r"\d{3}(\d{2,3})?", "100"),
    "MX": _shapes("52", r"\d{10}", r"1?\d{10}", "55 1234 5678", r"\d{5}", "06000"),
    "ES": _shapes("34", r"[6-9]\d{8}", r"\d{9}", "912 345 678", r"\d{5}", "28013"),
}


def phone_problem(number: str, country: str) -> str | None:
    """None when `number` has a plausible shape for `country` (or it has no rules), else why."""
    shapes = COUNTRIES.get(country)
    if shapes is None:
        return None
    written = number.replace("(0)", "")
    digits = re.sub(r"\D", "", written.upper().translate(_KEYPAD))
    if written.lstrip().startswith("+"):
        if not digits.startswith(shapes.calling_code):
            return None
        if shapes.international.fullmatch(digits[len(shapes.calling_code) :]):
            return None
    elif _SHORT_CODE.fullmatch(digits) or shapes.national.fullmatch(digits):
        return None
    return (
        f"{number!r} has {len(digits)} digits, which does not look like a {country} phone"
        f' number (like "{shapes.phone_example}", or a short line of 3 to 6 digits); check for a'
        " missing or extra digit"
    )


def postal_problem(code: str, country: str) -> str | None:
    """None when `code` looks like a postal code of `country` (or it has no rules), else why."""
    shapes = COUNTRIES.get(country)
    if shapes is None or shapes.postal.fullmatch(code.strip().upper()):
        return None
    return (
        f"{code!r} does not look like a {country} postal code (like"
        f' "{shapes.postal_example}"); check for a missing or extra character'
    )


def country_problem(value: str) -> str | None:
    """Why `value` is not an ISO 3166 two-letter country code, or None."""
    if _COUNTRY_PATTERN.match(value) and value in Locale("en").territories:
        return None
    return (
        f"{value!r} is not a two-letter country code; write one in capitals, like US, CA, GB,"
        " MX, ES, PH, KR, TH, VN, CN or TW"
    )
