"""One cell read as its column expects: text, a value from a drop-down list, a date, a number,
a phone number or postal code that must stay text; every mistake spreadsheets make is caught."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from dataclasses import dataclass

from bot.sheets.columns import Column, Kind
from bot.sheets.table import CellValue

Parsed = str | float | dt.date | tuple[str, ...]
# Excel counts days from 1899-12-30; serials in this range are dates from 1900 to 9999.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIALS = range(1, 2958466)
_LOST_FORMAT = re.compile(r"\+?\d+\.0+\Z|\d(\.\d+)?[eE]\+?\d+\Z")
_DECIMAL_COMMA = re.compile(r"-?\d+,\d+\Z")
_CHECKBOX = {"true": "yes", "false": "no"}
_AS_TEXT = "format the column as Text (Format > Number > Plain text) and type it again"


class CellError(ValueError):
    """A cell that cannot be used; the message says what is wrong and how to fix it."""


@dataclass(frozen=True)
class Finding:
    """One problem of an import, at a cell (`Listings!B7`) or a file or option."""

    where: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {'warning: ' if self.warning else ''}{self.message}"


def is_empty(value: CellValue) -> bool:
    """Whether a cell holds nothing (or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def raw_text(value: CellValue) -> str:
    """A cell's value as the text a person sees in it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return "" if value is None else str(value)


def read_cell(column: Column, value: CellValue, choices: tuple[str, ...]) -> Parsed | None:
    """The cell's value for its column (None when empty), or CellError."""
    if is_empty(value):
        return None
    match column.kind:
        case Kind.CHOICE:
            return _choice(value, choices, column.choices)
        case Kind.DATE:
            return _date(value)
        case Kind.NUMBER:
            return _number(value)
        case Kind.PHONE:
            return _phone(value)
        case Kind.POSTAL:
            return _postal(value)
        case Kind.WORDS:
            return tuple(w.strip() for w in re.split(r"[,;]", _text(value)) if w.strip())
        case Kind.LINES:
            return tuple(line.strip() for line in _text(value).split("\n") if line.strip())
    return _text(value)


def _text(value: CellValue) -> str:
    if isinstance(value, bool):
        raise CellError(f"the spreadsheet read this as {str(value).upper()}; {_AS_TEXT}")
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise CellError(f"the spreadsheet turned this into a date or time ({value}); {_AS_TEXT}")
    text = raw_text(value).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").strip()
    for char in text:
        if char not in "\n\t" and unicodedata.category(char) in ("Cc", "Cs", "Co"):
            raise CellError(
                f"contains an invisible control character (U+{ord(char):04X}); retype the"
                " text without it"
            )
    return text


def _choice(value: CellValue, choices: tuple[str, ...], list_name: str) -> str:
    if isinstance(value, bool) and "yes" in choices:
        return "yes" if value else "no"
    word = _text(value).lower()
    if word in _CHECKBOX and "yes" in choices:  # a checkbox column saved as CSV
        return _CHECKBOX[word]
    if word in choices:
        return word
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    hint = f' (did you mean "{match[0]}"?)' if match else ""
    where = "; add it to the Neighbourhoods sheet first" if list_name == "neighbourhoods" else ""
    allowed = ", ".join(choices) if choices else "(the list is empty)"
    raise CellError(
        f"{raw_text(value)!r} is not in the drop-down list{hint}; use one of: {allowed}{where}"
    )


def _date(value: CellValue) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = int(value) if float(value).is_integer() else 0
        if serial in _SERIALS:
            as_date = (_EXCEL_EPOCH + dt.timedelta(days=serial)).isoformat()
            raise CellError(
                f"{raw_text(value)} is a number, not a date (as a date it would be {as_date});"
                f" format the cell as a date, or type the date as {as_date}"
            )
        raise CellError(f"{raw_text(value)} is a number, not a date; type it like 2026-10-15")
    text = _text(value)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CellError(
            f"{text!r} is not a date this tool can read for sure; type it as year-month-day,"
            " like 2026-10-15, or format the cell as a date"
        ) from None


def _number(value: CellValue) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = _text(value)
        if _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"{text!r} is not a number; write one like 37.8052") from None
    if not math.isfinite(number):
        raise CellError(f"{raw_text(value)!r} is not a number; write one like 37.8052")
    return number


def _phone(value: CellValue) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = raw_text(value)
    else:
        text = _text(value)
        if not _LOST_FORMAT.match(text):
            return text
    digits = text.split(".")[0]
    raise CellError(
        f"{text} was stored as a number (a leading zero would be lost, and it can turn into"
        f" {digits}.0); {_AS_TEXT} with dashes, like 510-555-0123"
    )


def _postal(value: CellValue) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = raw_text(value)
        if not digits.isdigit() or len(digits) < 5:
            raise CellError(
                f"{digits} was stored as a number and may have lost a leading zero; {_AS_TEXT}"
            )
        return digits
    return _text(value)
