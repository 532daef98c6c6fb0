"""Benchmark the bot on Telegram updates: cost per update against an echo bot, memory, start time.

What it measures, nothing leaving the machine, on the shipped sample content or on
``--resources`` generated listings (search_bench's generator, ten regions):

- cost per update: the real Application from ``bot.app`` (via ``tests.app_harness``) and two
  python-telegram-bot echo bots are fed the same updates through
  ``Application.process_update``, one at a time, each answered by an in-process
  ``RecordingRequest``. The **fair echo bot** pays what Waypoint pays around its own work: the
  same request object (``RetryingRequest`` wrapping the HTTP client), the same defaults, and
  under every reply a keyboard of the size Waypoint typically sends (the median of its
  keyboards while scouting, deserialised once and sent as python-telegram-bot sends one). The
  **bare echo bot** is the old comparison: the HTTP client alone and no keyboard. The updates
  are a recorded walk of the bot's own screens (bench/telegram_mix.py): first-time users,
  menus, need lists with their pages and filters, resource cards, pages, searches that find
  and that miss in eight languages, and shared locations. After a warm-up, each round times
  ``--updates`` updates (parsing the update JSON included) for each bot, the bots taking
  turns every 50 updates; the median of ``--rounds`` rounds is reported, with both ratios,
  split by kind.
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
  ``--starts-only`` skips the cost per update. With ``--languages``, each start then answers
  a shared location from one new person in each shipped language (times, days and distances
  load each language's CLDR data in Babel), and the peak RSS after those answers is reported
  too: what a bot in service with readers in every language comes to. With ``--reloads N``,
  the bot is then started on a copy of each content folder, with an admin, and the copy edited
  N times (as bench/reload_bench.py edits): after each live reload, announced to the admin,
  and an answer from the new content, the RSS is read once the old catalogue had time to be
  freed (what a bot in service comes to after content changes).

It prints Markdown tables and the machine (``--json``: one JSON object of the results). It
reports and does not judge: the exit status is 0 whether or not the aim (at most 1.2 times the
fair echo bot's cost) is met; it is 1 only when a bot does
not answer, or the real bot does not start, answer and stop cleanly.

Run from the repository root (about a minute on a 2-CPU machine):

    .venv/bin/python bench/telegram_bench.py
    .venv/bin/python bench/telegram_bench.py --updates 1000 --rounds 3 --starts 2
    .venv/bin/python bench/telegram_bench.py --starts-only --resources 10000 --starts 3
    .venv/bin/python bench/telegram_bench.py --starts-only --resources 10000 --starts 3 --languages
    .venv/bin/python bench/telegram_bench.py --starts-only --resources 10000 --starts 2 --reloads 3
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.*

import telegram
import yaml
from reload_bench import edit
from search_bench import generate_content, machine
from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram_mix import Update as MixUpdate
from telegram_mix import Walk, stream

from bot.domain.catalog import Catalog, load_catalog
from bot.i18n import available_locales
from bot.retrying_request import RetryingRequest
from tests.app_harness import TOKEN, running_bot
from tests.fake_bot_api import FakeBotApi, location_update, make_user, message_update
from tests.recording_request import ApiCall, RecordingRequest

ROOT = Path(__file__).resolve().parent.parent
FIRST_USER_ID = 900_000_001
WARM_UP = 1000
SEED = 2026
# A Tuesday, 11:00 in Oakland: a fixed clock keeps "open now" the same on every run.
CLOCK = dt.datetime(2026, 11, 24, 19, 0, tzinfo=dt.UTC)
START_TOKEN = "7000000001:AAH-bench-token-000000000000000000"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0
COMPILE_TIMEOUT_S = 120.0
# After a reload and an answer from the new content, time enough for the old catalogue to be
# freed (checked every 0.2 s, then dismantled in a few hundred milliseconds).
RELEASE_WAIT_S = 3.0
RATIO_AIM = 1.2
# Updates each bot answers before the next takes its turn, within a timed round.
SLICE = 50
TEXT_METHODS = ("sendMessage", "editMessageText")

Json = dict[str, Any]
Stream = list[tuple[str, Json]]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


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


async def feed(bot: Bot, stream: Stream, into: Round | None = None) -> Round:
    """Process each update in turn, timing each; check each was answered, then drop its calls.
    With `into`, add to that round (a round fed in slices, see `time_both`) instead of starting
    a new one after a full garbage collection.

    Dropping the recorded calls after every update (outside the timing) keeps the harness from
    growing, so memory and garbage collection measure the bot alone.
    """
    if into is None:
        gc.collect()
    by_kind: dict[str, list[int]] = defaultdict(list, into.by_kind if into else {})
    application, tg_bot, calls = bot.application, bot.application.bot, bot.request.calls
    api_calls = into.api_calls if into else 0
    for kind, data in stream:
        start = time.perf_counter_ns()
        await application.process_update(Update.de_json(data, tg_bot))
        by_kind[kind].append(time.perf_counter_ns() - start)
        if not any(call.method in TEXT_METHODS for call in calls):
            raise RuntimeError(f"{bot.name} did not answer a {kind}: {data}")
        api_calls += len(calls)
        calls.clear()
    return Round(dict(by_kind), api_calls)


class Echo:
    """A bare echo bot's two handlers: send the text back, and answer a press by editing the
    pressed message; both with `keyboard` under the reply when one is given."""

    def __init__(self, keyboard: InlineKeyboardMarkup | None) -> None:
        self.keyboard = keyboard

    async def message(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send the text back (a location as a word)."""
        assert update.message is not None
        await update.message.reply_text(
            update.message.text or "location", reply_markup=self.keyboard
        )

    async def press(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer the button press and put its data in the pressed message."""
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"You pressed {query.data}", reply_markup=self.keyboard)


async def echo_bot(name: str, keyboard: InlineKeyboardMarkup | None, *, fair: bool) -> Bot:
    """A python-telegram-bot echo bot, initialised, answered by a RecordingRequest. A fair one
    pays what Waypoint pays around it: the same request object (the retry rules wrapping the
    HTTP client), the same defaults, and a keyboard the size of Waypoint's typical one."""
    request = RecordingRequest()
    builder = Application.builder().token(TOKEN).get_updates_request(RecordingRequest())
    if fair:
        builder = builder.request(RetryingRequest(request)).defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(True))
        )
    else:
        builder = builder.request(request)
    application = builder.build()
    echo = Echo(keyboard)
    application.add_handler(MessageHandler(filters.ALL, echo.message))
    application.add_handler(CallbackQueryHandler(echo.press))
    await application.initialize()
    return Bot(name, application, request)


def typical_keyboard(calls: Sequence[ApiCall], bot: telegram.Bot) -> InlineKeyboardMarkup:
    """The keyboard of median size (by buttons, then by bytes) among Waypoint's screens."""
    markups = [c.params["reply_markup"] for c in calls if c.params.get("reply_markup")]
    if not markups:
        raise RuntimeError("Waypoint sent no keyboard while scouting")
    markups.sort(key=lambda m: (len([b for row in m["inline_keyboard"] for b in row]), len(str(m))))
    return InlineKeyboardMarkup.de_json(markups[len(markups) // 2], bot)


def keyboard_size(keyboard: InlineKeyboardMarkup) -> str:
    """Buttons and bytes of a keyboard, for the report."""
    buttons = sum(len(row) for row in keyboard.inline_keyboard)
    return f"{buttons} buttons, {len(keyboard.to_json().encode())} bytes"


@dataclass(frozen=True)
class Timings:
    """Every timed round of the three bots, the echo bots' keyboard, and the peak RSS."""

    waypoint: list[Round]
    echo: list[Round]
    bare_echo: list[Round]
    keyboard: str
    peak_rss_kib: int


async def walked(catalog: Catalog, data_dir: Path, updates: int, rounds: int) -> Walked:
    """The warm-up and each round's updates, walked by a scouting bot, and its calls."""
    async with running_bot(catalog, data_dir, lambda: CLOCK) as scout:
        walk = Walk(scout, catalog, SEED)
        warm_up = await walk.updates(WARM_UP)
        batches = [await walk.updates(updates) for _ in range(rounds)]
        return Walked(warm_up, batches, list(scout.request.calls))


@dataclass(frozen=True)
class Walked:
    """The recorded walk: warm-up, timed rounds, and the calls the scouting bot made."""

    warm_up: list[MixUpdate]
    rounds: list[list[MixUpdate]]
    calls: list[ApiCall]


async def time_both(catalog: Catalog, updates: int, rounds: int) -> Timings:
    """Warm up, then time `rounds` rounds of `updates` updates: Waypoint, the fair echo bot
    and the bare one, on the same updates."""
    with tempfile.TemporaryDirectory(prefix="waypoint-bench-") as tmp:
        walk = await walked(catalog, Path(tmp) / "scout", updates, rounds)
        async with running_bot(catalog, Path(tmp) / "timed", lambda: CLOCK) as harness:
            keyboard = typical_keyboard(walk.calls, harness.application.bot)
            bots = (
                Bot("Waypoint", harness.application, harness.request),
                await echo_bot("echo bot", keyboard, fair=True),
                await echo_bot("bare echo bot", None, fair=False),
            )
            for bot in bots:
                await feed(bot, list(stream(walk.warm_up)))
            timed: dict[str, list[Round]] = {bot.name: [] for bot in bots}
            for batch in walk.rounds:
                updates_of_round = list(stream(batch))
                gc.collect()
                fed = {bot.name: Round({}, 0) for bot in bots}
                # The bots take turns every SLICE updates, not every round: on a shared machine
                # the speed of the CPU drifts over seconds, which moved the ratio of the same
                # code by a quarter between rounds fed whole, and much less in slices.
                for at in range(0, len(updates_of_round), SLICE):
                    for bot in bots:
                        part = updates_of_round[at : at + SLICE]
                        fed[bot.name] = await feed(bot, part, fed[bot.name])
                for bot in bots:
                    timed[bot.name].append(fed[bot.name])
            for bot in bots[1:]:
                await bot.application.shutdown()
    peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Timings(
        timed["Waypoint"],
        timed["echo bot"],
        timed["bare echo bot"],
        keyboard_size(keyboard),
        peak_rss_kib,
    )


async def traced_peak(catalog: Catalog, updates: int) -> int:
    """Peak bytes allocated while a fresh Waypoint application starts and answers one round."""
    with tempfile.TemporaryDirectory(prefix="waypoint-bench-") as tmp:
        walk = await walked(catalog, Path(tmp) / "scout", updates, 1)
        batch = list(stream(walk.rounds[0]))
        gc.collect()
        tracemalloc.start()
        async with running_bot(catalog, Path(tmp) / "traced", lambda: CLOCK) as harness:
            await feed(Bot("Waypoint", harness.application, harness.request), batch)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


@dataclass(frozen=True)
class Start:
    """One start of `python -m bot run`: seconds to the first answer, and its peak RSS (then,
    with `--languages`, after an answer in every shipped language)."""

    seconds: float
    peak_rss_kib: int
    all_languages_rss_kib: int | None = None


def peak_rss_of(pid: int) -> int:
    """A running process's peak RSS in KiB (VmHWM), from /proc."""
    return _status_kib(pid, "VmHWM")


def rss_of(pid: int) -> int:
    """A running process's RSS in KiB (VmRSS), from /proc."""
    return _status_kib(pid, "VmRSS")


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


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


def start_once(content_dir: Path, data_dir: Path, place: Place | None = None) -> Start:
    """Start the real bot on `content_dir` with a /start waiting; time it to the answer; with
    `place`, have it answer that place shared by one new person in each shipped language;
    stop it with SIGTERM. `data_dir` is kept between starts: the first start of a content
    folder finds no compiled content cache (cold) and writes one, later starts read it
    (warm)."""
    with FakeBotApi(token=START_TOKEN) as api:
        api.push_update(message_update(make_user(FIRST_USER_ID), "/start"))
        started = time.perf_counter()
        process = launch(api, content_dir, data_dir)
        try:
            api.wait_for_call("sendMessage", timeout=START_TIMEOUT_S)
            seconds = time.perf_counter() - started
            peak_rss_kib = peak_rss_of(process.pid)
            languages = None if place is None else answer_every_language(api, process, place)
            # A cold start compiles the cache in another process meanwhile: let it finish, as
            # it would in service, so that the next start is warm.
            wait_for_file(data_dir / "cache" / "catalog.bin", COMPILE_TIMEOUT_S)
        finally:
            err = stop(process)
    check_exit(process, err)
    return Start(seconds, peak_rss_kib, languages)


def check_exit(process: subprocess.Popen[str], err: str) -> None:
    """RuntimeError, with what it wrote, unless the stopped bot exited with status 0."""
    if process.returncode != 0:
        raise RuntimeError(f"python -m bot run exited with {process.returncode}: {err.strip()}")


def launch(
    api: FakeBotApi, content_dir: Path, data_dir: Path, admin_id: int | None = None
) -> subprocess.Popen[str]:
    """`python -m bot run` on `content_dir`, polling `api` (with `admin_id` as its admin)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "BOT_TOKEN": START_TOKEN,
        "TELEGRAM_API_URL": api.url,
        "DATA_DIR": str(data_dir),
        "CONTENT_DIR": str(content_dir),
        "LOG_LEVEL": "WARNING",
    }
    if admin_id is not None:
        env["ADMIN_IDS"] = str(admin_id)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def rss_after_reloads(content_dir: Path, reloads: int) -> tuple[list[int], int]:
    """Start the real bot on a copy of `content_dir`, then edit it `reloads` times (as
    bench/reload_bench.py does); after each reload (announced to the admin) and an answer
    from the new content, the RSS in KiB once the old catalogue had time to be freed. Also
    the peak RSS over all of it."""
    with tempfile.TemporaryDirectory(prefix="waypoint-reloads-") as tmp:
        content, data_dir = Path(tmp) / "content", Path(tmp) / "data"
        shutil.copytree(content_dir, content)
        place = first_place(content)
        admin = make_user(FIRST_USER_ID)
        with FakeBotApi(token=START_TOKEN) as api:
            api.push_update(message_update(admin, "/start"))
            process = launch(api, content, data_dir, admin_id=admin["id"])
            after = []
            try:
                api.wait_for_call("sendMessage", timeout=START_TIMEOUT_S)
                for number in range(reloads):
                    since = api.mark()
                    edit(content, number)
                    api.wait_for_call(
                        "sendMessage",
                        since=since,
                        timeout=START_TIMEOUT_S,
                        where=lambda call: call.int_param("chat_id") == admin["id"],
                    )
                    since = api.mark()
                    person = make_user(FIRST_USER_ID + number + 1)
                    api.push_update(location_update(person, place.latitude, place.longitude))
                    api.wait_for_call("sendMessage", since=since, timeout=START_TIMEOUT_S)
                    time.sleep(RELEASE_WAIT_S)
                    after.append(rss_of(process.pid))
                peak = peak_rss_of(process.pid)
            finally:
                err = stop(process)
    check_exit(process, err)
    return after, peak


@dataclass(frozen=True)
class Place:
    """Where the people in `--languages` share their location: a neighbourhood's centre."""

    latitude: float
    longitude: float


def first_place(content_dir: Path) -> Place:
    """The centre of the first neighbourhood of the first region file."""
    region = yaml.safe_load(min((content_dir / "regions").glob("*.yaml")).read_text("utf-8"))
    centre = region["neighbourhoods"][0]["center"]
    return Place(float(centre["latitude"]), float(centre["longitude"]))


def answer_every_language(api: FakeBotApi, process: subprocess.Popen[str], place: Place) -> int:
    """One new person in each shipped language shares `place`; once every one is answered,
    the process's peak RSS in KiB."""
    since = api.mark()
    tags = [locale.replace("_", "-") for locale in available_locales()]
    for n, tag in enumerate(tags, start=1):
        person = make_user(FIRST_USER_ID + n, language_code=tag)
        api.push_update(location_update(person, place.latitude, place.longitude))

    def answered(calls: list[Any]) -> bool:
        return sum(call.method == "sendMessage" for call in calls[since:]) >= len(tags)

    api.wait_for(answered, timeout=START_TIMEOUT_S, description="an answer in every language")
    return peak_rss_of(process.pid)


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
    # With `--reloads`: the RSS in KiB after each live reload, and the peak over them.
    after_reloads_kib: tuple[int, ...] = ()
    reloads_peak_kib: int | None = None


def starts_on(
    name: str,
    content_dir: Path,
    listings: int,
    starts: int,
    languages: bool = False,
    reloads: int = 0,
) -> Starts:
    """`starts` starts (at least two) on `content_dir`, sharing one data folder; with
    `languages`, each answering in every shipped language after the first answer; with
    `reloads`, then a start on a copy of the folder reloaded that many times."""
    place = first_place(content_dir) if languages else None
    with tempfile.TemporaryDirectory(prefix="waypoint-start-") as data_dir:
        done = [start_once(content_dir, Path(data_dir), place) for _ in range(max(2, starts))]
    if not reloads:
        return Starts(name, listings, done[0], done[1:])
    after, peak = rss_after_reloads(content_dir, reloads)
    return Starts(name, listings, done[0], done[1:], tuple(after), peak)


def all_starts(
    resources: int, starts: int, seed: int, languages: bool = False, reloads: int = 0
) -> list[Starts]:
    """Starts on the sample content and, with `resources`, on that many generated listings."""
    measured = [starts_on("sample content", ROOT / "content", 0, starts, languages, reloads)]
    if resources:
        with tempfile.TemporaryDirectory(prefix="waypoint-start-content-") as tmp:
            generated = generate_content(Path(tmp) / "content", resources, seed).root
            name = f"{resources:,} listings"
            measured.append(starts_on(name, generated, resources, starts, languages, reloads))
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
    """`first_answer_s` and `peak_rss_mib` (warm, medians) and their cold values, per content;
    with `--languages`, `all_languages_peak_rss_mib` (warm, median) too."""
    found = {}
    for m in measured:
        found[m.name] = {
            "listings": m.listings,
            "first_answer_s": statistics.median(s.seconds for s in m.warm),
            "peak_rss_mib": statistics.median(s.peak_rss_kib for s in m.warm) / 1024,
            "cold_first_answer_s": m.cold.seconds,
            "cold_peak_rss_mib": m.cold.peak_rss_kib / 1024,
        }
        after = [s.all_languages_rss_kib for s in m.warm if s.all_languages_rss_kib is not None]
        if after:
            found[m.name]["all_languages_peak_rss_mib"] = statistics.median(after) / 1024
        if m.reloads_peak_kib is not None:
            found[m.name]["rss_after_reloads_mib"] = [kib / 1024 for kib in m.after_reloads_kib]
            found[m.name]["reloads_peak_rss_mib"] = m.reloads_peak_kib / 1024
    return found


def reload_rows(measured: list[Starts]) -> list[tuple[str, str, str]]:
    """Content, then the RSS after each live reload and the peak over them."""
    return [
        (
            m.name,
            ", ".join(f"{kib / 1024:.1f}" for kib in m.after_reloads_kib) + " MiB",
            f"{m.reloads_peak_kib / 1024:.1f} MiB",
        )
        for m in measured
        if m.reloads_peak_kib is not None
    ]


def language_rows(measured: list[Starts]) -> list[tuple[str, str, str]]:
    """Content, then the warm peak RSS at the first answer and after one in every language."""
    return [
        (m.name, f"{r['peak_rss_mib']:.1f} MiB", f"{r['all_languages_peak_rss_mib']:.1f} MiB")
        for m, r in zip(measured, start_results(measured).values(), strict=True)
        if "all_languages_peak_rss_mib" in r
    ]


def us(nanoseconds: float) -> str:
    """Nanoseconds as microseconds."""
    return f"{nanoseconds / 1e3:,.0f} µs"


def per_update(rounds: list[Round], kind: str | None = None) -> float:
    """Median over rounds of the mean nanoseconds per update (of one kind, or of all)."""
    if kind is None:
        return statistics.median(r.total_ns / r.updates for r in rounds)
    return statistics.median(statistics.fmean(r.by_kind[kind]) for r in rounds)


KINDS = {
    None: "all updates",
    "first": "/start from someone new",
    "start": "/start again",
    "menu": "press: menus and pages",
    "list": "press: lists, their pages and filters",
    "card": "press: a resource card",
    "search": "search",
    "location": "location",
}


def cost_rows(t: Timings, updates: int) -> list[tuple[str, str, str, str, str]]:
    """Measure, Waypoint, fair echo bot, fair ratio and bare ratio of each cost table row."""
    rows = []
    for kind, label in KINDS.items():
        bot, echo, bare = (per_update(rounds, kind) for rounds in (t.waypoint, t.echo, t.bare_echo))
        ratio = f"{bot / echo:.2f}×"
        if kind is None:
            ratio += f" (aim ≤ {RATIO_AIM:g}×)"
        share = f" ({len(t.waypoint[0].by_kind[kind]) / updates:.0%})" if kind else ""
        rows.append(
            (f"time per update, {label}{share}", us(bot), us(echo), ratio, f"{bot / bare:.2f}×")
        )
    rounds = (t.waypoint, t.echo, t.bare_echo)
    calls = [statistics.median(r.api_calls / r.updates for r in rs) for rs in rounds]
    rows.append(("Bot API calls per update", f"{calls[0]:.2f}", f"{calls[1]:.2f}", "—", "—"))
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
        help="time the updates on this many generated listings (bench/search_bench.py's "
        "generator) instead of the sample content, and start on both",
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the generated listings")
    parser.add_argument(
        "--starts-only", action="store_true", help="measure only the starts of python -m bot run"
    )
    parser.add_argument(
        "--languages",
        action="store_true",
        help="after each start's first answer, answer a shared location in every shipped "
        "language, and report the peak RSS after those answers too",
    )
    parser.add_argument(
        "--reloads",
        type=int,
        default=0,
        help="after the starts, start on a copy of each content folder, edit it this many "
        "times, and report the RSS after each live reload",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object of results")
    return parser.parse_args()


def content_catalog(resources: int, scratch: Path, seed: int = SEED) -> Catalog:
    """The shipped sample content, or `resources` generated listings written under `scratch`."""
    folder = ROOT / "content"
    if resources:
        folder = scratch / "content"
        generate_content(folder, resources, seed)
    catalog, _result = load_catalog(folder)
    if catalog is None:
        raise RuntimeError(f"{folder} does not load: run `python -m bot validate`")
    # As the bot does after a load: the catalogue is out of the collector's sight.
    gc.collect()
    gc.freeze()
    return catalog


def results(
    t: Timings | None, starts: list[Starts], catalog: Catalog | None, args: argparse.Namespace
) -> Json:
    """The numbers to track, as one JSON object: the cost per update (unless only starts were
    measured), and the starts; `first_answer_s` and `peak_rss_mib` are the warm values on the
    largest content started."""
    found: Json = {"updates_per_round": args.updates, "rounds": args.rounds}
    if t is not None and catalog is not None:
        bot, echo, bare = (per_update(r) / 1e3 for r in (t.waypoint, t.echo, t.bare_echo))
        found |= {
            "ratio": round(bot / echo, 3),
            "ratio_bare_echo": round(bot / bare, 3),
            "per_update_us": round(bot, 1),
            "echo_per_update_us": round(echo, 1),
            "bare_echo_per_update_us": round(bare, 1),
            "per_kind_us": {k: round(per_update(t.waypoint, k) / 1e3, 1) for k in KINDS if k},
            "echo_keyboard": t.keyboard,
            "listings": len(catalog.content.resources),
            "regions": len(catalog.content.regions),
        }
    started = start_results(starts)
    if started:
        largest = max(started.values(), key=lambda m: m["listings"])
        found |= {
            "first_answer_s": round(largest["first_answer_s"], 3),
            "peak_rss_mib": round(largest["peak_rss_mib"], 1),
            "starts": started,
        }
        if "all_languages_peak_rss_mib" in largest:
            found["all_languages_peak_rss_mib"] = round(largest["all_languages_peak_rss_mib"], 1)
    found |= {"python_telegram_bot": telegram.__version__, "machine": machine()}
    return found


def main() -> int:
    """Measure and print the report; the exit status is 0 whether or not the aim is met."""
    args = parse_args()
    try:
        timings, traced, catalog = None, 0, None
        if not args.starts_only:
            with tempfile.TemporaryDirectory(prefix="waypoint-bench-") as scratch:
                catalog = content_catalog(args.resources, Path(scratch), args.seed)
                timings = asyncio.run(time_both(catalog, args.updates, args.rounds))
                if not args.json:
                    traced = asyncio.run(traced_peak(catalog, args.updates))
        starts = (
            all_starts(args.resources, args.starts, args.seed, args.languages, args.reloads)
            if args.starts
            else []
        )
    except (RuntimeError, TimeoutError) as error:
        print(error, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(results(timings, starts, catalog, args)))
        return 0
    if timings is not None and catalog is not None:
        listings = len(catalog.content.resources)
        print(f"{listings:,} listings; echo bots' keyboard: {timings.keyboard}")
        print()
        header = ["measure", "Waypoint", "echo bot", "ratio", "ratio to a bare echo bot"]
        print(table(header, cost_rows(timings, args.updates)))
        print()
        print(table(["measure", "value"], memory_rows(timings, traced, args.updates)))
    if starts:
        print()
        header = ["`python -m bot run` on", "first answer, cold", "first answer, warm"]
        print(table([*header, "peak RSS, cold", "peak RSS, warm"], start_rows(starts)))
        if args.languages:
            print()
            header = [
                "`python -m bot run` on",
                "peak RSS, warm",
                "after an answer in each language",
            ]
            print(table(header, language_rows(starts)))
        if args.reloads:
            print()
            header = ["`python -m bot run` on", "RSS after each reload", "peak RSS"]
            print(table(header, reload_rows(starts)))
    print()
    print(f"Machine: {machine()}, python-telegram-bot {telegram.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
