"""Reading an HSDS 3.0 dataset from disk: a JSON file, a folder of JSON, or a CSV data package."""

from __future__ import annotations

import json
from pathlib import Path

from bot.hsds.tables import MAX_TABLE_BYTES, DatasetError, read_tables


def read_dataset(source: Path) -> list[object]:
    """The service records of a dataset (not yet checked against the schema), or DatasetError."""
    if source.is_dir():
        if (source / "datapackage.json").exists():
            return list(read_tables(source))
        files = sorted(source.glob("*.json"))
        if not files:
            raise DatasetError(
                f"{source}: no datapackage.json (CSV form) and no .json files (JSON form); for"
                " a folder written by export-hsds, give its json/services.json or its csv folder"
            )
        return [record for path in files for record in _json_records(path)]
    if source.is_file():
        return _json_records(source)
    raise DatasetError(f"{source}: no such file or folder")


def _json_records(path: Path) -> list[object]:
    """Services in one JSON file: a list of them, one service, or an API page (`contents`)."""
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise DatasetError(f"{path}: larger than {MAX_TABLE_BYTES // 2**20} MiB")
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path}: not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise DatasetError(
            f"{path}:{error.lineno}: not valid JSON ({error.msg}, column {error.colno})"
        ) from error
    except (OSError, RecursionError) as error:
        raise DatasetError(f"{path}: cannot read it ({type(error).__name__})") from error
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return list(data["contents"])
    if isinstance(data, dict) and "id" in data:
        return [data]
    raise DatasetError(
        f"{path}: expected a list of HSDS services, one service, or a page with `contents`"
    )
