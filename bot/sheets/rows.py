"""Sheet rows into YAML trees: headers matched to columns, each cell read and traced to its
reference, every mistake recorded as a finding at its cell."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bot.sheets.cells import CellError, Finding, Parsed, is_empty, raw_text, read_cell
from bot.sheets.columns import NOTES_MARK, Layout
from bot.sheets.region_writer import Traced, YamlValue
from bot.sheets.table import CellValue, Sheet

# Texts with one column per language (`name.es`, `phones.1.description.es`).
_TEXT_STEM = re.compile(
    r"(name|organization|description|fees_description|eligibility_description"
    r"|required_documents|phones\.\d+\.description)\Z"
)
# More numbered columns than this (needs.21) are refused, so a header cannot blow up the layout.
MAX_SLOTS = 20
_NUMBERED = re.compile(r"(needs|phones)\.([0-9]{1,4})(?:\.|\Z)")


@dataclass
class Findings:
    """Findings of one import, and the cells already blamed (the validator's repeats are
    dropped)."""

    items: list[Finding] = field(default_factory=list)
    bad_cells: set[str] = field(default_factory=set)
    # The column header of each cell read, to name it in the validator's messages.
    headers: dict[str, str] = field(default_factory=dict)

    def error(self, where: str, message: str) -> None:
        """Record an error at a cell, a file or an option."""
        self.items.append(Finding(where, message))
        self.bad_cells.add(where)

    def warning(self, where: str, message: str) -> None:
        """Record something the import could live with."""
        self.items.append(Finding(where, message, warning=True))

    @property
    def errors(self) -> list[Finding]:
        """The findings that stop the import."""
        return [f for f in self.items if not f.warning]


def numbered_slots(sheet: Sheet) -> tuple[int, int]:
    """How many needs.N and phones.N columns the header row has (at most MAX_SLOTS)."""
    header = _header_row(sheet)
    found = {"needs": 0, "phones": 0}
    for value in header[1] if header else ():
        match = _NUMBERED.match(raw_text(value).strip())
        if match:
            found[match[1]] = max(found[match[1]], min(int(match[2]), MAX_SLOTS))
    return found["needs"], found["phones"]


def _header_row(sheet: Sheet) -> tuple[int, tuple[CellValue, ...]] | None:
    return next(((n, v) for n, v in sheet.rows if not all(map(is_empty, v))), None)


class SheetRows:
    """One sheet read against its layout: the column of each header, then its data rows."""

    def __init__(self, sheet: Sheet, layout: Layout, findings: Findings) -> None:
        self.sheet = sheet
        self.layout = layout
        self.findings = findings
        self.columns: dict[str, int] = {}
        for merged in sheet.merged:
            findings.error(
                f"{sheet.name}!{merged.split(':')[0]}",
                f"cells {merged} are merged; unmerge them and put a value in each cell"
                " (the import reads one value per cell)",
            )
        header = _header_row(sheet)
        self.header_row = header[0] if header else 0
        self.width = len(header[1]) if header else 0
        self._match_headers(header[1] if header else ())

    def _match_headers(self, header: tuple[CellValue, ...]) -> None:
        known = self.layout.by_header
        folded = {name.lower(): name for name in known}
        for index, value in enumerate(header):
            text = raw_text(value).strip()
            where = self.sheet.ref(index, self.header_row)
            name = folded.get(text.lower())
            if name is None:
                self._unknown_header(text, index, where)
            elif name in self.columns:
                first = self.sheet.ref(self.columns[name], self.header_row)
                self.findings.error(
                    where, f"column {name!r} appears twice (also {first}); keep one"
                )
            else:
                self.columns[name] = index
        for column in self.layout.columns:
            if column.required and column.header not in self.columns:
                self.findings.error(
                    f"{self.sheet.name}!A{max(self.header_row, 1)}",
                    f"missing required column {column.header!r}; add a column with this header"
                    " (a new template has it: python -m bot sheet-template)",
                )

    def _unknown_header(self, text: str, index: int, where: str) -> None:
        if not text:
            if any(not is_empty(cell) for cell in self._column_cells(index)):
                self.findings.warning(where, "this column has no header; it was ignored")
            return
        known = list(self.layout.by_header)
        stem, _, locale = text.rpartition(".")
        languages = sorted({h.rpartition(".")[2] for h in known if h.startswith(f"{stem}.")})
        match = difflib.get_close_matches(text, known, n=1, cutoff=0.8)
        if _TEXT_STEM.match(stem) and locale not in languages:
            self.findings.error(
                where,
                f"unknown column {text!r}: {locale!r} is not one of {', '.join(languages)}"
                " (the languages in settings.yaml); rename or remove the column",
            )
        elif match:
            self.findings.error(
                where, f'unknown column {text!r} (did you mean "{match[0]}"?); rename it'
            )
        else:
            self.findings.warning(
                where, f"column {text!r} is not part of the format; it was ignored"
            )

    def _column_cells(self, index: int) -> Iterator[CellValue]:
        for number, values in self.sheet.rows:
            if number > self.header_row and index < len(values):
                yield values[index]

    def rows(self) -> Iterator[Row]:
        """The data rows: empty rows and the notes row are skipped."""
        for number, values in self.sheet.rows:
            if number <= self.header_row or all(map(is_empty, values)):
                continue
            if any(isinstance(v, str) and v.startswith(NOTES_MARK) for v in values):
                continue
            self._check_overflow(number, values)
            yield Row(self, number, values)

    def _check_overflow(self, number: int, values: tuple[CellValue, ...]) -> None:
        """Values right of the last header: in a CSV file, usually a comma or semicolon inside
        a text without quotes, which shifted the row; in a workbook, a note to the side."""
        extra = [i for i in range(self.width, len(values)) if not is_empty(values[i])]
        if not extra:
            return
        where = self.sheet.ref(extra[0], number)
        if self.sheet.from_csv:
            self.findings.error(
                where,
                "this row has more values than there are columns: put a text that contains"
                " a comma or semicolon in double quotes (or save the file again from the"
                " spreadsheet)",
            )
        else:
            self.findings.warning(where, "a value right of the last column; it was ignored")


class Row:
    """One data row; each read value is traced to its cell."""

    def __init__(self, owner: SheetRows, number: int, values: tuple[CellValue, ...]) -> None:
        self.owner = owner
        self.number = number
        self.values = values
        # Each cell is read (and its mistakes reported) once, however often it is asked for.
        self._read: dict[str, Traced | None] = {}

    @property
    def bad_cells(self) -> set[str]:
        """The cells already reported as wrong."""
        return self.owner.findings.bad_cells

    def ref(self, header: str) -> str:
        """The cell of `header` in this row (the first cell when the column is absent)."""
        return self.owner.sheet.ref(self.owner.columns.get(header, 0), self.number)

    def cell(self, header: str) -> Traced | None:
        """The value of a column, traced to its cell; None when empty. A cell that cannot be
        read is reported and kept as its raw text, so the structure stays whole."""
        if header not in self._read:
            self._read[header] = self._read_cell(header)
        return self._read[header]

    def _read_cell(self, header: str) -> Traced | None:
        column = self.owner.layout.by_header[header]
        index = self.owner.columns.get(header)
        value = self.values[index] if index is not None and index < len(self.values) else None
        where = self.ref(header)
        if index is not None:
            self.owner.findings.headers[where] = header
        try:
            parsed: Parsed | None = read_cell(
                column, value, self.owner.layout.lists.get(column.choices, ())
            )
        except CellError as error:
            self.owner.findings.error(where, f"{header}: {error}")
            return Traced(raw_text(value), where)
        if parsed is None:
            if column.required and index is not None:
                self.owner.findings.error(where, f"{header}: empty; every row needs it")
                return Traced("", where)
            return None
        return Traced(_yaml_value(parsed), where)

    def required(self, header: str, why: str) -> Traced:
        """The value of a column that must be filled here; empty is reported at its cell and
        kept as empty text, so the validator's own complaint lands on the same cell."""
        cell = self.cell(header)
        if cell is None:
            where = self.ref(header)
            if where in self.bad_cells:  # asked for twice
                return Traced("", where)
            self.owner.findings.error(where, f"{header}: empty; {why}")
            return Traced("", where)
        return cell

    def localized(self, name: str, locales: tuple[str, ...], default: str) -> Traced | None:
        """A text in several language columns: plain when only the default one is filled."""
        texts = {loc: self.cell(f"{name}.{loc}") for loc in locales}
        present = {loc: text for loc, text in texts.items() if text is not None}
        if not present:
            return None
        if list(present) == [default]:
            return present[default]
        return Traced(dict(present), self.ref(f"{name}.{default}"))

    def some(self, headers: tuple[str, ...], build: Callable[[], YamlValue]) -> YamlValue | None:
        """`build()` when any of `headers` has a value, else None."""
        if any(self.cell_is_filled(h) for h in headers):
            return build()
        return None

    def cell_is_filled(self, header: str) -> bool:
        """Whether the column exists and its cell in this row is not empty."""
        index = self.owner.columns.get(header)
        return index is not None and index < len(self.values) and not is_empty(self.values[index])


def _yaml_value(parsed: Parsed) -> YamlValue:
    return list(parsed) if isinstance(parsed, tuple) else parsed
