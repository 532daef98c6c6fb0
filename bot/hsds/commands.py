"""The `export-hsds` and `import-hsds` commands: options checked, files written, a report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import yaml

from bot.domain.hours import HoursError, load_zone
from bot.domain.loader import load_content
from bot.domain.models import Content, DistanceUnit
from bot.domain.region_loader import SHORT_ID_MAX

if TYPE_CHECKING:
    from bot.hsds.listings import ImportOptions

_COUNTRY = re.compile(r"[A-Z]{2}\Z")
_REGION_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register export-hsds and import-hsds on the `python -m bot` parser."""
    export = commands.add_parser(
        "export-hsds",
        help="write the content as Open Referral HSDS 3.0 (JSON and CSV); see docs/hsds.md",
        description="Write OUT/json/services.json and OUT/csv/*.csv with datapackage.json.",
    )
    export.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    export.add_argument("--area", help="only this region (a region id)")
    export.add_argument("--content", type=Path, help="content folder (default: content)")
    export.add_argument("--lang", help="language of the main texts (default: the region's)")
    export.add_argument("--country", default="US", help="ISO 3166 country code of addresses")
    imp = commands.add_parser(
        "import-hsds",
        help="turn an HSDS 3.0 dataset into a region file to check; see docs/hsds.md",
        description="Read a JSON file, a folder of JSON or a CSV folder with datapackage.json.",
    )
    imp.add_argument("source", type=Path, help="the dataset")
    imp.add_argument("-o", "--output", type=Path, required=True, help="the region file to write")
    imp.add_argument("--region", required=True, help="id of the new region")
    imp.add_argument("--name", help="the region's name (default: its id)")
    imp.add_argument("--timezone", help="IANA time zone (default: the dataset's, if it says)")
    imp.add_argument("--content", type=Path, help="content folder (default: content)")
    imp.add_argument("--lang", help="language of the dataset's texts (default: the content's)")
    imp.add_argument("--default-need", help="need for listings whose need is not recognised")
    imp.add_argument(
        "--distance-unit", choices=[u.value for u in DistanceUnit], default="kilometer"
    )


def _content(folder: Path, err: TextIO) -> Content | None:
    result = load_content(folder)
    if result.content is None:
        err.write(f"{folder}: the content has errors; run `python -m bot validate` first.\n")
    return result.content


def _check_export_options(args: argparse.Namespace, content: Content, err: TextIO) -> bool:
    problems = []
    if args.area and args.area not in content.regions:
        problems.append(f"--area {args.area}: no such area; choose one of: "
                        f"{', '.join(content.regions)}")  # fmt: skip
    if args.lang and args.lang not in content.locales:
        problems.append(f"--lang {args.lang}: choose one of: {', '.join(content.locales)}")
    if not _COUNTRY.match(args.country):
        problems.append(f"--country {args.country}: use a two-letter code like US or ES")
    err.writelines(f"{problem}\n" for problem in problems)
    return not problems


def export_hsds(args: argparse.Namespace, content_dir: Path, out: TextIO, err: TextIO) -> int:
    """Write the dataset; 2 for a bad option, 1 for broken content."""
    content = _content(args.content or content_dir, err)
    if content is None:
        return 1
    if not _check_export_options(args, content, err):
        return 2
    # Imported here, not at the top: jsonschema and the HSDS mappings are needed by these
    # commands only, and every start of `python -m bot run` would pay for them (time, and
    # about 0.5 MiB of its memory with the region writer).
    from bot.hsds.export import ExportOptions, export_content
    from bot.hsds.schema import service_errors
    from bot.hsds.tables import write_tables

    exported = export_content(content, ExportOptions(args.area, args.lang, args.country))
    for service in exported.services:
        problems = service_errors(service)
        if problems:  # a defect of ours: never hand out an invalid dataset
            err.write(f"service {service['id']} does not validate: {'; '.join(problems)}\n")
            return 1
    json_dir = args.output / "json"
    text = json.dumps(list(exported.services), indent=2, ensure_ascii=False) + "\n"
    try:
        json_dir.mkdir(parents=True, exist_ok=True)
        (json_dir / "services.json").write_text(text, encoding="utf-8")
        write_tables(exported.services, args.output / "csv")
    except OSError as error:
        err.write(f"{args.output}: cannot write there ({error.strerror})\n")
        return 1
    out.write(
        f"Wrote {len(exported.services)} services to {json_dir / 'services.json'}"
        f" and {args.output / 'csv'} (HSDS 3.0; addresses in country {args.country}).\n"
    )
    if exported.hours_as_text:
        out.write("Opening hours HSDS cannot hold as weekly times (kept as text in the schedule's"
                  " description):\n")  # fmt: skip
        out.writelines(f"  {rid}: {expr}\n" for rid, expr in exported.hours_as_text)
    return 0


def _check_import_options(args: argparse.Namespace, content: Content, err: TextIO) -> bool:
    problems = []
    if not _REGION_ID.match(args.region) or len(args.region) > SHORT_ID_MAX:
        problems.append(f"--region {args.region}: use at most 20 lower-case letters, digits, - _")
    if args.timezone:
        try:
            load_zone(args.timezone)
        except HoursError:
            problems.append(f"--timezone {args.timezone}: not an IANA name like Europe/Madrid")
    if args.lang and args.lang not in content.locales:
        problems.append(f"--lang {args.lang}: choose one of: {', '.join(content.locales)}")
    if args.default_need and args.default_need not in content.needs:
        problems.append(f"--default-need {args.default_need}: choose one of: "
                        f"{', '.join(content.needs)}")  # fmt: skip
    if args.output.exists():
        problems.append(f"{args.output}: already exists; choose a new file or remove it first")
    err.writelines(f"{problem}\n" for problem in problems)
    return not problems


def _import_options(args: argparse.Namespace) -> ImportOptions:
    from bot.hsds.listings import ImportOptions  # as in export_hsds

    return ImportOptions(
        region_id=args.region,
        source=args.source.name or str(args.source),
        today=dt.date.today(),
        name=args.name,
        timezone=args.timezone,
        lang=args.lang,
        default_need=args.default_need,
        distance_unit=DistanceUnit(args.distance_unit),
    )


def import_hsds(args: argparse.Namespace, content_dir: Path, out: TextIO, err: TextIO) -> int:
    """Write the region file and report; 2 for a bad option, 1 for an unusable dataset."""
    folder = args.content or content_dir
    content = _content(folder, err)
    if content is None:
        return 1
    if not _check_import_options(args, content, err):
        return 2
    from bot.domain.region_writer import RegionDraft, region_yaml  # as in export_hsds
    from bot.hsds.dataset import read_dataset
    from bot.hsds.listings import DatasetImportError, import_services
    from bot.hsds.tables import DatasetError

    options = _import_options(args)
    today = options.today
    try:
        imported = import_services(read_dataset(args.source), content, options)
    except (DatasetError, DatasetImportError) as error:
        err.write(f"{error}\n")
        return 1
    header = [
        f"Imported from {options.source} (HSDS 3.0) on {today} by `python -m bot import-hsds`.",
        "Check every line marked CHECK, and every access fact left unknown, before use.",
    ]
    draft = RegionDraft(imported.region, imported.neighbourhoods, imported.resources, header,
                        imported.notes)  # fmt: skip
    text = region_yaml(draft)
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        err.write(f"{args.output}: cannot write it ({error.strerror})\n")
        return 1
    out.write(f"Wrote {len(imported.resources)} listings to {args.output}.\n")
    if imported.report:
        out.write("Not imported, or imported without some details:\n")
        out.writelines(f"  {line}\n" for line in imported.report)
    return _report_validation(folder, args.output, args.region, out)


def _same_region(path: Path, region_id: str) -> bool:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return bool(data["region"]["id"] == region_id)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError):
        return False


def _report_validation(content_dir: Path, region_file: Path, region_id: str, out: TextIO) -> int:
    """Load the content with the new file in place of the region it replaces, if any."""
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / "content"
        shutil.copytree(content_dir, trial)
        for path in (trial / "regions").glob("*.yaml"):
            if _same_region(path, region_id):
                path.unlink()
        shutil.copyfile(region_file, trial / "regions" / region_file.name)
        result = load_content(trial)
    for problem in result.problems.sorted():
        out.write(f"{str(problem).replace(str(trial / 'regions'), str(region_file.parent))}\n")
    if result.content is None:
        out.write("The new file does not pass validate yet; fix the lines above.\n")
        return 1
    out.write(f"The new file passes validate with {content_dir}.\n")
    return 0
