"""Safety alert delivery, measured against the fake Bot API of ``tests/fake_bot_api.py``.

- rate: N subscribers (default 10,000) get one alert while the fake enforces Telegram's 30
  messages a second for the bot (429 with retry_after past it); the sender runs at ALERT_RATE
  (default 25). Sustained rate (messages over the time from the first to the last), 429s after
  the first, lost (subscribers never sent to) and duplicates. Then 50 subscribers get three
  alerts in a row: the shortest gap between two messages to one chat (aim: at least 1 s).
- kills: ``python -m bot run`` (a subprocess, as in service) broadcasting to 2,000 subscribers
  is killed with SIGKILL at seeded random moments and started again on the same DATA_DIR, up to
  --kills times or until the outbox is empty; after each kill ``PRAGMA integrity_check``. Lost,
  and duplicates against the number of kills (aim: at most one per kill).
- interactive: people send /start while a broadcast runs in the same process (the sender on
  its own Bot and connections, as ``bot.app.serve`` runs it); how long each answer takes, with
  and without the broadcast (aim: the broadcast adds at most 100 ms).

Timings vary with the machine and its load (printed). The exit status is 0 whatever the
results. Run from the repository root:

    .venv/bin/python bench/alerts_bench.py                     # everything (about 9 minutes)
    .venv/bin/python bench/alerts_bench.py --only rate --subscribers 2000
    .venv/bin/python bench/alerts_bench.py --only kills --kills 50
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for bot.* and tests.*
sys.path.insert(0, str(Path(__file__).resolve().parent))

import itertools

from reliability_bench import BotProcess, kill_leftovers, wait_until
from search_bench import machine
from telegram import Bot, Update
from telegram.request import HTTPXRequest

from bot.app import alert_sender, build_application
from bot.config import Config
from bot.domain.catalog import load_catalog
from bot.handlers.alert_sender import AlertSender
from bot.handlers.handlers import Handlers
from bot.sealed import ChatSeal
from bot.store import Store
from bot.store.alerts import Subscription
from bot.ui.conversation import Conversation
from bot.user_keys import UserKeys
from tests.fake_bot_api import FakeBotApi, make_user, message_update

SECRET = "alerts-bench-secret-0123456789-abcdefghijklmnop"
TOKEN = "7000000004:AAS-alerts-bench-token-000000000000000"
AREA = "oakland"
FIRST_CHAT = 30_000_000
SEED = 2026


def table(rows: Sequence[tuple[str, object]]) -> str:
    """A two-column Markdown table."""
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


async def open_with_subscribers(path: Path, count: int, secret: bytes) -> Store:
    """A store with `count` subscribers to AREA, chat ids FIRST_CHAT onwards."""
    store = await Store.open(path)
    seal, keys = ChatSeal(secret), UserKeys(secret)
    for chat in range(FIRST_CHAT, FIRST_CHAT + count):
        subscription = Subscription(seal.seal(chat), (AREA,), "en")
        await store.alerts.subscribe(keys.key_for(chat), subscription)
    return store


async def publish(store: Store, text: str = "Bench alert: a grey van.") -> int:
    today = dt.datetime.now(dt.UTC)
    return await store.alerts.publish(
        today, today.date() + dt.timedelta(days=1), (AREA,), {"en": text}
    )


def sends(api: FakeBotApi) -> list[tuple[int, float]]:
    """(chat, time) of every sendMessage that took effect."""
    return [
        (int(e.call.params["chat_id"]), e.at) for e in api.effects if e.call.method == "sendMessage"
    ]


def sender_for(store: Store, secret: bytes, rate: float) -> AlertSender:
    catalog, _ = load_catalog(Path("content"))
    assert catalog is not None
    conversation = Conversation(catalog, ("en",))
    handlers = Handlers(conversation, store, UserKeys(secret), "en")
    config = replace(_config(Path("."), "http://127.0.0.1:9", secret), alert_rate=rate)
    return alert_sender(config, handlers)


def _config(data_dir: Path, api_url: str, secret: bytes) -> Config:
    return Config(
        token=TOKEN,
        api_url=api_url,
        content_dir=Path("content"),
        data_dir=data_dir,
        admin_ids=frozenset(),
        default_locale="en",
        log_level=logging.WARNING,
        hash_secret=secret,
    )


async def drain(sender: AlertSender, bot: Bot, store: Store, alert_ids: list[int]) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(bot, stop))
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        waiting = [(await store.alerts.progress(a)).waiting for a in alert_ids]
        if not any(waiting):
            break
        await asyncio.sleep(0.2)
    stop.set()
    await task


async def run_rate(args: argparse.Namespace, tmp: Path) -> str:
    secret = SECRET.encode()
    rows: list[tuple[str, object]] = []
    with FakeBotApi(token=TOKEN) as api:
        api.limit_rate(30)
        store = await open_with_subscribers(tmp / "rate" / "w.sqlite3", args.subscribers, secret)
        alert_id = await publish(store)
        async with Bot(TOKEN, base_url=f"{api.url}/bot", request=HTTPXRequest(2)) as bot:
            sender = sender_for(store, secret, args.rate)
            await drain(sender, bot, store, [alert_id])
        sent = sends(api)
        limited = [f for f in api.faults if f.kind == "rate_limit"]
        per_chat = Counter(chat for chat, _ in sent)
        span = sent[-1][1] - sent[0][1] if len(sent) > 1 else 0.0
        rows += [
            ("subscribers", args.subscribers),
            ("configured rate (ALERT_RATE)", f"{args.rate:g}/s"),
            ("fake's limit", "30/s overall, 429 retry_after 1 s past it"),
            ("sent", len(sent)),
            ("sustained rate (first to last send)", f"{(len(sent) - 1) / span:.2f}/s"),
            ("... as a share of the configured rate", f"{(len(sent) - 1) / span / args.rate:.1%}"),
            ("429s in all", len(limited)),
            ("429s after the first", max(len(limited) - 1, 0)),
            ("lost (never sent)", args.subscribers - len(per_chat)),
            ("duplicates", sum(n - 1 for n in per_chat.values())),
        ]
        await store.close()
    rows += await per_chat_gap(tmp, secret, args.rate)
    return table(rows)


async def per_chat_gap(tmp: Path, secret: bytes, rate: float) -> list[tuple[str, object]]:
    with FakeBotApi(token=TOKEN) as api:
        api.limit_rate(30)
        store = await open_with_subscribers(tmp / "gap" / "w.sqlite3", 50, secret)
        alert_ids = [await publish(store, f"alert {n}") for n in range(3)]
        async with Bot(TOKEN, base_url=f"{api.url}/bot", request=HTTPXRequest(2)) as bot:
            await drain(sender_for(store, secret, rate), bot, store, alert_ids)
        await store.close()
        times: dict[int, list[float]] = {}
        for chat, at in sends(api):
            times.setdefault(chat, []).append(at)
    gaps = [b - a for ts in times.values() for a, b in itertools.pairwise(ts)]
    return [
        ("3 alerts to 50 subscribers: messages", sum(len(t) for t in times.values())),
        ("shortest gap between two messages to one chat", f"{min(gaps):.3f} s"),
    ]


def integrity(database: Path) -> str:
    with closing(sqlite3.connect(database)) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def waiting_rows(database: Path) -> int:
    with closing(sqlite3.connect(database)) as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM alert_outbox WHERE state = 'waiting'"
        ).fetchone()
    return int(row[0])


def run_kills(args: argparse.Namespace, tmp: Path) -> str:
    rng = random.Random(SEED)
    secret = SECRET.encode()
    data = tmp / "kills"
    database = data / "waypoint.sqlite3"
    count = args.kill_subscribers

    async def prepare() -> None:
        store = await open_with_subscribers(database, count, secret)
        await publish(store)
        await store.close()

    asyncio.run(prepare())
    kills, bad_checks, starts = 0, 0, []
    with FakeBotApi(token=TOKEN) as api:
        bot = BotProcess(
            api,
            data,
            Path(args.log) if args.log else tmp / "kills.log",
            BOT_TOKEN=TOKEN,
            HASH_SECRET=SECRET,
            ALERT_RATE=str(args.kill_rate),
            LOG_LEVEL="WARNING",
        )
        try:
            while waiting_rows(database) and kills < args.kills:
                starts.append(bot.start())
                time.sleep(rng.uniform(0.0, args.kill_window))
                bot.kill()
                kills += 1
                if integrity(database) != "ok":
                    bad_checks += 1
            starts.append(bot.start())
            wait_until(lambda: waiting_rows(database) == 0, 600.0, bot)
            bot.terminate()
        finally:
            kill_leftovers()
        per_chat = Counter(chat for chat, _ in sends(api))
    duplicates = sum(n - 1 for n in per_chat.values())
    return table(
        [
            ("subscribers", count),
            ("ALERT_RATE in this run", f"{args.kill_rate:g}/s"),
            (f"SIGKILLs (each 0 to {args.kill_window:g} s after the bot polled)", kills),
            ("integrity_check not ok after a kill", bad_checks),
            ("starts, median seconds to first poll", f"{statistics.median(starts):.2f}"),
            ("lost (never sent)", count - len(per_chat)),
            ("duplicates", duplicates),
            ("most duplicates in one kill allowed (one per kill)", kills),
            ("still waiting at the end", waiting_rows(database)),
        ]
    )


async def run_interactive(args: argparse.Namespace, tmp: Path) -> str:
    secret = SECRET.encode()
    rows: list[tuple[str, object]] = []
    with FakeBotApi(token=TOKEN) as api:
        api.limit_rate(30)
        store = await open_with_subscribers(tmp / "inter" / "w.sqlite3", 2000, secret)
        catalog, _ = load_catalog(Path("content"))
        assert catalog is not None
        handlers = Handlers(Conversation(catalog, ("en",)), store, UserKeys(secret), "en")
        config = _config(tmp / "inter", api.url, secret)
        application = build_application(config, handlers)
        async with application:
            quiet = await answer_times(application, api, 40, 0)
            alert_id = await publish(store)
            stop = asyncio.Event()
            async with Bot(TOKEN, base_url=f"{api.url}/bot", request=HTTPXRequest(2)) as bot:
                sending = asyncio.create_task(alert_sender(config, handlers).run(bot, stop))
                await asyncio.sleep(2.0)  # the broadcast under way
                busy = await answer_times(application, api, 40, 1000)
                sent_during = (await store.alerts.progress(alert_id)).sent
                stop.set()
                await sending
        await store.close()
    for label, times in (("without a broadcast", quiet), ("during a broadcast", busy)):
        rows.append(
            (
                f"answer to /start {label}: median / p95 / max",
                f"{median_ms(times)} / {quantile_ms(times, 0.95)} / {max(times) * 1000:.1f} ms",
            )
        )
    rows.append(("alerts sent while measuring", sent_during))
    added = statistics.median(busy) - statistics.median(quiet)
    rows.append(("broadcast adds (median)", f"{added * 1000:.1f} ms"))
    rows.append(("broadcast adds (max - quiet max)", f"{(max(busy) - max(quiet)) * 1000:.1f} ms"))
    return table(rows)


async def answer_times(
    application: object, api: FakeBotApi, people: int, offset: int
) -> list[float]:
    """Seconds from an update to its reply, for `people` /starts a quarter second apart."""
    times = []
    for n in range(people):
        user = make_user(40_000_000 + offset + n, "en")
        update = Update.de_json(
            {"update_id": offset + n + 1, **message_update(user, "/start")}, application.bot
        )  # type: ignore[attr-defined]
        started = time.perf_counter()
        await application.process_update(update)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - started)
        await asyncio.sleep(0.25)
    return times


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f}"


def quantile_ms(values: list[float], q: float) -> str:
    ordered = sorted(values)
    return f"{ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="rate,kills,interactive")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--kill-subscribers", type=int, default=2000)
    parser.add_argument("--kill-rate", type=float, default=25.0)
    parser.add_argument("--kill-window", type=float, default=1.0)
    parser.add_argument("--log", help="keep the killed bot's log in this file")
    args = parser.parse_args()
    print(f"Machine: {machine()}; load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for part in args.only.split(","):
            started = time.monotonic()
            if part == "rate":
                result = asyncio.run(run_rate(args, tmp))
            elif part == "kills":
                result = run_kills(args, tmp)
            elif part == "interactive":
                result = asyncio.run(run_interactive(args, tmp))
            else:
                print(f"unknown part {part}")
                return 2
            print(f"\n## {part} ({time.monotonic() - started:.0f} s)\n\n{result}")
            print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
