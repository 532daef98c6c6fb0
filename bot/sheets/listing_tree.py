"""One row of the Listings sheet as a resource's YAML tree, each value traced to its cell."""

from __future__ import annotations

from bot.sheets.columns import (
    ACCESS_FACTS,
    DETAIL_TEXT_FIELDS,
    LOCATION_FIELDS,
    TEXT_FIELDS,
    Layout,
)
from bot.sheets.region_writer import Traced, YamlValue
from bot.sheets.rows import Row

_ADDRESS_REQUIRED = ("address_1", "city", "latitude", "longitude")


class ListingTree:
    """One row as a resource, fields in the order of docs/content.md."""

    def __init__(self, row: Row, layout: Layout, locales: tuple[str, ...], default: str) -> None:
        self.row = row
        self.layout = layout
        self.locales = locales
        self.default = default

    def _text(self, name: str) -> Traced | None:
        return self.row.localized(name, self.locales, self.default)

    def tree(self) -> YamlValue:
        """The resource, traced to the row's id cell."""
        row = self.row
        tree: dict[str, YamlValue] = {}
        put(tree, "id", row.cell("id"))
        for name in TEXT_FIELDS:
            put(tree, name, self._text(name))
        headers = [c.header for c in self.layout.columns if c.header.startswith("needs.")]
        # A need not in the list is reported at its cell already; the validator need not repeat it.
        needs: list[YamlValue] = [
            c for h in headers if (c := row.cell(h)) is not None and c.origin not in row.bad_cells
        ]
        tree["needs"] = Traced(needs, row.ref("needs.1"))
        put(tree, "neighbourhood", row.cell("neighbourhood"))
        put(tree, "locations", self._locations())
        put(tree, "phones", self._phones())
        for name in ("url", "email", "languages", "opening_hours", "timezone"):
            put(tree, name, row.cell(name))
        for name in DETAIL_TEXT_FIELDS:
            put(tree, name, self._text(name))
        put(tree, "required_documents", self._documents())
        access = {f: v for f in ACCESS_FACTS if (v := row.cell(f"access.{f}")) is not None}
        if access:
            tree["access"] = Traced(access, row.ref(f"access.{next(iter(access))}"))
        put(tree, "community", self._community())
        confidential = row.cell("confidential_address")
        if confidential is not None and confidential.value != "no":
            tree["confidential_address"] = Traced(confidential.value == "yes", confidential.origin)
        put(tree, "verified", self._verified())
        return Traced(tree, row.ref("id"))

    def _locations(self) -> YamlValue | None:
        headers = (*LOCATION_FIELDS, "latitude", "longitude")
        filled = [h for h in headers if self.row.cell_is_filled(h)]
        if not filled:
            return None
        why = "an address needs address_1, city, latitude and longitude (or leave it all empty)"
        location: dict[str, YamlValue] = {}
        for header in headers:
            if header in _ADDRESS_REQUIRED:
                location[header] = self.row.required(header, why)
            else:
                put(location, header, self.row.cell(header))
        return Traced([location], self.row.ref(filled[0]))

    def _phones(self) -> YamlValue | None:
        phones: list[YamlValue] = []
        for header in (c.header for c in self.layout.columns):
            if not (header.startswith("phones.") and header.endswith(".number")):
                continue
            description = self._text(header.removesuffix(".number") + ".description")
            if description is None and not self.row.cell_is_filled(header):
                continue
            phone: dict[str, YamlValue] = {
                "number": self.row.required(header, "a phone description needs its number")
            }
            put(phone, "description", description)
            phones.append(Traced(phone, self.row.ref(header)))
        return phones or None

    def _documents(self) -> YamlValue | None:
        """Documents one per line, the n-th line of each language column being one document."""
        lines: dict[str, tuple[list[str], str]] = {}
        for loc in self.locales:
            cell = self.row.cell(f"required_documents.{loc}")
            if cell is not None and isinstance(cell.value, list):
                lines[loc] = ([str(line) for line in cell.value], cell.origin)
        documents: list[YamlValue] = []
        for index in range(max((len(texts) for texts, _ in lines.values()), default=0)):
            document: dict[str, YamlValue] = {
                loc: Traced(texts[index], origin)
                for loc, (texts, origin) in lines.items()
                if index < len(texts)
            }
            documents.append(Traced(document, self.row.ref(f"required_documents.{self.default}")))
        return documents or None

    def _community(self) -> YamlValue | None:
        marks: list[YamlValue] = []
        for column in self.layout.columns:
            if column.header.startswith("community."):
                cell = self.row.cell(column.header)
                if cell is not None and cell.value == "yes":
                    marks.append(Traced(column.header.removeprefix("community."), cell.origin))
        return marks or None

    def _verified(self) -> YamlValue | None:
        headers = ("verified.date", "verified.method")
        if not any(self.row.cell_is_filled(h) for h in headers):
            return None
        why = "fill both verified.date and verified.method, or neither"
        parts: dict[str, YamlValue] = {h.split(".")[1]: self.row.required(h, why) for h in headers}
        return Traced(parts, self.row.ref("verified.date"))


def put(tree: dict[str, YamlValue], key: str, value: YamlValue | None) -> None:
    """Set `key` unless `value` is None (an empty cell leaves the field out)."""
    if value is not None:
        tree[key] = value
