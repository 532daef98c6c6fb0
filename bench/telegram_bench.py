"""Benchmark the bot on Telegram updates: cost per update against an echo bot, memory, start time.

What it measures, with the shipped sample content and nothing leaving the machine:

- cost per update: the real Application from ``bot.app`` (via ``tests.app_harness``) and a bare
  python-telegram-bot echo bot, both answering through the same in-process ``RecordingRequest``,
  are fed the same updates through ``Application.process_update``, one at a time. The updates
  come from 1,000 users (half with an English phone, half Spanish), each going round a session
  of eight: ``/start``, five button presses (welcome → area picker → area → needs → a need list
  → a resource card; the callback data and pressed messages are the bot's own screens, taken
  from a scouting walk before timing) and two searches ("naloxona", "shower", "abogado", "food
  near fruitvale"). Users start at different points of their session and take turns in a
  shuffled order. After a warm-up, each round times ``--updates`` updates (parsing the update
  JSON included) for the bot, then the same updates for the echo bot; the median of
  ``--rounds`` rounds is reported, with the ratio, and split by kind (start, press, search).
- memory: peak RSS of this process after the timed rounds, and the tracemalloc peak of a fresh
  Waypoint application starting and answering one round (traced on its own so the timed rounds
  are not slowed).
- start time: ``python -m bot run`` is started against the fake Bot API server on 127.0.0.1
  with a ``/start`` already waiting; the time from starting the process to the ``sendMessage``
  reaching the server, ``--starts`` times per content folder, all with one data folder: the
  first start is cold (no compiled content cache yet; it writes one), the later ones warm
  (median and best). Each process is then stopped with SIGTERM and must exit with status 0; its
  peak RSS (VmHWM) is read just before. On the sample content, and with ``--resources N`` also
  on N generated listings (bench/search_bench.py's generator, every content language);
  ``--starts-only`` skips the cost per update. The start results are also printed as one JSON
  line (``first_answer_s`` and ``peak_rss_mib`` warm, and their cold values).

It prints Markdown tables and the machine. It reports and does not judge: the exit status is 0
whether or not the aim (at most twice the echo bot's cost) is met; it is 1 only when a bot does
not answer, or the real bot does not start, answer and stop cleanly.

Run from the repository root (about a minute on a 2-CPU machine):

    .venv/bin/python bench/telegram_bench.py
    .venv/bin/python bench/telegram_bench.py --updates 1000 --rounds 3 --starts 2
    .venv/bin/python bench/telegram_bench.py --starts-only --resources 10000 --starts 3
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import itertools
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.*

import telegram
from search_bench import generate_content, machine
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.domain.catalog import Catalog, load_catalog
from bot.ui.actions import ChooseArea, SetArea, ShowNeed, ShowNeeds, ShowResource, decode, encode
from tests.app_harness import TOKEN, Harness, last_screen, running_bot
from tests.fake_bot_api import FakeBotApi, callback_update, make_user, message_update
from tests.recording_request import ApiCall, RecordingRequest

ROOT = Path(__file__).resolve().parent.parent
USERS = 1000
FIRST_USER_ID = 900_000_001
LANGUAGES = ("en", "es")
NEEDS = ("food", "shelter", "legal", "drugs", "medical", "drop_in")
SEARCHES = ("naloxona", "shower", "abogado", "food near fruitvale")
WARM_UP = 1000
SEED = 2026
# A Tuesday, 11:00 in Oakland: a fixed clock keeps "open now" the same on every run.
CLOCK = dt.datetime(2026, 11, 24, 19, 0, tzinfo=dt.UTC)
START_TOKEN = "7000000001:AAH-bench-token-000000000000000000"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0
COMPILE_TIMEOUT_S = 120.0
RATIO_AIM = 2.0
TEXT_METHODS = ("sendMessage", "editMessageText")

Json = dict[str, Any]
Stream = list[tuple[str, Json]]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
# Only shapes a pressed message as the Bot API returned it; its recording is never read.
BOT_API = RecordingRequest()


@dataclass(frozen=True)
class Step:
    """One update of a session: a text message, or a press of `data` under `screen`."""

    kind: str
    text: str = ""
    data: str = ""
    screen: ApiCall | None = None

    def update(self, user: Json) -> Json:
        """This step as Bot API update JSON from `user` (without an update_id)."""
        if self.screen is None:
            return message_update(user, self.text)
        params = {**self.screen.params, "chat_id": user["id"]}
        message = BOT_API.result("sendMessage", params)
        return callback_update(user, self.data, message["message_id"], message=message)


def press(screen: ApiCall, data: str) -> Step:
    """A press of the button with `data`, which the bot must have put under `screen`."""
    if data not in screen.callback_data:
        raise RuntimeError(f"no button {data!r} under the screen; it has {screen.callback_data}")
    return Step("press", data=data, screen=screen)


class Scout:
    """Walks the bot's screens once per language, to press what the bot really shows."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness

    async def screen(self, update: Json) -> ApiCall:
        """The last screen the bot sent or edited in answer to `update`."""
        return last_screen(await self.harness.send(update))

    async def sessions(self, language: str, region_id: str) -> list[list[Step]]:
        """One eight-update session per need in `NEEDS`, as seen by a `language` phone."""
        scout_id = FIRST_USER_ID - 1 - LANGUAGES.index(language)  # a first visit each time
        user = make_user(scout_id, language_code=language)
        welcome = await self.screen(Step("start", "/start").update(user))
        opening = [Step("start", "/start"), press(welcome, encode(ChooseArea()))]
        picker = await self.screen(opening[-1].update(user))
        opening.append(press(picker, encode(SetArea(region_id))))
        menu = await self.screen(opening[-1].update(user))
        opening.append(press(menu, encode(ShowNeeds())))
        needs = await self.screen(opening[-1].update(user))
        sessions = []
        for number, need_id in enumerate(NEEDS):
            to_list = press(needs, encode(ShowNeed(need_id)))
            listed = await self.screen(to_list.update(user))
            cards = [d for d in listed.callback_data if isinstance(decode(d), ShowResource)]
            if not cards:
                raise RuntimeError(f"the {need_id} list shows no resource to open")
            searches = [Step("search", SEARCHES[(number + i) % len(SEARCHES)]) for i in (0, 1)]
            sessions.append([*opening, to_list, press(listed, cards[0]), *searches])
        return sessions

    async def all_sessions(self, catalog: Catalog) -> dict[str, list[list[Step]]]:
        """The sessions of each language in `LANGUAGES`, in the catalog's first area."""
        region_id = sorted(catalog.content.regions)[0]
        sessions = {language: await self.sessions(language, region_id) for language in LANGUAGES}
        self.harness.request.calls.clear()
        return sessions


def traffic(sessions: dict[str, list[list[Step]]], seed: int) -> Iterator[tuple[str, Json]]:
    """Updates from `USERS` users taking turns in a shuffled order, each going round a session.

    User n has a phone in `LANGUAGES[n % 2]`, follows one of that language's sessions and
    starts at step n % 8, so every kind of update is spread over the stream.
    """
    rng = random.Random(seed)
    users = [
        make_user(FIRST_USER_ID + n, language_code=LANGUAGES[n % len(LANGUAGES)])
        for n in range(USERS)
    ]
    plans = [sessions[user["language_code"]][n // 2 % len(NEEDS)] for n, user in enumerate(users)]
    order = list(range(USERS))
    update_ids = itertools.count(1)
    for turn in itertools.count():
        rng.shuffle(order)
        for n in order:
            step = plans[n][(n + turn) % len(plans[n])]
            yield step.kind, {"update_id": next(update_ids), **step.update(users[n])}


@dataclass(frozen=True)
class Bot:
    """An initialised Application and the recording request that answers for it."""

    name: str
    application: AnyApplication
    request: RecordingRequest


@dataclass(frozen=True)
class Round:
    """One bot's timings for one round: nanoseconds per update by kind, and its API calls."""

    by_kind: dict[str, list[int]]
    api_calls: int

    @property
    def total_ns(self) -> int:
        """Nanoseconds for every update of the round."""
        return sum(sum(times) for times in self.by_kind.values())

    @property
    def updates(self) -> int:
        """Updates in the round."""
        return sum(len(times) for times in self.by_kind.values())


async def feed(bot: Bot, stream: Stream) -> Round:
    """Process each update in turn, timing each; check each was answered, then drop its calls.

    Dropping the recorded calls after every update (outside the timing) keeps the harness from
    growing, so memory and garbage collection measure the bot alone.
    """
    gc.collect()
    by_kind: dict[str, list[int]] = defaultdict(list)
    application, tg_bot, calls = bot.application, bot.application.bot, bot.request.calls
    api_calls = 0
    for kind, data in stream:
        start = time.perf_counter_ns()
        await application.process_update(Update.de_json(data, tg_bot))
        by_kind[kind].append(time.perf_counter_ns() - start)
        if not any(call.method in TEXT_METHODS for call in calls):
            raise RuntimeError(f"{bot.name} did not answer a {kind}: {data}")
        api_calls += len(calls)
        calls.clear()
    return Round(dict(by_kind), api_calls)


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def echo_press(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button press and put its data in the pressed message."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"You pressed {query.data}")


async def echo_bot() -> Bot:
    """A bare python-telegram-bot echo bot, initialised, answered by a RecordingRequest."""
    request = RecordingRequest()
    application = (
        Application.builder()
        .token(TOKEN)
        .request(request)
        .get_updates_request(RecordingRequest())
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(echo_press))
    await application.initialize()
    return Bot("echo bot", application, request)


@dataclass(frozen=True)
class Timings:
    """Every timed round of both bots, and the peak RSS after them."""

    waypoint: list[Round]
    echo: list[Round]
    peak_rss_kib: int


async def time_both(catalog: Catalog, updates: int, rounds: int) -> Timings:
    """Warm up, then time `rounds` rounds of `updates` updates, the bot then the echo bot."""
    with tempfile.TemporaryDirectory(prefix="waypoint-bench-") as tmp:
        async with running_bot(catalog, Path(tmp), lambda: CLOCK) as harness:
            waypoint = Bot("Waypoint", harness.application, harness.request)
            echo = await echo_bot()
            sessions = await Scout(harness).all_sessions(catalog)
            stream = traffic(sessions, SEED)
            warm_up = list(itertools.islice(stream, WARM_UP))
            await feed(waypoint, warm_up)
            await feed(echo, warm_up)
            timed: dict[str, list[Round]] = {"Waypoint": [], "echo bot": []}
            for _ in range(rounds):
                batch = list(itertools.islice(stream, updates))
                for bot in (waypoint, echo):
                    timed[bot.name].append(await feed(bot, batch))
            await echo.application.shutdown()
    peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Timings(timed["Waypoint"], timed["echo bot"], peak_rss_kib)


async def traced_peak(catalog: Catalog, updates: int) -> int:
    """Peak bytes allocated while a fresh Waypoint application starts and answers one round."""
    with tempfile.TemporaryDirectory(prefix="waypoint-bench-") as tmp:
        async with running_bot(catalog, Path(tmp) / "scout", lambda: CLOCK) as harness:
            sessions = await Scout(harness).all_sessions(catalog)
        batch = list(itertools.islice(traffic(sessions, SEED), updates))
        gc.collect()
        tracemalloc.start()
        async with running_bot(catalog, Path(tmp) / "traced", lambda: CLOCK) as harness:
            await feed(Bot("Waypoint", harness.application, harness.request), batch)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


@dataclass(frozen=True)
class Start:
    """One start of `python -m bot run`: seconds to the first answer, and its peak RSS."""

    seconds: float
    peak_rss_kib: int


def peak_rss_of(pid: int) -> int:
    """A running process's peak RSS in KiB (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for process {pid}")


def stop(process: subprocess.Popen[str]) -> str:
    """Send SIGTERM and wait (killing it if it does not stop in time); its standard error."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.communicate(timeout=STOP_TIMEOUT_S)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        message = f"python -m bot run did not stop {STOP_TIMEOUT_S:g} s after SIGTERM"
        raise RuntimeError(message) from None


def start_once(content_dir: Path, data_dir: Path) -> Start:
    """Start the real bot on `content_dir` with a /start waiting; time it to the answer; stop it
    with SIGTERM. `data_dir` is kept between starts: the first start of a content folder finds
    no compiled content cache (cold) and writes one, later starts read it (warm)."""
    with FakeBotApi(token=START_TOKEN) as api:
        api.push_update(message_update(make_user(FIRST_USER_ID), "/start"))
        env = {
            "PATH": os.environ.get("PATH", ""),
            "BOT_TOKEN": START_TOKEN,
            "TELEGRAM_API_URL": api.url,
            "DATA_DIR": str(data_dir),
            "CONTENT_DIR": str(content_dir),
            "LOG_LEVEL": "WARNING",
        }
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            api.wait_for_call("sendMessage", timeout=START_TIMEOUT_S)
            seconds = time.perf_counter() - started
            peak_rss_kib = peak_rss_of(process.pid)
            # A cold start compiles the cache in another process meanwhile: let it finish, as
            # it would in service, so that the next start is warm.
            wait_for_file(data_dir / "cache" / "catalog.bin", COMPILE_TIMEOUT_S)
        finally:
            err = stop(process)
    if process.returncode != 0:
        raise RuntimeError(f"python -m bot run exited with {process.returncode}: {err.strip()}")
    return Start(seconds, peak_rss_kib)


def wait_for_file(path: Path, timeout: float) -> None:
    """Wait until `path` exists, checking every 50 ms; RuntimeError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} was not written within {timeout:g} s")
        time.sleep(0.05)


@dataclass(frozen=True)
class Starts:
    """The starts of `python -m bot run` on one content folder: the first cold (no compiled
    cache yet), the others warm."""

    name: str
    listings: int
    cold: Start
    warm: list[Start]


def starts_on(name: str, content_dir: Path, listings: int, starts: int) -> Starts:
    """`starts` starts (at least two) on `content_dir`, sharing one data folder."""
    with tempfile.TemporaryDirectory(prefix="waypoint-start-") as data_dir:
        done = [start_once(content_dir, Path(data_dir)) for _ in range(max(2, starts))]
    return Starts(name, listings, done[0], done[1:])


def all_starts(resources: int, starts: int, seed: int) -> list[Starts]:
    """Starts on the sample content and, with `resources`, on that many generated listings."""
    measured = [starts_on("sample content", ROOT / "content", 0, starts)]
    if resources:
        with tempfile.TemporaryDirectory(prefix="waypoint-start-content-") as tmp:
            generated = generate_content(Path(tmp) / "content", resources, seed).root
            measured.append(starts_on(f"{resources:,} listings", generated, resources, starts))
    return measured


def start_rows(measured: list[Starts]) -> list[tuple[str, str, str, str, str]]:
    """Content, then first answer and peak RSS of `python -m bot run`, cold and warm."""
    rows = []
    for m in measured:
        warm_s = statistics.median(s.seconds for s in m.warm)
        warm_rss = statistics.median(s.peak_rss_kib for s in m.warm) / 1024
        rows.append(
            (
                m.name,
                f"{m.cold.seconds:.2f} s",
                f"{warm_s:.2f} s (best {min(s.seconds for s in m.warm):.2f})",
                f"{m.cold.peak_rss_kib / 1024:.0f} MiB",
                f"{warm_rss:.0f} MiB",
            )
        )
    return rows


def start_results(measured: list[Starts]) -> dict[str, dict[str, float]]:
    """`first_answer_s` and `peak_rss_mib` (warm, medians) and their cold values, per content."""
    return {
        m.name: {
            "listings": m.listings,
            "first_answer_s": statistics.median(s.seconds for s in m.warm),
            "peak_rss_mib": statistics.median(s.peak_rss_kib for s in m.warm) / 1024,
            "cold_first_answer_s": m.cold.seconds,
            "cold_peak_rss_mib": m.cold.peak_rss_kib / 1024,
        }
        for m in measured
    }


def us(nanoseconds: float) -> str:
    """Nanoseconds as microseconds."""
    return f"{nanoseconds / 1e3:,.0f} µs"


def per_update(rounds: list[Round], kind: str | None = None) -> float:
    """Median over rounds of the mean nanoseconds per update (of one kind, or of all)."""
    if kind is None:
        return statistics.median(r.total_ns / r.updates for r in rounds)
    return statistics.median(statistics.fmean(r.by_kind[kind]) for r in rounds)


def cost_rows(t: Timings, updates: int) -> list[tuple[str, str, str, str]]:
    """Measure, Waypoint, echo bot and ratio of each row of the cost table."""
    rows = []
    labels = {None: "all updates", "start": "/start", "press": "button press", "search": "search"}
    for kind, label in labels.items():
        bot, echo = per_update(t.waypoint, kind), per_update(t.echo, kind)
        ratio = f"{bot / echo:.1f}×"
        if kind is None:
            ratio += f" (aim ≤ {RATIO_AIM:g}×)"
        share = f" ({len(t.waypoint[0].by_kind[kind]) / updates:.0%})" if kind else ""
        rows.append((f"time per update, {label}{share}", us(bot), us(echo), ratio))
    calls = [statistics.median(r.api_calls / r.updates for r in rs) for rs in (t.waypoint, t.echo)]
    rows.append(("Bot API calls per update", f"{calls[0]:.2f}", f"{calls[1]:.2f}", "—"))
    return rows


def memory_rows(t: Timings, traced: int, updates: int) -> list[tuple[str, str]]:
    """Measure and value of each row of the memory table."""
    return [
        ("peak RSS of this process after the timed rounds", f"{t.peak_rss_kib / 1024:.0f} MiB"),
        (
            f"tracemalloc peak, Waypoint starting and answering {updates:,} updates",
            f"{traced / 2**20:.1f} MiB",
        ),
    ]


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=3000, help="updates per timed round")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds")
    parser.add_argument(
        "--starts", type=int, default=5, help="starts of python -m bot run per content (min 2)"
    )
    parser.add_argument(
        "--resources",
        type=int,
        default=0,
        help="also start on this many generated listings (as bench/search_bench.py makes them)",
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the generated listings")
    parser.add_argument(
        "--starts-only", action="store_true", help="measure only the starts of python -m bot run"
    )
    return parser.parse_args()


def main() -> int:
    """Measure and print the report; the exit status is 0 whether or not the aim is met."""
    args = parse_args()
    catalog, _result = load_catalog(ROOT / "content")
    if catalog is None:
        print("content/ does not load: run `python -m bot validate`", file=sys.stderr)
        return 1
    try:
        if not args.starts_only:
            timings = asyncio.run(time_both(catalog, args.updates, args.rounds))
            print(f"timed {args.rounds} rounds of {args.updates:,} updates", flush=True)
            traced = asyncio.run(traced_peak(catalog, args.updates))
        starts = all_starts(args.resources, args.starts, args.seed)
    except (RuntimeError, TimeoutError) as error:
        print(error, file=sys.stderr)
        return 1
    if not args.starts_only:
        print()
        print(table(["measure", "Waypoint", "echo bot", "ratio"], cost_rows(timings, args.updates)))
        print()
        print(table(["measure", "value"], memory_rows(timings, traced, args.updates)))
    print()
    header = ["`python -m bot run` on", "first answer, cold", "first answer, warm"]
    print(table([*header, "peak RSS, cold", "peak RSS, warm"], start_rows(starts)))
    print()
    print(json.dumps({"starts": start_results(starts)}))
    print()
    print(f"Machine: {machine()}, python-telegram-bot {telegram.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
