"""`python -m bot alert`: publish a safety alert into the outbox (a running bot delivers it
within seconds), list alerts with their delivery progress, or withdraw one."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import sqlite3
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TextIO

from bot.domain.alert_texts import read_alert_texts
from bot.domain.alerts import Alert
from bot.domain.catalog import load_catalog
from bot.domain.problems import Problems
from bot.i18n import available_locales
from bot.store import Store, StoreError

MAX_TEXT_FILE_BYTES = 64 * 1024


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `alert` to the command line."""
    alert = commands.add_parser(
        "alert",
        help="publish a safety alert to the people who opted in, list alerts, or withdraw one",
        description=(
            "Publish: --area (one or more), --expires and --text-file (YAML, the text per"
            " language; see docs/alerts.md). The running bot delivers it within seconds."
            " --list shows every alert with its delivery progress; --withdraw ID withdraws one."
        ),
    )
    alert.add_argument("--area", action="append", default=[], help="a region id (repeatable)")
    alert.add_argument("--expires", help="the alert's last day, as YYYY-MM-DD")
    alert.add_argument("--text-file", type=Path, help="YAML file: one line per language")
    alert.add_argument("--list", action="store_true", help="list alerts and their delivery")
    alert.add_argument("--withdraw", metavar="ID", help="withdraw the alert with this number")
    alert.add_argument("--content", type=Path, help="content folder (default: CONTENT_DIR)")
    alert.add_argument("--data", type=Path, help="the bot's data folder (default: DATA_DIR)")


def alert(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run `alert`: 0 done, 1 when the database or content cannot be used, 2 for bad input."""
    database = _database(args)
    if args.list or args.withdraw is not None:
        if args.area or args.expires or args.text_file or (args.list and args.withdraw):
            err.write("--list and --withdraw are used alone (with --data at most).\n")
            return 2
        if not database.is_file():
            err.write(f"No database at {database}: point DATA_DIR (or --data) at it.\n")
            return 1
        if args.list:
            return _run(_list(database, out), database, err)
        if not re.fullmatch(r"[1-9][0-9]{0,9}", args.withdraw):
            err.write(f"--withdraw {args.withdraw}: give the alert's number from --list.\n")
            return 2
        return _run(_withdraw(database, int(args.withdraw), out, err), database, err)
    return _publish(args, database, out, err)


def _database(args: argparse.Namespace) -> Path:
    data_dir = args.data or Path(os.environ.get("DATA_DIR", "").strip() or "data")
    return Path(data_dir) / "waypoint.sqlite3"


def _run(work: Coroutine[Any, Any, int], database: Path, err: TextIO) -> int:
    try:
        return asyncio.run(work)
    except (StoreError, sqlite3.DatabaseError) as error:
        err.write(f"Cannot use {database}: {error}\n")
        return 1


def _publish(args: argparse.Namespace, database: Path, out: TextIO, err: TextIO) -> int:
    given = {"--area": args.area, "--expires": args.expires, "--text-file": args.text_file}
    missing = [flag for flag, value in given.items() if not value]
    if missing:
        err.write(f"Missing {', '.join(missing)}; see `python -m bot alert --help`.\n")
        return 2
    expires = _expires(args.expires, err)
    texts = _texts(args.text_file, err)
    if expires is None or texts is None:
        return 2
    content_dir = args.content or Path(os.environ.get("CONTENT_DIR", "content"))
    areas = _areas(args.area, content_dir, err)
    if areas is None:
        return 2
    published = dt.datetime.now(dt.UTC)
    return _run(_write(database, published, expires, areas, texts, out), database, err)


def _expires(text: str, err: TextIO) -> dt.date | None:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        err.write(f"--expires {text}: not a date; write it as YYYY-MM-DD (2026-12-31)\n")
        return None
    if day < dt.datetime.now(dt.UTC).date():
        err.write(f"--expires {text}: that day has passed; give today or a later day\n")
        return None
    return day


def _texts(path: Path, err: TextIO) -> dict[str, str] | None:
    try:
        if path.stat().st_size > MAX_TEXT_FILE_BYTES:
            err.write(f"{path}:1: the file is larger than {MAX_TEXT_FILE_BYTES // 1024} KiB\n")
            return None
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        err.write(f"{path}:1: not UTF-8 text; save the file as UTF-8\n")
        return None
    except OSError as error:
        err.write(f"--text-file {path}: cannot read it ({error.strerror})\n")
        return None
    problems = Problems()
    texts = read_alert_texts(source, str(path), available_locales(), problems)
    if problems.errors:
        for problem in problems.sorted():
            err.write(f"{problem}\n")
        return None
    return texts


def _areas(wanted: list[str], content_dir: Path, err: TextIO) -> tuple[str, ...] | None:
    catalog, _result = load_catalog(content_dir)
    if catalog is None:
        err.write(f"Cannot check the areas: the content in {content_dir} has errors;")
        err.write(" run `python -m bot validate`.\n")
        return None
    regions = catalog.content.regions
    unknown = [area for area in wanted if area not in regions]
    if unknown:
        err.write(
            f"--area {', '.join(unknown)}: no such area; use one of {', '.join(sorted(regions))}\n"
        )
        return None
    return tuple(dict.fromkeys(wanted))


async def _write(
    database: Path,
    published: dt.datetime,
    expires: dt.date,
    areas: tuple[str, ...],
    texts: dict[str, str],
    out: TextIO,
) -> int:
    store = await Store.open(database)
    try:
        alert_id = await store.alerts.publish(published, expires, areas, texts)
        progress = await store.alerts.progress(alert_id)
    finally:
        await store.close()
    out.write(
        f"Alert {alert_id} published for {', '.join(areas)} until {expires.isoformat()}:"
        f" {progress.waiting} message(s) waiting; a running bot sends them within seconds.\n"
    )
    return 0


async def _list(database: Path, out: TextIO) -> int:
    store = await Store.open(database)
    try:
        alerts = await store.alerts.alerts()
        lines = [await _line(store, alert) for alert in alerts]
    finally:
        await store.close()
    out.write("\n".join(lines) + "\n" if lines else "No alerts yet.\n")
    return 0


async def _line(store: Store, alert: Alert) -> str:
    progress = await store.alerts.progress(alert.alert_id)
    today = dt.datetime.now(dt.UTC).date()
    status = "withdrawn" if alert.withdrawn else "current" if alert.current(today) else "expired"
    return (
        f"{alert.alert_id}: {alert.published:%Y-%m-%d %H:%M} UTC, {', '.join(alert.areas)},"
        f" until {alert.expires.isoformat()} ({status}); languages {', '.join(alert.texts)};"
        f" sent {progress.sent}, waiting {progress.waiting}, failed {progress.failed}"
    )


async def _withdraw(database: Path, alert_id: int, out: TextIO, err: TextIO) -> int:
    store = await Store.open(database)
    try:
        withdrawn = await store.alerts.withdraw(alert_id)
    finally:
        await store.close()
    if not withdrawn:
        err.write(f"--withdraw {alert_id}: no such alert, or it was withdrawn already.\n")
        return 2
    out.write(
        f"Alert {alert_id} withdrawn: it is no longer shown, nothing more is sent, and a running"
        " bot deletes the messages it delivered where Telegram still allows (48 hours).\n"
    )
    return 0
