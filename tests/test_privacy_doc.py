"""docs/privacy.md and the privacy screen stay in step with the real database schema."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.domain.catalog import Catalog
from bot.store import ALLOWED_COLUMNS, Store
from bot.ui.conversation import Command, Conversation
from bot.ui.state import UserState
from tests.conftest import ROOT, SUNDAY_MORNING

DOC = ROOT / "docs" / "privacy.md"
# What the privacy screen must name for each table the database holds.
SCREEN_WORDS = {
    "preferences": ("Your choices", "scrambled code", "/forget"),
    "deletions": ("disappearing messages", "48 hours", "locked"),
    "counters": ("Counts with no names",),
    "audit": ("admins changed", "nothing about you"),
    "listing_reports": ("something is wrong here", "per listing, reason and day"),
    "empty_searches": ("searches that found nothing", "never the words"),
    "campaign_starts": ("outreach link", "nothing that says who"),
    "shares": ("cards were shared",),
    "alerts": ("safety alerts the organisation published", "nothing about who"),
    "alert_subscribers": ("turn on safety alerts", "locked", "goes when you stop"),
    "alert_outbox": ("message number", "48 hours"),
}


async def live_columns(tmp_path: Path) -> set[str]:
    path = tmp_path / "data" / "waypoint.sqlite3"
    await (await Store.open(path)).close()
    with closing(sqlite3.connect(path)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
        return {
            f"{table}.{column[1]}"
            for table in tables
            for column in connection.execute(f"PRAGMA table_info({table})")
        }


async def test_the_doc_lists_exactly_the_columns_of_the_database(tmp_path: Path) -> None:
    documented = set(re.findall(r"^\| `(\w+\.\w+)` \|", DOC.read_text(), re.MULTILINE))
    live = await live_columns(tmp_path)
    allowed = {f"{table}.{column}" for table, cols in ALLOWED_COLUMNS.items() for column in cols}
    assert documented == live == allowed


def test_the_privacy_screen_names_every_table(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, ("en",))
    screen = conversation.respond(Command("privacy"), UserState("en"), SUNDAY_MORNING).screen
    text = "\n".join(screen.messages)
    assert set(SCREEN_WORDS) == set(ALLOWED_COLUMNS)
    for table, words in SCREEN_WORDS.items():
        for word in words:
            assert word in text, (table, word)
