"""Privacy (DESIGN section 6): canaries in every field never reach a log line or a file."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from bot.domain.catalog import Catalog
from bot.store import ALLOWED_COLUMNS
from bot.ui.actions import SetArea, SetLanguage, ShowNeed, encode
from tests.app_harness import TOKEN, running_bot
from tests.canaries import LATITUDE, LONGITUDE, TEXT_WORD, canary_user, found
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import (
    callback_update,
    location_update,
    message_update,
    my_chat_member_update,
    photo_update,
    sticker_update,
    voice_update,
)

USER = canary_user("es-MX", number=7)


async def test_canaries_never_reach_logs_or_files(
    sample_catalog: Catalog,
    tmp_path: Path,
    debug_log: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data_dir = tmp_path / "data"
    async with running_bot(sample_catalog, data_dir, lambda: SUNDAY_MORNING) as bot:
        updates = [
            message_update(USER, "/start l-es__a-oakland"),
            message_update(USER, f"naloxona {TEXT_WORD}"),
            message_update(USER, TEXT_WORD),
            location_update(USER, LATITUDE, LONGITUDE),
            callback_update(USER, encode(SetLanguage("en")), 1000),
            callback_update(USER, encode(SetArea("oakland")), 1000),
            callback_update(USER, encode(ShowNeed("food")), 1000),
            callback_update(USER, f"1:{TEXT_WORD}", 1000),
            sticker_update(USER),
            photo_update(USER),
            voice_update(USER),
            message_update(USER, f"/{TEXT_WORD} {TEXT_WORD}"),
            message_update(USER, "/start", chat_type="group"),
            my_chat_member_update(USER, {"id": -5550001, "type": "group", "title": TEXT_WORD}),
        ]
        for update in updates:
            assert await bot.send(update) or "group" in str(update)

        async def broken(*args: object) -> None:
            raise ValueError(f"{USER['id']} {TEXT_WORD} {LATITUDE}")

        # Errors whose messages carry personal data, in a handler and in the gate.
        monkeypatch.setattr(bot.store, "count", broken)
        await bot.send(callback_update(USER, encode(ShowNeed("food")), 1000))
        monkeypatch.setattr(bot.store, "preferences", broken)
        await bot.send(message_update(USER, TEXT_WORD))
        monkeypatch.undo()
        await bot.send(message_update(USER, "/forget"))

    log = debug_log.getvalue()
    assert "Answered a" in log and "ValueError" in log
    assert found(log) == [] and TOKEN not in log

    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert found(path.read_bytes().decode("latin-1")) == [], path

    with sqlite3.connect(data_dir / "waypoint.sqlite3") as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            columns = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
            assert columns <= ALLOWED_COLUMNS.get(table, frozenset()), (table, columns)
        assert connection.execute("SELECT COUNT(*) FROM preferences").fetchone() == (0,)
        keys = connection.execute("SELECT * FROM counters").fetchall()
        assert all(str(USER["id"]) not in str(row) for row in keys)
