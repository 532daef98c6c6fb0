"""Command line: `python -m bot validate|new-region|chat|search|reports|stale|stats|run|link|qr|
cards|sheet-template|import-sheet|export-hsds|import-hsds|alert`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot import cli_alerts, cli_stats, cli_upkeep, outreach
from bot.domain.catalog import Catalog, load_catalog
from bot.domain.load_result import LoadResult
from bot.domain.models import Content
from bot.domain.skeleton import SkeletonError, check_request, write_region
from bot.hsds import commands as hsds_commands
from bot.preview import run_preview
from bot.run import print_errors, run, shipped_locales
from bot.sheets import commands as sheet_commands
from bot.ui import screens
from bot.ui.actions import ShowSearch, search_key
from bot.ui.conversation import Conversation
from bot.ui.state import UserState

_LOCAL_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{2}:[0-9]{2})\Z")


def local_time(value: str) -> dt.datetime:
    """--at: a local date and time written "YYYY-MM-DD HH:MM" (no timezone yet)."""
    match = _LOCAL_TIME.match(value.strip())
    try:
        if match:
            return dt.datetime.fromisoformat(f"{match[1]}T{match[2]}")
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        f'{value!r} is not a date and time; write it like "2026-12-05 02:00" (24-hour clock,'
        " local time of the area)"
    )


def default_content_dir() -> Path:
    """The content folder: $CONTENT_DIR, else ./content."""
    return Path(os.environ.get("CONTENT_DIR", "content"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Waypoint: local services and rights information, privately, on Telegram.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    validate = commands.add_parser(
        "validate",
        help="check a content folder and print every problem with file:line",
        description="Check a content folder; exit 0 when usable (warnings allowed), 1 on errors.",
    )
    validate.add_argument("content", nargs="?", type=Path, help="content folder (default: content)")
    _add_new_region(commands)
    chat = commands.add_parser(
        "chat",
        help="try the whole conversation in the terminal (no token, no network)",
        description=(
            "Type a number to press that button, /command to run a command, /location LAT LON"
            " to send a location, anything else to search. Ends at end of input."
        ),
    )
    chat.add_argument("--lang", help="preset the language (for example: es)")
    chat.add_argument("--area", help="preset the area (a region id, for example: oakland)")
    chat.add_argument("--content", type=Path, help="content folder (default: content)")
    chat.add_argument(
        "--at",
        type=local_time,
        metavar='"YYYY-MM-DD HH:MM"',
        help="preview the conversation at this local time (what is open, the hours shown) in"
        " the timezone of --area when given, else of the content's first region;"
        ' for example: --at "2026-12-05 02:00"',
    )
    search = commands.add_parser(
        "search",
        help="print what a person typing TEXT would get, in order (to check search words)",
        description=(
            "Print what a person typing TEXT would be offered, in the order they would meet it:"
            " urgent help first when the text reads as danger. With --json, one JSON array of"
            ' {"kind", "id", "title"} (kind: page, resource, need or place).'
        ),
    )
    search.add_argument("text", help="what the person types (quote it)")
    search.add_argument("--lang", help="the person's language (default: the content's default)")
    search.add_argument("--area", help="the person's area (a region id, for example: oakland)")
    search.add_argument("--content", type=Path, help="content folder (default: content)")
    search.add_argument("--json", action="store_true", help="print one JSON array")
    cli_upkeep.add_commands(commands)
    cli_stats.add_command(commands)
    cli_alerts.add_command(commands)
    commands.add_parser(
        "run",
        help="answer people on Telegram (long polling, or a webhook with WEBHOOK_URL);"
        " settings come from the environment",
        description="Needs BOT_TOKEN; see the README for every setting.",
    )
    outreach.add_commands(commands)
    sheet_commands.add_commands(commands)
    hsds_commands.add_commands(commands)
    return parser


def _add_new_region(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `new-region` command's options."""
    new_region = commands.add_parser(
        "new-region",
        help="write regions/ID.yaml: a commented skeleton to fill in",
        description=(
            "Write regions/ID.yaml in the content folder: one example neighbourhood and one"
            " example listing with every access fact unknown. Never overwrites a file."
        ),
    )
    new_region.add_argument("id", help="the region id (lower-case letters, digits, - and _)")
    new_region.add_argument("--name", required=True, help="the area's name, like 'Oakland, CA'")
    new_region.add_argument(
        "--timezone", required=True, help="IANA time zone, like America/Los_Angeles"
    )
    new_region.add_argument("--country", default="US", help="two-letter country code (default: US)")
    new_region.add_argument("--content", type=Path, help="content folder (default: content)")


def usable_catalog(content_dir: Path, err: TextIO) -> Catalog | None:
    """The catalog, or None after printing its errors."""
    catalog, result = load_catalog(content_dir)
    if catalog is None:
        print_errors(result, err)
    return catalog


def summary(content: Content, result: LoadResult, today: dt.date) -> list[str]:
    """The report `validate` prints when the content is usable: each region, then totals."""
    lines = ["OK: the bot can use this content.", "Regions:"]
    lines.extend(_region_lines(content, result))
    lines.append(
        f"Total: {len(content.resources)} listings in {len(content.regions)} region(s)"
        f" ({len(content.neighbourhoods)} neighbourhoods), {len(content.needs)} needs,"
        f" {len(content.pages)} pages, {len(result.problems.warnings)} warning(s)"
    )
    per_need = Counter(need for r in content.resources.values() for need in r.needs)
    lines.append("Listings per need:")
    lines.extend(f"  {need_id:<16} {per_need[need_id]}" for need_id in content.needs)
    lines.append("Translation coverage:")
    lines.extend(
        f"  {locale:<16} {result.coverage.percent(locale):.0f}%" for locale in content.locales
    )
    stale = [
        r.id
        for r in content.resources.values()
        if r.verified is None
        or (today - r.verified.date).days > content.regions[r.region_id].stale_after_days
    ]
    if stale:
        lines.append(
            f"Not verified within their region's stale_after_days: {len(stale)}"
            f" ({', '.join(stale)})"
        )
    return lines


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def _region_lines(content: Content, result: LoadResult) -> list[str]:
    """One line per region: its file, listings, neighbourhoods and warnings."""
    warnings = Counter(p.file for p in result.problems.warnings)
    hoods = Counter(h.region_id for h in content.neighbourhoods.values())
    listings = Counter(r.region_id for r in content.resources.values())
    width = max((len(region_id) for region_id in content.regions), default=0)
    lines = []
    for region_id in content.regions:
        file = result.region_files.get(region_id, "")
        lines.append(
            f"  {region_id:<{width}}  {_count(listings[region_id], 'listing')},"
            f" {_count(hoods[region_id], 'neighbourhood')},"
            f" {_count(warnings[file], 'warning')}  ({file})"
        )
    return lines


def validate(content_dir: Path, out: TextIO) -> int:
    """Print every problem of a content folder and a summary; 0 when usable, 1 on errors."""
    _catalog, result = load_catalog(content_dir)
    for problem in result.problems.sorted():
        out.write(f"{problem}\n")
    if result.content is None:
        count = len(result.problems.errors)
        out.write(f"{count} error(s): the bot will not use this content until they are fixed.\n")
        return 1
    out.write("\n".join(summary(result.content, result, dt.date.today())) + "\n")
    return 0


def new_region(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write a region skeleton; 2 for a bad option, 1 when the file cannot be written."""
    try:
        request = check_request(args.id, args.name, args.timezone, args.country)
    except SkeletonError as error:
        err.write(f"{error}\n")
        return 2
    content = args.content or default_content_dir()
    try:
        path = write_region(content, request)
    except SkeletonError as error:
        err.write(f"{error}\n")
        return 1
    except OSError as error:
        err.write(f"cannot write the region file: {error.strerror}\n")
        return 1
    out.write(
        f"Wrote {path}. Fill it in (docs/admins.md, a new region), then check it with:"
        f" python -m bot validate {content}\n"
    )
    return 0


def _start(args: argparse.Namespace, err: TextIO) -> tuple[Conversation, UserState] | int:
    """The conversation and starting state that --content, --lang and --area ask for, or the
    exit status after explaining what is wrong (2 for a bad option, 1 for broken content)."""
    catalog = usable_catalog(args.content or default_content_dir(), err)
    if catalog is None:
        return 1
    content = catalog.content
    locales = shipped_locales(content)
    locale = args.lang or content.default_locale
    if locale not in locales:
        err.write(f"--lang {locale}: not available; choose one of: {', '.join(locales)}\n")
        return 2
    if args.area and args.area not in content.regions:
        err.write(
            f"--area {args.area}: no such area; choose one of: {', '.join(content.regions)}\n"
        )
        return 2
    return Conversation(catalog, locales), UserState(locale=locale, region_id=args.area)


def search(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print what typing `args.text` offers, in order, as lines or as one JSON array."""
    started = _start(args, err)
    if isinstance(started, int):
        return started
    conversation, state = started
    view = conversation.view(state, dt.datetime.now(dt.UTC))
    refs = screens.ordered(view, screens.answer(view, ShowSearch(search_key(args.text))))
    if args.json:
        out.write(json.dumps([asdict(ref) for ref in refs], ensure_ascii=False) + "\n")
    elif not refs:
        out.write("(nothing found: the person is offered urgent help and the list of needs)\n")
    else:
        out.writelines(f"{i}. {ref.kind}:{ref.id}  {ref.title}\n" for i, ref in enumerate(refs, 1))
    return 0


def chat(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the terminal preview on standard input; 2 for a bad option, 1 for broken content."""
    started = _start(args, err)
    if isinstance(started, int):
        return started
    conversation, state = started
    moment = None
    if args.at is not None:
        moment = preview_moment(args.at, conversation.catalog.content, args.area, err)
        if moment is None:
            return 2
        out.write(f"(Preview at {args.at:%Y-%m-%d %H:%M} {moment.tzinfo})\n")
    return run_preview(
        conversation, state, sys.stdin, out, _clock(moment), interactive=sys.stdin.isatty()
    )


def _clock(moment: dt.datetime | None) -> Callable[[], dt.datetime]:
    """The preview's clock: stopped at `moment` when given, else the real time."""

    def now() -> dt.datetime:
        return moment or dt.datetime.now(dt.UTC)

    return now


def preview_moment(
    local: dt.datetime, content: Content, area: str | None, err: TextIO
) -> dt.datetime | None:
    """`local` in the timezone of `area`, else of the content's first region; None after
    explaining when that time does not exist there (the clocks jump over it)."""
    region = content.regions[area] if area else next(iter(content.regions.values()))
    zone = ZoneInfo(region.timezone)
    moment = local.replace(tzinfo=zone)
    if moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != local:
        err.write(
            f"--at {local:%Y-%m-%d %H:%M}: that time does not exist in {region.timezone} (the"
            " clocks jump forward over it); choose a time an hour later\n"
        )
        return None
    return moment


def upkeep(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`reports` or `stale`; 1 when the content cannot be read."""
    content_dir = args.content or default_content_dir()
    catalog = usable_catalog(content_dir, err)
    if catalog is None:
        return 1
    if args.command == "stale":
        return cli_upkeep.stale(args, catalog, content_dir, out, err)
    return cli_upkeep.reports(args, catalog, out, err)


def run_outreach(args: argparse.Namespace) -> int:
    """`link`, `qr` or `cards`, checked against the content; 1 when the content is broken."""
    catalog = usable_catalog(args.content or default_content_dir(), sys.stderr)
    if catalog is None:
        return 1
    content = catalog.content
    return outreach.run(args, content, shipped_locales(content), os.environ, sys.stdout, sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return validate(args.content or default_content_dir(), sys.stdout)
    if args.command == "run":
        return run(sys.stderr)
    if args.command in outreach.COMMANDS:
        return run_outreach(args)
    if args.command == "sheet-template":
        return sheet_commands.sheet_template(args, sys.stdout, sys.stderr)
    if args.command == "import-sheet":
        return sheet_commands.import_sheet_command(args, sys.stdout, sys.stderr)
    if args.command == "new-region":
        return new_region(args, sys.stdout, sys.stderr)
    if args.command == "export-hsds":
        return hsds_commands.export_hsds(args, default_content_dir(), sys.stdout, sys.stderr)
    if args.command == "import-hsds":
        return hsds_commands.import_hsds(args, default_content_dir(), sys.stdout, sys.stderr)
    try:
        if args.command == "search":
            return search(args, sys.stdout, sys.stderr)
        if args.command in ("reports", "stale"):
            return upkeep(args, sys.stdout, sys.stderr)
        if args.command == "stats":
            return cli_stats.stats(args, sys.stdout, sys.stderr)
        if args.command == "alert":
            return cli_alerts.alert(args, sys.stdout, sys.stderr)
        return chat(args, sys.stdout, sys.stderr)
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
