"""The HSDS tabular form: compiled services flattened into one CSV table per object, and back."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.hsds.schema import column_types, columns, datapackage, tables

# Which table each nested key of a compiled record belongs to.
NESTED_TABLES = {
    "organization": "organization",
    "program": "program",
    "programs": "program",
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "service_at_locations": "service_at_location",
    "location": "location",
    "locations": "location",
    "addresses": "address",
    "languages": "language",
    "required_documents": "required_document",
    "attributes": "attribute",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
    "metadata": "metadata",
    "contacts": "contact",
    "funding": "funding",
    "cost_options": "cost_option",
    "accessibility": "accessibility",
    "organization_identifiers": "organization_identifier",
}
MAX_TABLE_BYTES = 50 * 2**20


class DatasetError(ValueError):
    """A dataset that cannot be read; the message says where and what is wrong."""


def flatten(services: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows per table (each record once, by id) for compiled services whose links are set."""
    rows: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in tables()}
    for service in services:
        _flatten_record(service, "service", rows)
    return {name: list(by_id.values()) for name, by_id in rows.items()}


def _flatten_record(
    record: dict[str, Any], table: str, rows: dict[str, dict[str, dict[str, Any]]]
) -> None:
    wanted = set(columns(table))
    row = {k: v for k, v in record.items() if k in wanted and not isinstance(v, dict | list)}
    rows[table].setdefault(str(record["id"]), row)
    for key, value in record.items():
        child_table = NESTED_TABLES.get(key)
        if child_table is None:
            continue
        for child in value if isinstance(value, list) else [value]:
            _flatten_record(child, child_table, rows)


def write_tables(services: Iterable[dict[str, Any]], folder: Path) -> None:
    """Every HSDS table as a CSV file (headers even when empty) plus `datapackage.json`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table_rows in flatten(services).items():
        header = columns(name)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: _cell(row.get(k)) for k in header} for row in table_rows)
        (folder / tables()[name]["path"]).write_text(buffer.getvalue(), encoding="utf-8")
    text = json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_tables(folder: Path) -> list[dict[str, Any]]:
    """The compiled services of a CSV folder described by its `datapackage.json`."""
    rows = {name: _read_table(folder, name, path) for name, path in _table_paths(folder).items()}
    if "service" not in rows:
        raise DatasetError(f"{folder / 'datapackage.json'}: no `service` table listed")
    return _Nester(rows).services()


def _table_paths(folder: Path) -> dict[str, str]:
    package_path = folder / "datapackage.json"
    try:
        package = json.loads(package_path.read_text(encoding="utf-8-sig"))
        resources = package["resources"]
        listed = {str(r["name"]): str(r["path"]) for r in resources}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatasetError(f"{package_path}: cannot read it ({error})") from error
    except (KeyError, TypeError) as error:
        raise DatasetError(
            f"{package_path}: not a data package (each resource needs a name and a path)"
        ) from error
    return {name: path for name, path in listed.items() if name in tables()}


def _read_table(folder: Path, name: str, relative: str) -> list[dict[str, Any]]:
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise DatasetError(f"datapackage.json: table {name} points outside the folder")
    if not path.exists():
        return []
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise DatasetError(f"{path}: larger than {MAX_TABLE_BYTES // 2**20} MiB")
        text = path.read_text(encoding="utf-8-sig")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        raw_rows = list(reader)
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path}: not UTF-8 text; save it as CSV in UTF-8") from error
    except (OSError, csv.Error) as error:
        raise DatasetError(f"{path}: cannot read it as CSV ({error})") from error
    missing = [c for c in ("id",) if c not in header]
    if missing:
        raise DatasetError(f"{path.name}: missing column {', '.join(missing)}")
    types = column_types(name)
    return [
        _typed(row, types, f"{path.name} row {number}")
        for number, row in enumerate(raw_rows, start=2)
    ]


def _typed(row: dict[str | Any, Any], types: dict[str, str], where: str) -> dict[str, Any]:
    typed: dict[str, Any] = {}
    for key, value in row.items():
        if key not in types or not isinstance(value, str) or value.strip() == "":
            continue
        kind = types[key]
        try:
            if kind == "number":
                number = float(value)
                typed[key] = int(number) if number.is_integer() and "." not in value else number
            elif kind == "integer":
                typed[key] = int(value)
            else:
                typed[key] = value
        except ValueError as error:
            raise DatasetError(f"{where}, column {key}: {value!r} is not a {kind}") from error
    return typed


class _Nester:
    """Puts table rows back together as compiled services, following the id links."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.rows = rows
        self.by_id = {name: {str(r["id"]): r for r in table} for name, table in rows.items()}
        self.links: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for name, table in rows.items():
            for row in table:
                for key in ("service_id", "location_id", "link_id", "resource_id",
                            "service_at_location_id"):  # fmt: skip
                    if key in row:
                        self.links[(name, key, str(row[key]))].append(row)

    def _children(self, table: str, key: str, owner: str) -> list[dict[str, Any]]:
        return [self._with_attributes(row) for row in self.links[(table, key, owner)]]

    def _with_attributes(self, row: dict[str, Any]) -> dict[str, Any]:
        record = dict(row)
        attributes = []
        for attribute in self.links[("attribute", "link_id", str(row["id"]))]:
            linked = dict(attribute)
            term = self.by_id.get("taxonomy_term", {}).get(str(attribute.get("taxonomy_term_id")))
            if term is not None:
                term = dict(term)
                taxonomy = self.by_id.get("taxonomy", {}).get(str(term.get("taxonomy_id")))
                if taxonomy is not None:
                    term["taxonomy_detail"] = taxonomy
                linked["taxonomy_term"] = term
            attributes.append(linked)
        if attributes:
            record["attributes"] = attributes
        return record

    def _location(self, location_id: str) -> dict[str, Any] | None:
        row = self.by_id.get("location", {}).get(location_id)
        if row is None:
            return None
        location = self._with_attributes(row)
        location["addresses"] = self._children("address", "location_id", location_id)
        location["phones"] = self._children("phone", "location_id", location_id)
        location["schedules"] = self._children("schedule", "location_id", location_id)
        return location

    def services(self) -> list[dict[str, Any]]:
        """Every service row with what links to it nested inside."""
        return [self._service(row) for row in self.rows["service"]]

    def _service(self, row: dict[str, Any]) -> dict[str, Any]:
        service = self._with_attributes(row)
        owner = str(row["id"])
        organization = self.by_id.get("organization", {}).get(str(row.get("organization_id")))
        if organization is not None:
            service["organization"] = self._with_attributes(organization)
        for key, table in (
            ("phones", "phone"),
            ("schedules", "schedule"),
            ("service_areas", "service_area"),
            ("languages", "language"),
            ("required_documents", "required_document"),
        ):
            service[key] = self._children(table, "service_id", owner)
        links = []
        for link in self._children("service_at_location", "service_id", owner):
            location = self._location(str(link.get("location_id")))
            if location is not None:
                link["location"] = location
            link["phones"] = self._children("phone", "service_at_location_id", str(link["id"]))
            links.append(link)
        service["service_at_locations"] = links
        service["metadata"] = list(self.links[("metadata", "resource_id", owner)])
        return service
