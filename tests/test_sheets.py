"""Listings in a spreadsheet: the template, and its import with every mistake at its cell."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.domain.loader import load_content
from bot.domain.models import Content, Resource
from bot.sheets.columns import NOTES_MARK
from bot.sheets.importer import ImportRequest, ImportResult, import_sheet
from bot.sheets.region_writer import Traced, scalar, write_yaml
from bot.sheets.template import build_template

from .conftest import CONTENT, MINIMAL

HEADER = ["id", "name.en", "description.en", "needs.1", "neighbourhood"]
GOOD_ROW = ["corner-clinic", "Corner Clinic", "Free checkups.", "condoms", "centre"]


def minimal_content() -> Content:
    content = load_content(MINIMAL).content
    assert content is not None
    return content


def run(source: Path, region: str = "testville", content_dir: Path = MINIMAL) -> ImportResult:
    return import_sheet(ImportRequest(source, region, content_dir))


def messages(result: ImportResult) -> list[str]:
    return [str(finding) for finding in result.findings]


def at(result: ImportResult, cell: str) -> list[str]:
    """The findings at one cell."""
    return [str(f) for f in result.findings if f.where == cell]


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    line_end: str = "\n",
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


class Template:
    """The minimal content's blank template, with cells set by header name."""

    def __init__(self) -> None:
        self.book, _warnings = build_template(minimal_content(), None)
        self.sheet = self.book["Listings"]
        self.columns = {c.value: c.column for c in self.sheet[1]}

    def set(self, row: int, header: str, value: object) -> str:
        cell = self.sheet.cell(row, self.columns[header])
        cell.value = value  # type: ignore[assignment]
        return f"Listings!{cell.coordinate}"

    def row(self, row: int, **values: object) -> None:
        for header, value in zip(HEADER, GOOD_ROW, strict=True):
            self.set(row, header, value)
        for header, value in values.items():
            self.set(row, header.replace("__", "."), value)

    def save(self, path: Path) -> Path:
        self.book.save(path)
        return path


# ------------------------------------------------------------------ the template


def test_template_has_drop_downs_notes_and_frozen_header(tmp_path: Path) -> None:
    path = tmp_path / "listings.xlsx"
    assert (
        main(
            ["sheet-template", "--content", str(MINIMAL), "--region", "testville", "-o", str(path)]
        )
        == 0
    )
    book = openpyxl.load_workbook(path)
    sheet = book["Listings"]
    headers = [c.value for c in sheet[1]]
    for header in (
        "id",
        "name.en",
        "name.es",
        "description.es",
        "needs.1",
        "neighbourhood",
        "phones.1.number",
        "access.requires_id",
        "community.peer_run",
        "confidential_address",
        "verified.date",
        "verified.method",
    ):
        assert header in headers
    assert str(sheet["A2"].value).startswith(NOTES_MARK)
    assert all(c.value for c in sheet[2]), "every column has a note"
    assert sheet.freeze_panes == "B3"
    assert book["Lists"].sheet_state == "hidden"
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert "Neighbourhoods!$A$3:$A$1000" in formulas
    lists = book["Lists"]
    list_columns = {c.value: c.column_letter for c in lists[1]}
    assert f"Lists!${list_columns['needs']}$2:${list_columns['needs']}$4" in formulas
    assert any(v.type == "date" for v in sheet.data_validations.dataValidation)
    ids = [sheet.cell(r, 1).value for r in range(3, 6)]
    assert ids == ["night-drop-in", "east-legal", "hidden-shelter"]
    assert [c.value for c in book["Neighbourhoods"]["A"][2:4]] == ["centre", "east"]


def _comparable(resource: Resource) -> tuple[object, ...]:
    hours = resource.hours
    return (
        resource.id,
        resource.name,
        resource.description,
        resource.needs,
        resource.neighbourhood_id,
        resource.access,
        resource.organization,
        resource.locations,
        resource.phones,
        resource.url,
        resource.email,
        resource.languages,
        (hours.expression, hours.zone.key) if hours else None,
        resource.fees_description,
        resource.eligibility_description,
        resource.required_documents,
        resource.community,
        resource.confidential_address,
        resource.verified,
        resource.sample,
    )


def test_prefilled_template_of_the_sample_region_imports_back_to_the_same_listings(
    tmp_path: Path,
) -> None:
    before = load_content(CONTENT).content
    assert before is not None
    book, warnings = build_template(before, "oakland")
    assert warnings == []
    book.save(tmp_path / "oakland.xlsx")
    result = run(tmp_path / "oakland.xlsx", "oakland", CONTENT)
    assert result.written is not None, messages(result)
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    (folder / "regions" / "oakland.yaml").write_text(result.written.text, encoding="utf-8")
    after = load_content(folder).content
    assert after is not None
    assert [_comparable(r) for r in after.resources_in("oakland")] == [
        _comparable(r) for r in before.resources_in("oakland")
    ]
    assert after.regions == before.regions
    assert after.neighbourhoods == before.neighbourhoods


# ------------------------------------------------------------------ mistakes, each at its cell


def test_a_good_row_imports_and_validates(tmp_path: Path) -> None:
    book = Template()
    book.row(
        3,
        verified__date=dt.datetime(2026, 10, 1),
        verified__method="phone",
        phones__1__number="510-555-0100",
        access__requires_id="No",
    )
    result = run(book.save(tmp_path / "l.xlsx"))
    assert result.written is not None, messages(result)
    data = yaml.safe_load(result.written.text)
    listing = data["resources"][0]
    assert listing["verified"] == {"date": dt.date(2026, 10, 1), "method": "phone"}
    assert listing["access"] == {"requires_id": "no"}
    assert listing["phones"] == [{"number": "510-555-0100"}]
    assert [h["id"] for h in data["neighbourhoods"]] == ["centre", "east"]


def test_wrong_drop_down_value_is_reported_at_its_cell(tmp_path: Path) -> None:
    book = Template()
    book.row(3)
    cell = book.set(3, "access.shares_info_with_police", "nevr")
    result = run(book.save(tmp_path / "l.xlsx"))
    assert result.written is None
    assert at(result, cell) == [
        f"{cell}: access.shares_info_with_police: 'nevr' is not in the drop-down list (did you"
        ' mean "never"?); use one of: never, with_consent, when_required_by_law, routinely,'
        " unknown"
    ]


def test_date_typed_as_a_number_or_as_loose_text(tmp_path: Path) -> None:
    book = Template()
    book.row(3)
    number = book.set(3, "verified.date", 46000)
    book.sheet[number.split("!")[1]].number_format = "General"  # typed without a date format
    book.set(3, "verified.method", "visit")
    book.row(4, id="second")
    text = book.set(4, "verified.date", "10/15/2026")
    result = run(book.save(tmp_path / "l.xlsx"))
    assert result.written is None
    assert "is a number, not a date (as a date it would be 2025-12-09)" in at(result, number)[0]
    assert "'10/15/2026' is not a date" in at(result, text)[0]


def test_phone_that_became_a_number_is_reported(tmp_path: Path) -> None:
    book = Template()
    book.row(3)
    cell = book.set(3, "phones.1.number", 5105550123)
    result = run(book.save(tmp_path / "l.xlsx"))
    assert result.written is None
    assert "5105550123 was stored as a number (a leading zero would be lost" in at(result, cell)[0]
    csv_file = write_csv(
        tmp_path / "l.csv", [[*HEADER, "phones.1.number"], [*GOOD_ROW, "5105550123.0"]]
    )
    assert "5105550123.0 was stored as a number" in at(run(csv_file), "l.csv!F2")[0]


def test_merged_cells_are_reported(tmp_path: Path) -> None:
    book = Template()
    book.row(3)
    book.sheet.merge_cells("B3:C3")
    result = run(book.save(tmp_path / "l.xlsx"))
    assert result.written is None
    assert at(result, "Listings!B3")[0].startswith("Listings!B3: cells B3:C3 are merged")


def test_empty_rows_are_skipped_silently(tmp_path: Path) -> None:
    book = Template()
    book.row(5)
    book.row(9, id="another")
    book.set(7, "name.es", "   ")
    result = run(book.save(tmp_path / "l.xlsx"))
    assert result.written is not None, messages(result)
    assert result.listings == 2
    assert not [f for f in result.findings if not f.warning]
    assert {f.where[-1] for f in result.findings} == {"5", "9"}  # warnings: no access facts


def test_extra_columns_are_ignored_with_a_warning_and_misspelt_ones_refused(
    tmp_path: Path,
) -> None:
    rows = [[*HEADER, "internal notes", ""], [*GOOD_ROW, "call Tuesday", "stray"]]
    result = run(write_csv(tmp_path / "l.csv", rows))
    assert result.written is not None, messages(result)
    assert messages(result)[:2] == [
        "l.csv!F1: warning: column 'internal notes' is not part of the format; it was ignored",
        "l.csv!G1: warning: this column has no header; it was ignored",
    ]
    rows = [[*HEADER, "adress_1", "name.de"], [*GOOD_ROW, "1 Main St", "Eckklinik"]]
    result = run(write_csv(tmp_path / "l.csv", rows))
    assert result.written is None
    assert at(result, "l.csv!F1") == [
        """l.csv!F1: unknown column 'adress_1' (did you mean "address_1"?); rename it"""
    ]
    assert "'de' is not one of en, es" in at(result, "l.csv!G1")[0]


def test_missing_required_column_is_reported(tmp_path: Path) -> None:
    rows = [HEADER[:-1], GOOD_ROW[:-1]]
    result = run(write_csv(tmp_path / "l.csv", rows))
    assert result.written is None
    assert "l.csv!A1: missing required column 'neighbourhood'" in messages(result)[0]


def test_validator_problems_come_back_at_their_cells(tmp_path: Path) -> None:
    book = Template()
    book.row(3)
    hours = book.set(3, "opening_hours", "Mo-Fr 9-5pm")
    url = book.set(3, "url", "example.org")
    book.row(4, id="hidden", confidential_address="yes")
    address = book.set(4, "address_1", "1 Secret St")
    for header, value in (("city", "Testville"), ("latitude", 37.8), ("longitude", -122.2)):
        book.set(4, header, value)
    book.row(5, id="twice")
    book.row(6, id="twice")
    result = run(book.save(tmp_path / "l.xlsx"))
    assert result.written is None
    assert "opening_hours: 'Mo-Fr 9-5pm' is not valid opening hours" in at(result, hours)[0]
    assert at(result, url) == [
        f"{url}: url: 'example.org' is not a web address; start it with https://"
    ]
    assert "confidential_address: true" in at(result, address)[0]
    assert "delete the whole locations block" in at(result, address)[0]
    assert "duplicate id 'twice'" in at(result, "Listings!A6")[0]


def test_empty_required_cell_and_missing_translation(tmp_path: Path) -> None:
    book = Template()
    book.row(3, description__en=None)
    book.row(4, id="other", needs__1=None)
    result = run(book.save(tmp_path / "l.xlsx"))
    assert result.written is None
    assert at(result, "Listings!" + book.set(3, "description.en", None).split("!")[1]) == [
        f"Listings!{book.sheet.cell(3, book.columns['description.en']).coordinate}:"
        " description.en: empty; every row needs it"
    ]
    assert any("needs.1: empty" in m for m in messages(result))
    book = Template()
    book.row(3)
    result = run(book.save(tmp_path / "l.xlsx"))
    warnings = [m for m in messages(result) if "translation missing" in m]
    cell = f"Listings!{book.sheet.cell(3, book.columns['description.en']).coordinate}"
    assert warnings and f"({cell})" in warnings[0]


def test_new_region_needs_name_timezone_and_neighbourhoods(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "l.csv", [HEADER, GOOD_ROW])
    result = run(source, region="newtown")
    assert result.written is None
    wheres = {f.where for f in result.findings if not f.warning}
    assert {"--name", "--timezone", str(source)} <= wheres
    book = Template()
    book.row(3)
    hoods = book.book["Neighbourhoods"]
    for column, value in enumerate(["centre", "Centre", "Centro", "middle", 37.8, -122.2], 1):
        hoods.cell(3, column, value)
    request = ImportRequest(
        book.save(tmp_path / "l.xlsx"), "newtown", MINIMAL, "Newtown", "America/Los_Angeles"
    )
    result = import_sheet(request)
    said = " ".join(messages(result))
    assert "ids are unique across all regions" in said and "'centre'" in said
    hoods.cell(3, 1, "middle")
    book.set(3, "neighbourhood", "middle")
    book.save(request.source)
    result = import_sheet(request)
    assert result.written is not None, messages(result)


# ------------------------------------------------------------------ CSV from any spreadsheet


@pytest.mark.parametrize(
    ("delimiter", "bom", "line_end"),
    [(",", False, "\n"), (",", True, "\r\n"), (";", True, "\r\n"), (";", False, "\n")],
)
def test_csv_with_or_without_bom_commas_or_semicolons_crlf(
    tmp_path: Path, delimiter: str, bom: bool, line_end: str
) -> None:
    rows = [
        [*HEADER, "latitude", "longitude", "address_1", "city", "description.es"],
        [*GOOD_ROW, "37,801", "-122.27", "1 Main St; rear", "Testville", "Chequeos\ngratis"],
    ]
    source = write_csv(tmp_path / "l.csv", rows, delimiter=delimiter, bom=bom, line_end=line_end)
    result = run(source)
    assert result.written is not None, messages(result)
    listing = yaml.safe_load(result.written.text)["resources"][0]
    assert listing["id"] == "corner-clinic"
    assert listing["locations"][0]["latitude"] == 37.801
    assert listing["locations"][0]["address_1"] == "1 Main St; rear"
    assert listing["description"]["es"] == "Chequeos\ngratis"


def test_csv_in_another_encoding_says_how_to_save_as_utf8(tmp_path: Path) -> None:
    source = tmp_path / "l.csv"
    source.write_bytes(",".join(HEADER).encode() + b"\nx,Caf\xe9,d,condoms,centre\n")
    result = run(source)
    assert result.written is None
    assert messages(result) == [f"{source}: " + messages(result)[0].split(": ", 1)[1]]
    assert "not UTF-8" in messages(result)[0] and "CSV UTF-8" in messages(result)[0]


def test_import_command_writes_nothing_on_errors_and_the_file_on_success(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "testville.yaml"
    bad = write_csv(tmp_path / "bad.csv", [HEADER, [*GOOD_ROW[:3], "condom", "centre"]])
    args = ["import-sheet", str(bad), "--region", "testville", "--content", str(MINIMAL)]
    assert main([*args, "-o", str(out)]) == 1
    assert not out.exists()
    assert (
        "bad.csv!D2: needs.1: 'condom' is not in the drop-down list (did you mean \"condoms\"?)"
        in capsys.readouterr().out
    )
    good = write_csv(tmp_path / "good.csv", [HEADER, GOOD_ROW])
    assert (
        main(
            [
                "import-sheet",
                str(good),
                "--region",
                "testville",
                "--content",
                str(MINIMAL),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    folder = tmp_path / "content"
    shutil.copytree(MINIMAL, folder)
    shutil.copy(out, folder / "regions" / "testville.yaml")
    assert main(["validate", str(folder)]) == 0
    assert main([*args[:3], "../x", "-o", str(out)]) == 2


# ------------------------------------------------------------------ any text in, no exception

_CELL = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
_COLUMNS = [
    "id",
    "name.en",
    "description.en",
    "needs.1",
    "neighbourhood",
    "phones.1.number",
    "opening_hours",
    "latitude",
    "longitude",
    "address_1",
    "city",
    "verified.date",
    "access.fee",
    "languages",
    "url",
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(_CELL, min_size=len(_COLUMNS), max_size=len(_COLUMNS)), st.sampled_from(",;"))
def test_any_text_in_csv_cells_gives_clear_errors_or_a_valid_file(
    tmp_path: Path, cells: list[str], delimiter: str
) -> None:
    source = write_csv(tmp_path / "any.csv", [_COLUMNS, cells], delimiter=delimiter)
    result = run(source)
    for finding in result.findings:
        assert finding.where and finding.message and "Traceback" not in finding.message
    if result.written is None:
        assert any(not f.warning for f in result.findings)
        return
    folder = tmp_path / "content"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(MINIMAL, folder)
    (folder / "regions" / "testville.yaml").write_text(result.written.text, encoding="utf-8")
    assert load_content(folder).content is not None


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.text(max_size=12), max_size=4), st.lists(_CELL, max_size=4))
def test_any_extra_header_gives_clear_findings(
    tmp_path: Path, headers: list[str], cells: list[str]
) -> None:
    result = run(write_csv(tmp_path / "h.csv", [HEADER + headers, GOOD_ROW + cells]))
    assert all(f.where and f.message for f in result.findings)
    assert (result.written is None) == any(not f.warning for f in result.findings)


@given(st.text(st.characters(exclude_categories=("Cs",))))
def test_the_writer_quotes_whatever_yaml_would_misread(text: str) -> None:
    assert yaml.safe_load(f"key: {scalar(text)}\n") == {"key": text}


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "no",
        "on",
        "off",
        "Null",
        "12:30",
        "02134",
        "1e3",
        "a: b",
        "a #b",
        "- x",
        "[x]",
        "~",
        "2026-10-15",
        "true ",
    ],
)
def test_the_writer_quotes_the_known_traps(text: str) -> None:
    assert scalar(text).startswith('"')
    assert yaml.safe_load(f"key: {scalar(text)}\n") == {"key": text}


def test_the_writer_remembers_the_origin_of_every_line() -> None:
    written = write_yaml(
        {"resources": [Traced({"id": "a", "needs": Traced(["x", "y"], "B2")}, "A2")]},
        ["comment\nresources: broken"],
    )
    assert written.text.splitlines() == [
        "# comment resources: broken",
        "resources:",
        "  - id: a",
        "    needs:",
        "      - x",
        "      - y",
    ]
    assert written.origins == (None, None, "A2", "B2", "B2", "B2")


def test_a_csv_row_shifted_by_an_unquoted_comma_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "l.csv"
    source.write_text(",".join(HEADER) + "\nx,Clinic,Free, no ID,condoms,centre\n", "utf-8")
    result = run(source)
    assert result.written is None
    assert "more values than there are columns" in at(result, "l.csv!F2")[0]


def test_more_needs_and_phones_than_the_template_has(tmp_path: Path) -> None:
    header = [*HEADER, "needs.2", "needs.5", "phones.3.number", "phones.3.description.en"]
    row = [*GOOD_ROW, "legal", "urgent", "510-555-0103", "Texts only"]
    result = run(write_csv(tmp_path / "l.csv", [header, row]))
    assert result.written is not None, messages(result)
    listing = yaml.safe_load(result.written.text)["resources"][0]
    assert listing["needs"] == ["condoms", "legal", "urgent"]
    assert listing["phones"] == [{"number": "510-555-0103", "description": "Texts only"}]
    assert not [m for m in messages(result) if "tests/fixtures" in m], "only this file's news"


def test_a_template_saved_as_csv_keeps_its_notes_row_out_and_reads_checkboxes(
    tmp_path: Path,
) -> None:
    book = Template()
    book.row(3, community__peer_run=True, confidential_address=False)
    sheet = book.book["Listings"]
    rows = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    rows = [row[1:] + row[:1] for row in rows[:3]]  # the id column moved to the end
    result = run(write_csv(tmp_path / "l.csv", rows))
    assert result.written is not None, messages(result)
    listing = yaml.safe_load(result.written.text)["resources"][0]
    assert listing["community"] == ["peer_run"]
    assert "confidential_address" not in listing
    result = run(book.save(tmp_path / "l.xlsx"))
    assert result.written is not None, messages(result)
    assert yaml.safe_load(result.written.text)["resources"][0]["community"] == ["peer_run"]


def test_a_workbook_that_misstates_its_used_range_is_read_whole(tmp_path: Path) -> None:
    book = Template()
    book.row(3)
    book.row(4, id="second")
    book.save(tmp_path / "l.xlsx")
    with (
        zipfile.ZipFile(tmp_path / "l.xlsx") as source,
        zipfile.ZipFile(tmp_path / "small.xlsx", "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1"/>', data)
            target.writestr(item, data)
    result = run(tmp_path / "small.xlsx")
    assert result.written is not None, messages(result)
    assert result.listings == 2


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("l.ods", b"PK", "use an .xlsx workbook or a .csv file"),
        ("l.xlsx", b"not a zip", "not an .xlsx workbook this tool can read"),
        ("l.csv", b'id,name.en\n"unclosed,x\n', "check the quotes in that row"),
    ],
)
def test_files_that_are_not_spreadsheets_get_a_clear_error(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    result = run(source)
    assert result.written is None
    assert [f.where for f in result.findings] == [str(source)]
    assert expected in result.findings[0].message


def test_the_worked_example_in_docs_admins_is_what_the_import_says(tmp_path: Path) -> None:
    content = load_content(CONTENT).content
    assert content is not None
    book, _ = build_template(content, None)
    hoods = book["Neighbourhoods"]
    hood = ["south-berkeley", "South Berkeley", "Sur de Berkeley", "ashby, ashby bart"]
    for header, value in zip(["id", "name.en", "name.es", "aliases"], hood, strict=True):
        hoods.cell(3, [c.value for c in hoods[1]].index(header) + 1, value)
    hoods.cell(3, [c.value for c in hoods[1]].index("latitude") + 1, 37.8553)
    hoods.cell(3, [c.value for c in hoods[1]].index("longitude") + 1, -122.2701)
    sheet = book["Listings"]
    columns = {c.value: c.column for c in sheet[1]}
    first = {
        "id": "ashby-drop-in",
        "name.en": "Ashby Drop-in",
        "needs.1": "drop_in",
        "description.en": "Showers, coffee and condoms. No sign-in.",
        "needs.2": "condom",
        "description.es": "Duchas, café y condones. Sin registro.",
        "verified.method": "visit",
        "neighbourhood": "south-berkeley",
        "phones.1.number": 5105550199,
        "opening_hours": "Mo-Fr 9-17",
        "verified.date": "15/10/2026",
    }
    second = {
        "id": "ashby-legal",
        "name.en": "Ashby Legal Line",
        "needs.1": "legal",
        "description.en": "Free advice by phone about police stops and tickets.",
        "neighbourhood": "south-berkeley",
        "phones.1.number": "510-555-0198",
    }
    for row, values in ((3, first), (4, second)):
        for header, value in values.items():
            cell = sheet.cell(row, columns[header])
            cell.value = value
            cell.number_format = "General"
    book.save(tmp_path / "listings.xlsx")
    request = ImportRequest(
        tmp_path / "listings.xlsx",
        "berkeley",
        CONTENT,
        "Berkeley, California",
        "America/Los_Angeles",
    )
    said = messages(import_sheet(request))
    docs = (CONTENT.parent / "docs" / "admins.md").read_text(encoding="utf-8")
    shown = [
        line
        for line in docs.splitlines()
        if line.startswith("Listings!") and not line.endswith("...")  # not shortened
    ]
    assert len(shown) == 5
    for line in shown:
        assert line in said


def test_a_bad_neighbourhood_id_is_reported_once(tmp_path: Path) -> None:
    book = Template()
    book.row(3, neighbourhood="mid")
    hoods = book.book["Neighbourhoods"]
    for column, value in enumerate([dt.datetime(2026, 3, 1), "Middle", "", "", 37.8, -122.2], 1):
        hoods.cell(3, column, value)
    result = run(book.save(tmp_path / "l.xlsx"))
    assert len(at(result, "Neighbourhoods!A3")) == 1
    assert "turned this into a date" in at(result, "Neighbourhoods!A3")[0]
