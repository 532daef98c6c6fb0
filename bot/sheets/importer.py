"""`import-sheet`: a filled-in listings sheet becomes a region file, checked by the real validator.

Sheet-level mistakes (columns, drop-down values, dates and phone numbers a spreadsheet mangled,
merged cells) are caught cell by cell. Then the region YAML is written while remembering which
cell each line came from, the validator runs on a temporary copy of the content folder with the
new region file in place, and each of its `file:line` problems is reported at its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from openpyxl.utils import column_index_from_string

from bot.domain.loader import load_content
from bot.domain.models import Content, LocalizedText, Neighbourhood, Region
from bot.sheets.blame import blame, validate_draft
from bot.sheets.cells import Finding
from bot.sheets.columns import (
    LISTINGS,
    LISTS,
    NEIGHBOURHOODS,
    listing_layout,
    neighbourhood_layout,
)
from bot.sheets.listing_tree import ListingTree, put
from bot.sheets.region_writer import Traced, WrittenYaml, YamlValue, write_yaml
from bot.sheets.rows import Findings, Row, SheetRows, numbered_slots
from bot.sheets.table import Sheet, SheetError, read_sheets

REGION_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,19}\Z")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CELL = re.compile(r"(.+)!([A-Z]{1,3})([0-9]+)\Z")


@dataclass(frozen=True)
class ImportRequest:
    """What to import, into which region, against which content folder."""

    source: Path
    region_id: str
    content_dir: Path
    name: str | None = None
    timezone: str | None = None
    distance_unit: str | None = None


@dataclass(frozen=True)
class ImportResult:
    """The region file (None when there are errors), every finding, and the listings read."""

    written: WrittenYaml | None
    findings: tuple[Finding, ...]
    listings: int


def import_sheet(request: ImportRequest) -> ImportResult:
    """Read, check and convert a listings sheet; every problem is reported at once."""
    findings = Findings()
    if not REGION_ID.match(request.region_id):
        findings.error(
            "--region",
            f"{request.region_id!r} is not a region id: use at most 20"
            " lower-case letters, digits, - and _",
        )
        return ImportResult(None, tuple(findings.items), 0)
    base = load_content(request.content_dir)
    if base.content is None:
        findings.error(
            str(request.content_dir),
            "the content folder has errors; fix them first"
            f" (python -m bot validate {request.content_dir})",
        )
        return ImportResult(None, tuple(findings.items), 0)
    try:
        sheets = read_sheets(request.source)
    except SheetError as error:
        findings.error(str(request.source), str(error))
        return ImportResult(None, tuple(findings.items), 0)
    region_file = find_region_file(request.content_dir, request.region_id)
    draft = _Draft(request, base.content, region_file, findings)
    tree, listings = draft.region_file(sheets)
    written = write_yaml(tree, _comments(request))
    problems = validate_draft(written, request.content_dir, request.region_id, region_file)
    for problem in problems:
        finding = blame(problem, written, findings)
        if finding is not None:
            findings.items.append(finding)
    ok = not findings.errors
    ordered = sorted(findings.items, key=_position)
    return ImportResult(written if ok else None, tuple(ordered), listings)


def _position(finding: Finding) -> tuple[str, int, int]:
    """Files and options first, then cells sheet by sheet, row by row, left to right."""
    match = _CELL.match(finding.where)
    if match is None:
        return ("", 0, 0)
    return (match[1], int(match[3]), column_index_from_string(match[2]))


def _comments(request: ImportRequest) -> list[str]:
    return [
        f"Written by `python -m bot import-sheet` from {request.source.name}.",
        "Edit the spreadsheet and import it again, or edit this file by hand;",
        "check it with `python -m bot validate` (see docs/content.md and docs/admins.md).",
        "",
    ]


def find_region_file(content_dir: Path, region_id: str) -> Path | None:
    """The file under regions/ that defines `region_id`, if any (`<id>.yaml` looked at first)."""
    paths = sorted((content_dir / "regions").glob("*.yaml"), key=lambda p: p.stem != region_id)
    for path in paths:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        region = data.get("region") if isinstance(data, dict) else None
        if isinstance(region, dict) and region.get("id") == region_id:
            return path
    return None


class _Draft:
    """The region file's tree: the region, its neighbourhoods, then one listing per row."""

    def __init__(
        self, request: ImportRequest, content: Content, region_file: Path | None, found: Findings
    ) -> None:
        self.request = request
        self.content = content
        self.region = content.regions.get(request.region_id)
        self.region_label = f"{region_file} (region)" if region_file else "--region"
        self.findings = found
        self.locales = content.locales
        self.default = self.region.default_locale if self.region else content.default_locale

    def region_file(self, sheets: dict[str, Sheet]) -> tuple[dict[str, YamlValue], int]:
        """The whole file, and how many listings it has."""
        hood_trees, hood_ids = self._neighbourhoods(sheets.get(NEIGHBOURHOODS))
        listings = self._listings(_listings_sheet(sheets), hood_ids)
        tree: dict[str, YamlValue] = {
            "region": self._region(),
            "neighbourhoods": hood_trees,
            "resources": listings,
        }
        return tree, len(listings)

    def _region(self) -> dict[str, YamlValue]:
        request, region, label = self.request, self.region, self.region_label
        tree: dict[str, YamlValue] = {"id": Traced(request.region_id, "--region")}
        if request.name:
            tree["name"] = Traced(request.name, "--name")
        elif region:
            tree["name"] = Traced(localized_tree(region.name), label)
        else:
            self.findings.error("--name", 'a new region needs a name: add --name "City, State"')
        if region:
            tree["sample"] = Traced(region.sample, label)
            tree["default_locale"] = Traced(region.default_locale, label)
        if request.timezone:
            tree["timezone"] = Traced(request.timezone, "--timezone")
        elif region:
            tree["timezone"] = Traced(region.timezone, label)
        else:
            self.findings.error(
                "--timezone",
                "a new region needs a time zone: add --timezone"
                " with an IANA name like America/Los_Angeles",
            )
        if region:
            tree.update(_region_details(region, label))
        if request.distance_unit:
            tree["distance_unit"] = Traced(request.distance_unit, "--distance-unit")
        return tree

    def _neighbourhoods(self, sheet: Sheet | None) -> tuple[list[YamlValue], tuple[str, ...]]:
        layout = neighbourhood_layout(self.locales, self.default)
        rows = list(SheetRows(sheet, layout, self.findings).rows()) if sheet else []
        if rows:
            trees: list[YamlValue] = [self._neighbourhood(row) for row in rows]
            ids = tuple(str(c.value) for row in rows if (c := row.cell("id")) is not None)
            return trees, ids
        region_id = self.request.region_id
        hoods = [h for h in self.content.neighbourhoods.values() if h.region_id == region_id]
        if not hoods:
            self.findings.error(
                str(self.request.source),
                f"region {self.request.region_id!r} is new: list its neighbourhoods in a"
                " Neighbourhoods sheet (an .xlsx from python -m bot sheet-template has one)",
            )
        label = f"{self.region_label.removesuffix(' (region)')} (neighbourhoods)"
        return [Traced(neighbourhood_tree(h), label) for h in hoods], tuple(h.id for h in hoods)

    def _neighbourhood(self, row: Row) -> YamlValue:
        tree: dict[str, YamlValue] = {}
        put(tree, "id", row.cell("id"))
        put(tree, "name", row.localized("name", self.locales, self.default))
        put(tree, "aliases", row.cell("aliases"))
        center = {k: v for k in ("latitude", "longitude") if (v := row.cell(k)) is not None}
        tree["center"] = Traced(center, row.ref("latitude"))
        return Traced(tree, row.ref("id"))

    def _listings(self, sheet: Sheet | None, hood_ids: tuple[str, ...]) -> list[YamlValue]:
        if sheet is None:
            self.findings.error(
                str(self.request.source),
                "no Listings sheet; use the workbook from python -m bot sheet-template",
            )
            return []
        need_slots, phone_slots = numbered_slots(sheet)
        layout = listing_layout(
            self.locales,
            self.default,
            tuple(self.content.needs),
            hood_ids,
            need_slots=max(need_slots, 1),
            phone_slots=phone_slots,
        )
        rows = SheetRows(sheet, layout, self.findings).rows()
        listings = [ListingTree(row, layout, self.locales, self.default).tree() for row in rows]
        if not listings:
            self.findings.warning(f"{sheet.name}!A3", "no listings: the region will have none")
        return listings


def _listings_sheet(sheets: dict[str, Sheet]) -> Sheet | None:
    """The sheet named Listings, else the only sheet (a CSV file), else the first other one."""
    by_name = {name.lower(): sheet for name, sheet in sheets.items()}
    if LISTINGS.lower() in by_name:
        return by_name[LISTINGS.lower()]
    others = [s for n, s in by_name.items() if n not in (NEIGHBOURHOODS.lower(), LISTS.lower())]
    return others[0] if others else None


def localized_tree(text: LocalizedText) -> YamlValue:
    """A LocalizedText as written in YAML: plain when it is one name for every language."""
    if text.same_in_every_locale:
        return text.values[text.default_locale]
    return dict(text.values)


def neighbourhood_tree(hood: Neighbourhood) -> dict[str, YamlValue]:
    """A neighbourhood as written in a region file."""
    tree: dict[str, YamlValue] = {"id": hood.id, "name": localized_tree(hood.name)}
    if hood.aliases:
        tree["aliases"] = list(hood.aliases)
    tree["center"] = {"latitude": hood.center.latitude, "longitude": hood.center.longitude}
    return tree


def _region_details(region: Region, label: str) -> dict[str, YamlValue]:
    details: dict[str, YamlValue] = {
        "distance_unit": Traced(region.distance_unit.value, label),
        "stale_after_days": Traced(region.stale_after_days, label),
    }
    if region.good_samaritan is not None:
        details["good_samaritan"] = Traced(localized_tree(region.good_samaritan), label)
    return details
