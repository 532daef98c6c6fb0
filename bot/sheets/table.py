"""Reads a workbook (.xlsx) or a CSV file into plain rows of cell values, whatever saved it.

Excel, LibreOffice and Google Sheets all write .xlsx that openpyxl reads (read-only, cached
values, dates as datetimes). CSV comes in UTF-8 with or without the byte-order mark Excel adds
("CSV UTF-8"), comma- or semicolon-separated, with CRLF or LF line ends.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None
MAX_FILE_BYTES = 20 * 1024 * 1024
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SAVE_AS_UTF8 = (
    "save it as UTF-8: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'; in"
    " LibreOffice, Save As > Text CSV with 'Edit filter settings' and Unicode (UTF-8); Google"
    " Sheets always downloads UTF-8"
)


class SheetError(Exception):
    """A file that cannot be read as a spreadsheet; the message says how to fix it."""


@dataclass(frozen=True)
class Sheet:
    """One sheet's rows (1-based row numbers) and its merged ranges, named for references."""

    name: str
    rows: tuple[tuple[int, tuple[CellValue, ...]], ...]
    merged: tuple[str, ...] = ()
    from_csv: bool = False

    def ref(self, column: int, row: int) -> str:
        """A cell reference like `Listings!B7` (`column` counts from 0)."""
        return f"{self.name}!{get_column_letter(column + 1)}{row}"


def read_sheets(path: Path) -> dict[str, Sheet]:
    """Every sheet of an .xlsx workbook, or the one sheet of a CSV file, by name."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise SheetError(f"cannot read the file ({error.strerror})") from error
    if size > MAX_FILE_BYTES:
        raise SheetError(f"larger than {MAX_FILE_BYTES // 2**20} MiB; split it")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheet = read_csv(path.name, path.read_bytes())
        return {sheet.name: sheet}
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    raise SheetError(
        "use an .xlsx workbook or a .csv file (in Excel or LibreOffice, File > Save As; in"
        " Google Sheets, File > Download)"
    )


def read_csv(name: str, data: bytes) -> Sheet:
    """A CSV file's rows; a file that is not UTF-8 is refused with how to save it as UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SheetError(f"not UTF-8 text; {_SAVE_AS_UTF8}") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, tuple[CellValue, ...]]] = []
    try:
        for values in reader:
            # Numbered as a spreadsheet shows them: one record is one row, even when a quoted
            # cell holds line breaks.
            rows.append((len(rows) + 1, tuple(values)))
    except csv.Error as error:
        raise SheetError(
            f"line {reader.line_num}: {error}; check the quotes in that row"
        ) from error
    return Sheet(name, tuple(rows), from_csv=True)


def read_xlsx(path: Path) -> dict[str, Sheet]:
    """Every sheet of a workbook, with cached formula results and real dates."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SheetError(
            f"not an .xlsx workbook this tool can read ({error}); save it again as"
            " Excel Workbook (.xlsx)"
        ) from error
    merged = _merged_ranges(path)
    try:
        sheets = {}
        for worksheet in book.worksheets:
            # Some writers record a wrong used range; reading every row as stored loses nothing.
            worksheet.reset_dimensions()
            rows = tuple(
                (number, tuple(_plain(value) for value in values))
                for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
            )
            title = worksheet.title
            sheets[title] = Sheet(title, rows, merged.get(title, ()))
        return sheets
    finally:
        book.close()


def _plain(value: object) -> CellValue:
    """A cell value as one of the plain types (rich text as its text, decimals as floats)."""
    if value is None or isinstance(
        value, str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta
    ):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _merged_ranges(path: Path) -> dict[str, tuple[str, ...]]:
    """Merged ranges by sheet title, read from the workbook's XML (read-only mode skips them).
    A workbook laid out unusually yields none rather than an error."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG}Relationship")}
            merged = {}
            for sheet in book.iter(f"{_MAIN}sheet"):
                target = targets.get(sheet.get(f"{_REL}id"), "")
                member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                with archive.open(member) as source:
                    refs = tuple(
                        element.get("ref", "")
                        for _event, element in ElementTree.iterparse(source)
                        if element.tag == f"{_MAIN}mergeCell"
                    )
                merged[sheet.get("name", "")] = refs
            return merged
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
