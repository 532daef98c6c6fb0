"""The real Application from `bot.app`, fed Update objects in process, with a recording request."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import WaypointApplication, build_application, register_commands
from bot.config import Config
from bot.domain.catalog import Catalog
from bot.handlers.handlers import Handlers
from bot.store import Store
from bot.ui.conversation import Conversation
from bot.user_keys import UserKeys
from tests.recording_request import ApiCall, RecordingRequest

TOKEN = "7000000001:AAH-test-token-never-real-000000000000"
SECRET = b"0123456789abcdef0123456789abcdef-test-secret"
LOCALES = ("en", "es")


def harness_config(data_dir: Path) -> Config:
    """A configuration for in-process tests (no environment, nothing real)."""
    return Config(
        token=TOKEN,
        api_url="http://127.0.0.1:9",
        content_dir=Path("content"),
        data_dir=data_dir,
        admin_ids=frozenset(),
        default_locale="en",
        log_level=logging.DEBUG,
        hash_secret=SECRET,
    )


@dataclass
class Harness:
    """One running Application and what it sent."""

    application: WaypointApplication
    request: RecordingRequest
    handlers: Handlers
    store: Store
    data_dir: Path

    async def send(self, update: dict[str, Any]) -> list[ApiCall]:
        """Process one update (Bot API JSON); the calls the bot made for it."""
        mark = len(self.request.calls)
        update = {"update_id": mark + 1, **update}
        await self.application.process_update(Update.de_json(update, self.application.bot))
        return self.request.since(mark)


@asynccontextmanager
async def running_bot(
    catalog: Catalog,
    data_dir: Path,
    clock: Callable[[], dt.datetime],
    admin_ids: frozenset[int] = frozenset(),
) -> AsyncIterator[Harness]:
    """An initialised Application over a fresh store in `data_dir` (`admin_ids` as ADMIN_IDS)."""
    store = await Store.open(data_dir / "waypoint.sqlite3")
    handlers = Handlers(
        Conversation(catalog, LOCALES), store, UserKeys(SECRET), "en", clock, admin_ids=admin_ids
    )
    request = RecordingRequest()
    application = build_application(harness_config(data_dir), handlers, request=request)
    try:
        async with application:
            await register_commands(application, handlers)
            yield Harness(application, request, handlers, store, data_dir)
    finally:
        await store.close()


def sent_texts(calls: list[ApiCall]) -> list[str]:
    """The texts of every message sent or edited."""
    return [c.text for c in calls if c.method in ("sendMessage", "editMessageText")]


def last_screen(calls: list[ApiCall]) -> ApiCall:
    """The last message sent or edited."""
    return [c for c in calls if c.method in ("sendMessage", "editMessageText")][-1]
