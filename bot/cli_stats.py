"""`python -m bot stats`: the anonymous counts (campaign starts, shared cards, need lists)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import sqlite3
from pathlib import Path
from typing import TextIO

from bot.i18n import translator
from bot.stats import StatsTables, read_stats, write_csv, write_plots
from bot.store import Store, StoreError
from bot.ui.screens.stats import section_lines, stats_header


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `stats` to the command line."""
    stats = commands.add_parser(
        "stats",
        help="print the anonymous counts (campaign starts, shared cards, need lists)",
        description=(
            "Print the anonymous counts from the bot's database (DATA_DIR, or --data): starts"
            " per outreach campaign, cards shared and need lists opened, per day. Counts under 5"
            " show as 'fewer than 5', and a total with one of them in it is not shown."
        ),
    )
    stats.add_argument("--since", help="first day to count, as YYYY-MM-DD (default: all)")
    stats.add_argument("--csv", action="store_true", help="print CSV instead of text")
    stats.add_argument("--plot", type=Path, metavar="DIR", help="also write a PNG per week")
    stats.add_argument("--data", type=Path, help="the bot's data folder (default: DATA_DIR)")


def _since(text: str | None) -> dt.date | None:
    """--since as a date (None when absent); ValueError when it is not YYYY-MM-DD."""
    if text is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def stats(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the anonymous counts; 2 for a bad option, 1 when the database cannot be read."""
    try:
        since = _since(args.since)
    except ValueError:
        err.write(f"--since {args.since}: not a date; write it as YYYY-MM-DD (2026-11-01)\n")
        return 2
    data_dir = args.data or Path(os.environ.get("DATA_DIR", "").strip() or "data")
    database = data_dir / "waypoint.sqlite3"
    if not database.is_file():
        err.write(
            f"No database at {database}: point DATA_DIR (or --data) at the bot's data folder.\n"
        )
        return 1
    if args.plot is not None and args.plot.exists() and not args.plot.is_dir():
        err.write(f"--plot {args.plot}: not a folder; give a folder for the PNG files.\n")
        return 2
    try:
        tables = asyncio.run(_read_stats(database, since))
    except (StoreError, sqlite3.DatabaseError) as error:
        err.write(f"Cannot read {database}: {error}\n")
        return 1
    if args.csv:
        write_csv(tables, out)
    else:
        _print_stats(tables, out)
    if args.plot is not None:
        try:
            written = write_plots(tables, args.plot)
        except OSError as error:
            err.write(f"--plot {args.plot}: cannot write there ({error.strerror}).\n")
            return 1
        err.write(f"Wrote {len(written)} chart(s) to {args.plot}\n")
    return 0


async def _read_stats(database: Path, since: dt.date | None) -> StatsTables:
    store = await Store.open(database)
    try:
        return await read_stats(store, since)
    finally:
        await store.close()


def _print_stats(tables: StatsTables, out: TextIO) -> None:
    tr = translator("en")
    lines = [stats_header(tr, tables.since)]
    for section in tables.sections():
        lines.append("")
        lines.extend(section_lines(tr, section))
    out.write("\n".join(lines) + "\n")
