"""Command line: `python -m bot validate|chat|search|run|export-hsds|import-hsds`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from telegram.error import InvalidToken, NetworkError

from bot.app import serve
from bot.config import ConfigError, load_config
from bot.domain.catalog import Catalog, load_catalog
from bot.domain.loader import LoadResult
from bot.domain.models import Content
from bot.hsds.commands import add_commands, export_hsds, import_hsds
from bot.i18n import available_locales
from bot.logs import configure_logging
from bot.preview import run_preview
from bot.store import StoreError
from bot.ui import screens
from bot.ui.actions import ShowSearch, search_key
from bot.ui.conversation import Conversation
from bot.ui.state import UserState
from bot.webhook import WebhookError


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
    commands.add_parser(
        "run",
        help="answer people on Telegram (long polling, or a webhook with WEBHOOK_URL);"
        " settings come from the environment",
        description="Needs BOT_TOKEN; see the README for every setting.",
    )
    add_commands(commands)
    return parser


def shipped_locales(content: Content) -> tuple[str, ...]:
    """Locales with both an interface translation and content."""
    return tuple(locale for locale in available_locales() if locale in content.locales)


def usable_catalog(content_dir: Path, err: TextIO) -> Catalog | None:
    """The catalog, or None after printing its errors."""
    catalog, result = load_catalog(content_dir)
    if catalog is None:
        for problem in result.problems.errors:
            err.write(f"{problem}\n")
        err.write("The content has errors; run `python -m bot validate` for the full report.\n")
    return catalog


def summary(content: Content, result: LoadResult, today: dt.date) -> list[str]:
    """The short report `validate` prints when the content is usable."""
    per_need = Counter(need for r in content.resources.values() for need in r.needs)
    lines = [
        f"OK: {len(content.resources)} resources in {len(content.regions)} region(s)"
        f" ({len(content.neighbourhoods)} neighbourhoods), {len(content.needs)} needs,"
        f" {len(content.pages)} pages",
        "Resources per need:",
    ]
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
    return run_preview(
        conversation,
        state,
        sys.stdin,
        out,
        lambda: dt.datetime.now(dt.UTC),
        interactive=sys.stdin.isatty(),
    )


def run(err: TextIO) -> int:
    """Answer on Telegram until stopped; 2 for a bad setting, 1 when it cannot start."""
    try:
        config = load_config(os.environ)
    except ConfigError as error:
        err.write(f"{error}\n")
        return 2
    secrets = (config.token, config.hash_secret.decode(), config.webhook_secret)
    configure_logging(config.log_level, secrets=tuple(s for s in secrets if s))
    catalog = usable_catalog(config.content_dir, err)
    if catalog is None:
        return 1
    locales = shipped_locales(catalog.content)
    default = config.default_locale or catalog.content.default_locale
    if default not in locales:
        err.write(f"DEFAULT_LOCALE {default}: not available; choose one of: {', '.join(locales)}\n")
        return 2
    try:
        asyncio.run(serve(config, catalog, locales, default))
    except InvalidToken:
        err.write("Telegram refused BOT_TOKEN: copy it again from @BotFather.\n")
        return 1
    except NetworkError as error:
        err.write(
            f"Cannot reach the Bot API at {config.api_url} ({type(error).__name__}):"
            " check the network or TELEGRAM_API_URL.\n"
        )
        return 1
    except (StoreError, WebhookError) as error:
        err.write(f"{error}\n")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return validate(args.content or default_content_dir(), sys.stdout)
    if args.command == "run":
        return run(sys.stderr)
    if args.command == "export-hsds":
        return export_hsds(args, default_content_dir(), sys.stdout, sys.stderr)
    if args.command == "import-hsds":
        return import_hsds(args, default_content_dir(), sys.stdout, sys.stderr)
    try:
        if args.command == "search":
            return search(args, sys.stdout, sys.stderr)
        return chat(args, sys.stdout, sys.stderr)
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
