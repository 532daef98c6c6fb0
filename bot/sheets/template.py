"""`sheet-template`: the workbook an admin fills in, optionally prefilled with a region's listings.

Sheets: Listings (one row per listing), Neighbourhoods, and a hidden Lists sheet the drop-downs
read from. Each sheet has a frozen header row and, under it, a notes row saying what each column
holds, what is allowed and an example; the import skips that row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.models import Content, LocalizedText, Neighbourhood, Region, Resource
from bot.sheets.columns import (
    ACCESS_FACTS,
    DETAIL_TEXT_FIELDS,
    LISTINGS,
    LISTS,
    LOCATION_FIELDS,
    NEED_SLOTS,
    NEIGHBOURHOODS,
    NOTES_MARK,
    PHONE_SLOTS,
    TEXT_FIELDS,
    Kind,
    Layout,
    listing_layout,
    neighbourhood_layout,
)
from bot.sheets.table import CellValue

FIRST_DATA_ROW = 3
EMPTY_ROWS = 300  # rows below the prefilled ones that get drop-downs, ready to fill
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_NOTES_FILL = PatternFill("solid", fgColor="F3F3F3")
_DATE_FORMAT = "yyyy-mm-dd"
_TEXT_FORMAT = "@"


def build_template(content: Content, region_id: str | None) -> tuple[Workbook, list[str]]:
    """The workbook, prefilled with `region_id`'s listings when given, and warnings about
    anything of those listings a sheet cannot hold."""
    region = content.regions.get(region_id or "")
    default = region.default_locale if region else content.default_locale
    resources = content.resources_in(region.id) if region else ()
    hoods = [h for h in content.neighbourhoods.values() if region and h.region_id == region.id]
    layout = listing_layout(
        content.locales,
        default,
        tuple(content.needs),
        tuple(h.id for h in hoods),
        need_slots=max((NEED_SLOTS, *(len(r.needs) for r in resources))),
        phone_slots=max((PHONE_SLOTS, *(len(r.phones) for r in resources))),
    )
    book = Workbook()
    listings = book.active
    assert listings is not None  # a new workbook always has one sheet
    listings.title = LISTINGS
    hood_sheet = book.create_sheet(NEIGHBOURHOODS)
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    # Neighbourhoods come from their own sheet, so ones an admin adds there can be picked.
    ranges = _fill_lists(lists, {k: v for k, v in layout.lists.items() if k != "neighbourhoods"})
    ranges["neighbourhoods"] = f"{NEIGHBOURHOODS}!$A${FIRST_DATA_ROW}:$A$1000"
    warnings: list[str] = []
    rows = [listing_cells(r, region, content.locales, warnings) for r in resources]
    _fill_sheet(listings, layout, rows, ranges)
    hood_layout = neighbourhood_layout(content.locales, default)
    _fill_sheet(hood_sheet, hood_layout, [neighbourhood_cells(h) for h in hoods], ranges)
    return book, warnings


def _fill_lists(sheet: Worksheet, lists: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """One column per closed list; returns the range of each for the drop-downs."""
    ranges = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(1, index, name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row, index, value)
        ranges[name] = f"{LISTS}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    return ranges


def _fill_sheet(
    sheet: Worksheet,
    layout: Layout,
    rows: list[dict[str, CellValue]],
    ranges: Mapping[str, str],
) -> None:
    """Header, notes row, data rows, widths, formats and drop-downs of one sheet."""
    last_row = FIRST_DATA_ROW + len(rows) + EMPTY_ROWS
    for index, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(1, index, column.header)
        header.font, header.fill = Font(bold=True), _HEADER_FILL
        note = ("Required. " if column.required else "") + column.note
        notes = sheet.cell(2, index, f"{NOTES_MARK}. {note}" if index == 1 else note)
        notes.font, notes.fill = Font(italic=True, size=9), _NOTES_FILL
        notes.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = column.width
        number_format = _number_format(column.kind)
        for row_number, cells in enumerate(rows, start=FIRST_DATA_ROW):
            cell = sheet.cell(row_number, index, cells.get(column.header) or None)
            if number_format:
                cell.number_format = number_format
        for row_number in range(FIRST_DATA_ROW + len(rows), last_row + 1):
            if number_format:
                sheet.cell(row_number, index).number_format = number_format
        cells_range = f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}"
        # Formulas are stored without the leading = Excel shows, as Excel itself writes them.
        if column.choices and column.choices in ranges:
            _drop_down(sheet, ranges[column.choices], cells_range)
        elif column.kind is Kind.DATE:
            _date_check(sheet, cells_range)
    sheet.row_dimensions[2].height = 90
    sheet.freeze_panes = f"B{FIRST_DATA_ROW}"


def _number_format(kind: Kind) -> str:
    if kind is Kind.DATE:
        return _DATE_FORMAT
    if kind in (Kind.PHONE, Kind.POSTAL):
        return _TEXT_FORMAT
    return ""


def _drop_down(sheet: Worksheet, formula: str, cells: str) -> None:
    check = DataValidation(type="list", formula1=formula, allow_blank=True)
    check.error = "Pick a value from the drop-down list (see the notes row)."
    check.errorTitle = "Not in the list"
    check.showErrorMessage = True
    sheet.add_data_validation(check)
    check.add(cells)


def _date_check(sheet: Worksheet, cells: str) -> None:
    check = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)")
    check.allow_blank = True
    check.error = "Type a date, like 2026-10-15."
    check.errorTitle = "Not a date"
    check.showErrorMessage = True
    sheet.add_data_validation(check)
    check.add(cells)


def _text_cells(name: str, text: LocalizedText | None) -> dict[str, CellValue]:
    if text is None:
        return {}
    if text.same_in_every_locale:
        return {f"{name}.{text.default_locale}": text.values[text.default_locale]}
    return {f"{name}.{loc}": value for loc, value in text.values.items()}


def listing_cells(
    resource: Resource, region: Region | None, locales: Iterable[str], warnings: list[str]
) -> dict[str, CellValue]:
    """One listing as the cells of its row."""
    cells: dict[str, CellValue] = {"id": resource.id, "neighbourhood": resource.neighbourhood_id}
    for name in (*TEXT_FIELDS, *DETAIL_TEXT_FIELDS):
        cells.update(_text_cells(name, getattr(resource, name)))
    cells.update({f"needs.{i}": need for i, need in enumerate(resource.needs, start=1)})
    cells.update(_location_cells(resource, warnings))
    for i, phone in enumerate(resource.phones, start=1):
        cells[f"phones.{i}.number"] = phone.number
        cells.update(_text_cells(f"phones.{i}.description", phone.description))
    cells.update({"url": resource.url, "email": resource.email})
    cells["languages"] = ", ".join(resource.languages)
    if resource.hours is not None:
        cells["opening_hours"] = resource.hours.expression
        if region is None or resource.hours.zone.key != region.timezone:
            cells["timezone"] = resource.hours.zone.key
    cells.update(_document_cells(resource, locales, warnings))
    cells.update({f"access.{f}": getattr(resource.access, f).value for f in ACCESS_FACTS})
    cells.update({f"community.{mark.value}": "yes" for mark in resource.community})
    if resource.confidential_address:
        cells["confidential_address"] = "yes"
    if resource.verified is not None:
        cells["verified.date"] = resource.verified.date
        cells["verified.method"] = resource.verified.method.value
    return cells


def _location_cells(resource: Resource, warnings: list[str]) -> dict[str, CellValue]:
    if not resource.locations:
        return {}
    if len(resource.locations) > 1:
        warnings.append(
            f"{resource.id}: has {len(resource.locations)} locations; the sheet holds one,"
            " so only the first is in the sheet"
        )
    location = resource.locations[0]
    cells: dict[str, CellValue] = {f: getattr(location.address, f) for f in LOCATION_FIELDS}
    cells.update({"latitude": location.point.latitude, "longitude": location.point.longitude})
    return cells


def _document_cells(
    resource: Resource, locales: Iterable[str], warnings: list[str]
) -> dict[str, CellValue]:
    cells: dict[str, CellValue] = {}
    for loc in locales:
        has = [loc in doc.values for doc in resource.required_documents]
        if True in has and False in has[: len(has) - has[::-1].index(True)]:
            warnings.append(
                f"{resource.id}: a required document has no {loc!r} text but a later one has;"
                f" check the required_documents.{loc} lines line up with the default language"
            )
        lines = [doc.values[loc] for doc in resource.required_documents if loc in doc.values]
        if lines:
            cells[f"required_documents.{loc}"] = "\n".join(lines)
    return cells


def neighbourhood_cells(hood: Neighbourhood) -> dict[str, CellValue]:
    """One neighbourhood as the cells of its row."""
    cells = _text_cells("name", hood.name)
    cells.update(
        {
            "id": hood.id,
            "aliases": ", ".join(hood.aliases),
            "latitude": hood.center.latitude,
            "longitude": hood.center.longitude,
        }
    )
    return cells
