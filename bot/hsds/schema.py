"""The vendored HSDS 3.0 schema (see schema/NOTICE.md): validating services, listing tables."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).parent / "schema"


@functools.cache
def service_validator() -> Draft202012Validator:
    """A draft 2020-12 validator (formats checked) for one compiled HSDS `service` object."""
    # Imported on first use: only the HSDS commands validate, and every start of
    # `python -m bot run` would pay for jsonschema (time and memory) otherwise.
    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMA_DIR / "service.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def service_errors(service: object, limit: int = 3) -> list[str]:
    """Up to `limit` schema problems of a service, each as `path: message`; [] when valid."""
    problems = []
    for error in service_validator().iter_errors(service):
        path = ".".join(str(part) for part in error.absolute_path) or "(the record)"
        problems.append(f"{path}: {error.message}")
        if len(problems) >= limit:
            break
    return problems


@functools.cache
def datapackage() -> dict[str, Any]:
    """The HSDS tabular form: `resources`, each a table with its path and schema fields."""
    data: dict[str, Any] = json.loads((SCHEMA_DIR / "datapackage.json").read_text("utf-8"))
    return data


def tables() -> dict[str, dict[str, Any]]:
    """Each HSDS table by name (`service`, `phone`, ...) with `path` and `schema`."""
    return {resource["name"]: resource for resource in datapackage()["resources"]}


def columns(table: str) -> list[str]:
    """The columns of one table, in the datapackage's order."""
    return [field["name"] for field in tables()[table]["schema"]["fields"]]


def required_columns(table: str) -> list[str]:
    """The columns a table's rows must fill."""
    return [
        field["name"]
        for field in tables()[table]["schema"]["fields"]
        if field.get("constraints", {}).get("required")
    ]


def column_types(table: str) -> dict[str, str]:
    """Each column's datapackage type (string, number, integer, date, ...)."""
    return {
        field["name"]: field.get("type", "string") for field in tables()[table]["schema"]["fields"]
    }
