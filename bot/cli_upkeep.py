"""Command line for keeping listings true: `python -m bot reports` and `python -m bot stale`.

Output is English for admins and outreach staff; counts under 5 read "fewer than 5".
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
from pathlib import Path
from typing import TextIO

from bot.config import DATABASE_FILE
from bot.domain.catalog import Catalog
from bot.domain.listing_places import listing_places
from bot.domain.models import Content
from bot.domain.upkeep import (
    SHOWN_FROM,
    EmptyTally,
    ListingTally,
    shown_count,
    stale_listings,
    tally_empty_searches,
    tally_reports,
)
from bot.store import EmptySearchCount, ReportCount, Store, StoreError

MAX_DAYS = 36_500
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DAYS = re.compile(r"[0-9]{1,5}\Z")
REASON_LABELS = {
    "closed": "closed",
    "hours": "wrong hours",
    "contact": "wrong phone or address",
    "unsafe": "treated badly or unsafe",
}


def since_date(value: str) -> dt.date:
    """--since: a day written YYYY-MM-DD."""
    try:
        if _DATE.match(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{value!r} is not a date; write it like 2026-11-01")


def day_count(value: str) -> int:
    """--days: a whole number of days from 1 to MAX_DAYS."""
    if _DAYS.match(value) and 1 <= int(value) <= MAX_DAYS:
        return int(value)
    raise argparse.ArgumentTypeError(
        f"{value!r} is not a number of days; write a whole number from 1 to {MAX_DAYS}, like 180"
    )


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `reports` and `stale` to the command-line parser."""
    reports = commands.add_parser(
        "reports",
        help="what people reported about listings, and searches that found nothing",
        description=(
            'Counts of "something is wrong here" reports per listing, reason and day (the most'
            " recently reported listing first, then the most reported), and of searches that"
            ' found nothing per language and need. Counts under 5 read "fewer than 5". Reads'
            " the bot's database in --data (default: $DATA_DIR, else ./data)."
        ),
    )
    reports.add_argument("--since", type=since_date, help="only from this day on (YYYY-MM-DD)")
    reports.add_argument("--area", help="only this area (a region id, for example: oakland)")
    reports.add_argument("--content", type=Path, help="content folder (default: content)")
    reports.add_argument("--data", type=Path, help="the bot's DATA_DIR (default: data)")
    stale = commands.add_parser(
        "stale",
        help="listings not verified for too long, oldest first, with their file and line",
        description=(
            "List listings whose `verified` date is older than --days days (default: each"
            " region's stale_after_days) or missing, never verified first, then oldest first."
        ),
    )
    stale.add_argument("--days", type=day_count, help="older than this many days")
    stale.add_argument("--area", help="only this area (a region id, for example: oakland)")
    stale.add_argument("--content", type=Path, help="content folder (default: content)")


def check_area(area: str | None, content: Content, err: TextIO) -> bool:
    """Whether --area names a region of the content (explaining when not)."""
    if area is None or area in content.regions:
        return True
    err.write(f"--area {area}: no such area; choose one of: {', '.join(content.regions)}\n")
    return False


def shown(count: int) -> str:
    """A count as the command line shows it."""
    return shown_count(count) or f"fewer than {SHOWN_FROM}"


def listing_title(content: Content, resource_id: str) -> str:
    """ "id  Name (Region)", or the id and a note when it is no longer in the content."""
    resource = content.resources.get(resource_id)
    if resource is None:
        return f"{resource_id}  (no longer in the content)"
    region = content.regions[resource.region_id]
    locale = content.default_locale
    return f"{resource_id}  {resource.name.get(locale)} ({region.name.get(locale)})"


def stale(
    args: argparse.Namespace, catalog: Catalog, content_dir: Path, out: TextIO, err: TextIO
) -> int:
    """Print the stale listings of the catalog read from `content_dir`, oldest first, each
    with its file and line; 2 for a bad --area."""
    content = catalog.content
    if not check_area(args.area, content, err):
        return 2
    found = stale_listings(content, dt.date.today(), args.days, args.area)
    places = listing_places(content_dir)
    limit = (
        f"for more than {args.days} days" if args.days else "within their region's stale_after_days"
    )
    if not found:
        out.write(f"No listing is stale: every one was verified {limit}.\n")
        return 0
    out.write(f"{len(found)} listing(s) not verified {limit}, oldest first:\n")
    for item in found:
        when = item.verified.isoformat() if item.verified else "never     "
        place = places.get(item.resource.id)
        out.write(
            f"{when}  {place or '(file not found)'}  {listing_title(content, item.resource.id)}\n"
        )
    return 0


def reports(args: argparse.Namespace, catalog: Catalog, out: TextIO, err: TextIO) -> int:
    """Print the report counts and the empty-search counts; 2 for a bad option, 1 when the
    database cannot be read."""
    content = catalog.content
    if not check_area(args.area, content, err):
        return 2
    data_dir = args.data or Path(os.environ.get("DATA_DIR", "").strip() or "data")
    database = data_dir / DATABASE_FILE
    if not database.is_file():
        err.write(
            f"No database at {database}: the bot keeps its counts there once it has run."
            " Point --data (or DATA_DIR) at the bot's data folder.\n"
        )
        return 1
    try:
        report_rows, empty_rows = asyncio.run(_read(database, args.since))
    except StoreError as error:
        err.write(f"{error}\n")
        return 1
    area = args.area
    listings = [
        tally
        for tally in tally_reports((c.day, c.resource_id, c.reason, c.count) for c in report_rows)
        if area is None or _region_of(content, tally.resource_id) == area
    ]
    empty = tally_empty_searches(
        (c.locale, c.need_id, c.count) for c in empty_rows if area is None or c.region_id == area
    )
    out.writelines(line + "\n" for line in report_lines(content, args.since, listings, empty))
    return 0


async def _read(
    database: Path, since: dt.date | None
) -> tuple[list[ReportCount], list[EmptySearchCount]]:
    store = await Store.open(database)
    try:
        return await store.report_counts(since), await store.empty_search_counts(since)
    finally:
        await store.close()


def _region_of(content: Content, resource_id: str) -> str | None:
    resource = content.resources.get(resource_id)
    return resource.region_id if resource is not None else None


def report_lines(
    content: Content, since: dt.date | None, listings: list[ListingTally], empty: list[EmptyTally]
) -> list[str]:
    """The `reports` output: listings, then searches that found nothing."""
    period = f"since {since.isoformat()}" if since else "all days kept"
    lines = [
        f"Listing reports ({period}), most recently reported first;"
        f' counts under {SHOWN_FROM} read "fewer than {SHOWN_FROM}":'
    ]
    if not listings:
        lines.append("  (no listing was reported)")
    for listing in listings:
        lines.append(listing_title(content, listing.resource_id))
        for tally in listing.reasons:
            label = REASON_LABELS.get(tally.reason, tally.reason)
            days = ", ".join(day.isoformat() for day in tally.days)
            lines.append(f"  {label}: {shown(tally.total)}  (days: {days})")
    lines.append("")
    lines.append(
        f"Searches that found nothing ({period}), per language and need (never the words):"
    )
    if not empty:
        lines.append("  (none)")
    for searched in empty:
        need = searched.need_id or "(no particular need)"
        lines.append(f"  {searched.locale:<8} {need:<20} {shown(searched.total)}")
    return lines
