"""Data at rest: after 1,000 simulated people use every feature with canary values (some
erase, some clear the chat, some turn disappearing messages on, some report a listing or search
for something not there, some come by a campaign link, share and use inline mode), the database
holds only the allowed columns, no canary in any form, and the bot wrote only the allowed
files."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from telegram import Update

from bot.domain.catalog import Catalog
from bot.domain.upkeep import ReportReason
from bot.store import ALLOWED_COLUMNS
from bot.ui.actions import SendReport, SetDisappearing, SetLanguage, SetProtect, ShowNeed, encode
from tests.app_harness import running_bot
from tests.canaries import FIRST_NAME, ID_PREFIX, LATITUDE, LONGITUDE, TEXT_WORD, found
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, location_update, message_update

PEOPLE = 1000
# cache/catalog.bin: the compiled content cache (public content only; see
# tests/test_content_cache.py for the canary check of its bytes).
ALLOWED_FILES = {"waypoint.sqlite3", "waypoint.sqlite3-wal", "waypoint.sqlite3-shm", "catalog.bin"}


def person(n: int) -> dict[str, object]:
    return {
        "id": int(f"{ID_PREFIX}{n:03d}"),
        "is_bot": False,
        "first_name": FIRST_NAME,
        "username": f"canary_{n}",
        "language_code": "es-MX",
    }


def inline_query(user: dict[str, object], query: str) -> dict[str, object]:
    """An inline query (from no chat) with canary text."""
    return {"inline_query": {"id": "77", "from": user, "query": query, "offset": ""}}


def binary_forms(number: int) -> list[bytes]:
    """How SQLite could store an integer (big-endian, 6 or 8 bytes) or a text could hold it."""
    return [number.to_bytes(6, "big"), number.to_bytes(8, "big"), str(number).encode()]


async def test_a_thousand_people_leave_nothing_identifying_on_disk(
    sample_catalog: Catalog, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    async with running_bot(sample_catalog, data, lambda: SUNDAY_MORNING) as bot:
        ids = iter(range(1, 10**6))

        async def send(raw: dict[str, object]) -> None:
            update = {"update_id": next(ids), **raw}
            await bot.application.process_update(Update.de_json(update, bot.application.bot))

        async def press(user: dict[str, object], action: object) -> None:
            message = {"message_id": 5, "date": 0, "chat": {"id": user["id"], "type": "private"}}
            await send(callback_update(user, encode(action), 5, message=message))  # type: ignore[arg-type]

        kept = 0
        for n in range(PEOPLE):
            user = person(n)
            await send(message_update(user, "/start l-es__a-oakland__n-food"))
            await send(message_update(user, f"{TEXT_WORD} condones"))
            await send(location_update(user, LATITUDE, LONGITUDE))
            await press(user, ShowNeed("shelter"))
            if n % 10 == 0:
                await press(user, SetDisappearing(60))
                await send(message_update(user, "ducha"))
            if n % 7 == 0:
                await press(user, SetProtect(True))
            if n % 8 == 0:
                await press(user, SendReport("night-owl-drop-in", ReportReason.UNSAFE))
                await send(message_update(user, f"{TEXT_WORD} {FIRST_NAME}"))
            if n % 11 == 0:
                await press(user, SetLanguage("en"))
            if n % 9 == 0:
                await send(message_update(user, "/clear"))
            if n % 10 == 3:
                await send(message_update(user, "/start l-es__c-flyer1"))
                await send(message_update(user, "/share"))
                await send(inline_query(user, f"{TEXT_WORD} naloxona"))
                await send(
                    {
                        "chosen_inline_result": {
                            "result_id": "n.food",
                            "from": user,
                            "query": TEXT_WORD,
                        }
                    }
                )
            if n % 5 == 0:
                await send(message_update(user, "/forget"))
            else:
                kept += 1
        bot.handlers.deleter.clock = lambda: time.time() + 3600
        await bot.handlers.deleter.run_due(bot.application.bot)
        await bot.store.flush_counts()  # the running bot writes its counts every few seconds
        database = data / "waypoint.sqlite3"
        with closing(sqlite3.connect(database)) as connection:
            rows = connection.execute("SELECT COUNT(*) FROM preferences").fetchone()[0]
            reported = connection.execute("SELECT SUM(count) FROM listing_reports").fetchone()[0]
            missed = connection.execute("SELECT SUM(count) FROM empty_searches").fetchone()[0]
            waiting = connection.execute("SELECT COUNT(*) FROM deletions").fetchone()[0]
            tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master")]
            live = {
                table: frozenset(c[1] for c in connection.execute(f"PRAGMA table_info({table})"))
                for table in tables
            }
        assert rows == kept and waiting == 0
        assert reported == missed == PEOPLE // 8
        assert live == ALLOWED_COLUMNS
        on_disk = {path.name: path.read_bytes() for path in data.rglob("*") if path.is_file()}
        assert set(on_disk) <= ALLOWED_FILES
    for name, raw in on_disk.items():
        assert found(raw.decode("latin-1")) == [], name
        for n in range(0, PEOPLE, 37):
            for form in binary_forms(int(person(n)["id"])):  # type: ignore[call-overload]
                assert form not in raw, (name, n)
