"""The `sheet-template` and `import-sheet` commands: arguments in, files and a report out."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from bot.domain.loader import load_content
from bot.domain.models import DistanceUnit


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register both commands on the `python -m bot` parser."""
    template = commands.add_parser(
        "sheet-template",
        help="write a spreadsheet (.xlsx) to keep listings in, optionally prefilled",
        description="Write a workbook with one row per listing, drop-down lists for every"
        " closed value and a notes row; with --region, prefilled with that region's listings.",
    )
    template.add_argument("--content", type=Path, help="content folder (default: content)")
    template.add_argument("--region", help="prefill with this region's listings (a region id)")
    template.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx to write")
    sheet = commands.add_parser(
        "import-sheet",
        help="turn a filled-in listings spreadsheet (.xlsx or .csv) into a region file",
        description="Check every cell, write the region YAML, run the validator on it and"
        " report every problem as sheet!cell; exit 1 with nothing written on errors.",
    )
    sheet.add_argument("source", type=Path, help="the filled-in .xlsx or .csv file")
    sheet.add_argument("--region", required=True, help="the region id, for example: oakland")
    sheet.add_argument("--name", help="the region's name (needed for a new region)")
    sheet.add_argument("--timezone", help="IANA time zone (needed for a new region)")
    sheet.add_argument(
        "--distance-unit",
        choices=[unit.value for unit in DistanceUnit],
        help="mile or kilometer (for a new region; default kilometer)",
    )
    sheet.add_argument("--content", type=Path, help="content folder (default: content)")
    sheet.add_argument("-o", "--output", type=Path, required=True, help="the .yaml to write")


def _content_dir(args: argparse.Namespace) -> Path:
    return args.content or Path(os.environ.get("CONTENT_DIR", "content"))


def sheet_template(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the template; 2 for a bad option, 1 when the content has errors."""
    content_dir = _content_dir(args)
    result = load_content(content_dir)
    if result.content is None:
        err.write(f"{content_dir}: the content has errors; run python -m bot validate first\n")
        return 1
    if args.region and args.region not in result.content.regions:
        regions = ", ".join(result.content.regions)
        err.write(f"--region {args.region}: no such region; choose one of: {regions}\n")
        return 2
    if args.output.suffix.lower() != ".xlsx":
        err.write(f"-o {args.output}: the template is a workbook; name it like listings.xlsx\n")
        return 2
    # Imported here, not at the top: openpyxl is needed by this command only, and every
    # start of `python -m bot run` would pay for it (time and memory).
    from bot.sheets.template import build_template

    book, warnings = build_template(result.content, args.region)
    for warning in warnings:
        err.write(f"warning: {warning}\n")
    try:
        book.save(args.output)
    except OSError as error:
        err.write(f"{args.output}: cannot write the file ({error.strerror})\n")
        return 1
    out.write(f"Wrote {args.output}: fill one row per listing, then run\n")
    out.write(f"  python -m bot import-sheet {args.output} --region ID -o regions/ID.yaml\n")
    return 0


def import_sheet_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Import a sheet; 0 with the file written, 1 with every problem listed and nothing
    written, 2 for a bad option."""
    from bot.sheets.importer import REGION_ID, ImportRequest, import_sheet  # as build_template

    if not REGION_ID.match(args.region):
        err.write(f"--region {args.region}: use at most 20 lower-case letters, digits, - and _\n")
        return 2
    request = ImportRequest(
        args.source, args.region, _content_dir(args), args.name, args.timezone, args.distance_unit
    )
    result = import_sheet(request)
    out.writelines(f"{finding}\n" for finding in result.findings)
    if result.written is None:
        count = sum(1 for f in result.findings if not f.warning)
        err.write(f"{count} error(s); nothing was written. Fix them and import again.\n")
        return 1
    try:
        args.output.write_text(result.written.text, encoding="utf-8")
    except OSError as error:
        err.write(f"{args.output}: cannot write the file ({error.strerror})\n")
        return 1
    out.write(f"Wrote {args.output}: {result.listings} listing(s) in region {args.region}.\n")
    out.write(
        "Put it in content/regions/ (replacing the region's old file) and run"
        " python -m bot validate.\n"
    )
    return 0
