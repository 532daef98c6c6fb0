"""End to end: `python -m bot run` in a subprocess, long polling a fake Bot API on 127.0.0.1.

Every wait is on a condition with a deadline (the fake server's recorded calls).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.ui.actions import SetArea, ShowNeed, ShowNeeds, encode
from tests.canaries import LATITUDE, LONGITUDE, canary_user, found
from tests.conftest import CONTENT, ROOT
from tests.fake_bot_api import Call, FakeBotApi, location_update, message_update

TOKEN = "7000000002:AAE-end-to-end-token-0000000000000000"
USER = canary_user("es-MX", number=5)
DEADLINE = 20.0


@dataclass
class RunningBot:
    """The bot process, the fake API it polls, and where its logs and data go."""

    api: FakeBotApi
    process: subprocess.Popen[bytes]
    data_dir: Path
    log_path: Path

    def ask(self, update: dict[str, Any], method: str = "sendMessage") -> Call:
        """Push an update and wait for the bot's `method` call to this user's chat."""
        since = self.api.mark()
        self.api.push_update(update)
        return self.api.wait_for_call(
            method,
            since=since,
            timeout=DEADLINE,
            where=lambda call: call.int_param("chat_id") == USER["id"],
        )

    def press(self, screen: Call, data: str, *, forged: bool = False) -> Call:
        """Press the button with `data` under the message `screen` (a sent or edited message);
        `forged` sends data that is not on any button, as a modified client could."""
        assert forged or data in buttons(screen), (data, buttons(screen))
        message_id = screen.int_param("message_id") or self.last_message_id()
        since = self.api.mark()
        self.api.push_update(self.api.callback_update(USER, data, message_id))
        self.api.wait_for_call("answerCallbackQuery", since=since, timeout=DEADLINE)
        return self.api.wait_for(
            lambda calls: next(
                (
                    c
                    for c in calls[since:]
                    if c.method in ("editMessageText", "sendMessage")
                    and c.int_param("chat_id") == USER["id"]
                ),
                None,
            ),
            timeout=DEADLINE,
        )

    def last_message_id(self) -> int:
        """The id of the newest message the bot sent to the user."""
        return int(self.api.sent_messages(USER["id"])[-1]["message_id"])


def buttons(screen: Call) -> list[str]:
    """The callback data of every button under a message."""
    markup = screen.get("reply_markup") or {}
    return [str(b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


def button(screen: Call, label_part: str) -> str:
    """The callback data of the first button whose label contains `label_part`."""
    for row in screen.get("reply_markup")["inline_keyboard"]:
        for b in row:
            if label_part in b["text"]:
                return str(b["callback_data"])
    raise AssertionError(f"no button {label_part!r}")


@pytest.fixture
def running(tmp_path: Path) -> Iterator[RunningBot]:
    data_dir = tmp_path / "data"
    log_path = tmp_path / "bot.log"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("HASH_SECRET", "DEFAULT_LOCALE")},
        "BOT_TOKEN": TOKEN,
        "DATA_DIR": str(data_dir),
        "CONTENT_DIR": str(CONTENT),
        "LOG_LEVEL": "DEBUG",
    }
    with FakeBotApi(token=TOKEN) as api, log_path.open("wb") as log:
        env["TELEGRAM_API_URL"] = api.url
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stderr=log, stdout=log
        )
        try:
            api.wait_until_polled(timeout=DEADLINE)
            yield RunningBot(api, process, data_dir, log_path)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=DEADLINE)


def test_a_spanish_user_end_to_end_over_real_polling(running: RunningBot) -> None:
    welcome = running.ask(message_update(USER, "/start"))
    assert "Hola" in welcome.get("text")
    picker = running.press(welcome, button(welcome, "▶"))
    menu = running.press(picker, encode(SetArea("oakland")))
    assert "¿Qué necesitas?" in menu.get("text")
    needs = running.press(menu, encode(ShowNeeds()))
    food = running.press(needs, encode(ShowNeed("food")))
    card = running.press(food, next(b for b in buttons(food) if b.startswith("1:r:")))
    assert "Última verificación" in card.get("text")

    results = running.ask(message_update(USER, "naloxona"))
    assert "naloxona" in results.get("text").lower()
    nearest = running.ask(location_update(USER, LATITUDE, LONGITUDE))
    assert " mi" in nearest.get("text")
    forged = running.press(nearest, "1:zz:not-ours", forged=True)
    assert "ya no funciona" in forged.get("text")

    forgotten = running.ask(message_update(USER, "/forget"))
    assert "se borraron" in forgotten.get("text")

    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(timeout=DEADLINE) == 0

    database = running.data_dir / "waypoint.sqlite3"
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM preferences").fetchone() == (0,)
    assert (running.data_dir / "hash-secret").stat().st_mode & 0o777 == 0o600
    log = running.log_path.read_text(encoding="utf-8", errors="replace")
    assert "Waiting for updates" in log
    assert found(log) == [] and TOKEN not in log
    files = [path for path in running.data_dir.rglob("*") if path.is_file()]
    assert running.data_dir / "cache" / "catalog.bin" in files  # the compiled content cache
    for path in files:
        assert found(path.read_bytes().decode("latin-1")) == [], path


def test_sigterm_with_a_backlog_confirms_only_handled_updates(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("HASH_SECRET", "DEFAULT_LOCALE")},
        "BOT_TOKEN": TOKEN,
        "DATA_DIR": str(tmp_path / "data"),
        "CONTENT_DIR": str(CONTENT),
        "STOP_GRACE_SECONDS": "1",
    }
    with FakeBotApi(token=TOKEN) as api:
        env["TELEGRAM_API_URL"] = api.url
        api.delay("sendMessage", 0.3)
        people = [canary_user("en", number=n % 10) | {"id": 6_000 + n} for n in range(300)]
        pushed = {api.push_update(message_update(p, "condoms")): p["id"] for p in people}
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            api.wait_for_call("sendMessage", timeout=DEADLINE)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=DEADLINE) == 0
        finally:
            if process.poll() is None:
                process.kill()
        left = {u["update_id"] for u in api.pending_updates()}
        answered = {c.int_param("chat_id") for c in api.calls_to("sendMessage")}
        confirmed = set(pushed) - left
        assert left, "a backlog was left for the next start"
        assert {pushed[u] for u in confirmed} <= answered
