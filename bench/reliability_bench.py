"""Reliability of the running bot: faults, kills, forgets, shutdown, floods and bad input.

Each row starts the bot the way a user does (``python -m bot run`` in a subprocess, a fresh
temporary DATA_DIR, CONTENT_DIR=content) against the fake Bot API of ``tests/fake_bot_api.py``
on 127.0.0.1, and drives it through real long polling and HTTP. Nothing leaves the machine.

- faults: a seeded share of Bot API calls fail (429, 500, 502, a read timeout, a dropped
  connection, a reply that is not JSON) while people send a /start or a search and then press
  a button under the bot's answer. Counts replies expected, delivered (a send or edit to that
  person's chat took effect at the fake), lost, duplicated (the person saw a second message for
  one update), and push-to-delivery time; and lists each update lost, apologised for or
  doubled with the faults its own calls met. Runs: no faults; every kind at 25 %; each kind alone
  at 25 %; every kind at 25 % with getUpdates faulted too (getUpdates is spared in the others,
  and from timeouts always: its client waits the 30 s long poll plus 10 s).
- kills: a backlog is answered while the bot is killed with SIGKILL three times and started
  again on the same DATA_DIR; counts updates never answered, and those answered twice.
- forgets: 1,000 people press a language button and send /forget right after, with a slow
  answerCallbackQuery; counts rows left in the `preferences` table (must be 0).
- shutdown: 300 updates waiting, a slow sendMessage, SIGTERM with STOP_GRACE_SECONDS=2; counts
  updates confirmed to the fake but never answered (must be 0) and the time to exit.
- flood: one person sends 1,000 messages among 40 people sending one each; the others' wait,
  with and without the flood, with the fake's 30 messages/s limit off and on, with the 40
  all before the flood, and delivered to the bot's webhook over 40 connections instead of
  polled (as Telegram posts to a webhook).
- inputs: unparseable updates, callback data that is not ours, lone surrogates, 4,000-character
  messages, groups and channels; each must be answered or skipped without a crash, and no
  unparseable update fetched more than twice.

It prints Markdown tables and the machine. It reports and does not judge: the exit status is 0
whether or not a target is met; it is 1 only when the bot cannot be started. Every wait has a
deadline, so a hang shows as "unfinished" in the tables rather than as a stuck run.

Run from the repository root (about five minutes on a 2-CPU machine; docs/reliability.md
explains every row and holds the last results):

    .venv/bin/python bench/reliability_bench.py
    .venv/bin/python bench/reliability_bench.py --only faults --fault-runs drop,timeout
    .venv/bin/python bench/reliability_bench.py --only kills,shutdown
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for bot.* and tests.*

import httpx
import telegram
from search_bench import machine

from bot.ui.actions import SetLanguage, encode
from tests.fake_bot_api import (
    FAULT_KINDS,
    Effect,
    FakeBotApi,
    Fault,
    callback_update,
    make_user,
    message_update,
    my_chat_member_update,
)

ROOT = Path(__file__).resolve().parent.parent
BOT_COMMAND = [sys.executable, "-m", "bot", "run"]
TOKEN = "7000000003:AAR-reliability-bench-token-00000000000"
CONTENT_DIR = ["content"]  # set from --content
ROWS = ("faults", "kills", "forgets", "shutdown", "flood", "inputs")
SEED = 2026
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0
PHASE_TIMEOUT_S = 120.0
TEXT_METHODS = ("sendMessage", "editMessageText")
APOLOGY = "Sorry, something went wrong"
APOLOGY_ES = "Perdón, algo salió mal"
ERASED = "your saved language and area are erased"
FLOOD_NOTICE = "pausing for a minute"
SEARCHES = ("condoms", "naloxona", "food", "shower", "legal help")
BENCH = "python bench/reliability_bench.py"

Json = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# The bot process and waiting
# ---------------------------------------------------------------------------------------------


# Every bot process this run started, so none outlives it (whatever a row raises).
STARTED: list[subprocess.Popen[bytes]] = []


def kill_leftovers() -> None:
    """SIGKILL every bot process this run started that still runs."""
    for process in STARTED:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)


class BotDied(RuntimeError):
    """The bot process ended while it should have been running."""


class BotProcess:
    """`python -m bot run` against `api`, its data in `data_dir`, its log in `log_path`."""

    def __init__(
        self, api: FakeBotApi, data_dir: Path, log_path: Path, ready: str = "getUpdates", **env: str
    ) -> None:
        self.api = api
        # The call that shows the bot is up: getUpdates (polling) or setWebhook.
        self.ready = ready
        self.data_dir = data_dir
        self.log_path = log_path
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.url,
            "DATA_DIR": str(data_dir),
            "CONTENT_DIR": CONTENT_DIR[0],
            "LOG_LEVEL": "INFO",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        log_path.write_bytes(b"")

    def start(self) -> float:
        """Start the bot and wait until it polls; the seconds that took."""
        mark = self.api.mark()
        started = time.monotonic()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                BOT_COMMAND,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
            )
        self.starts += 1
        STARTED.append(self.process)
        ok = wait_until(
            lambda: any(c.method == self.ready for c in self.api.calls[mark:]),
            START_TIMEOUT_S,
            self,
        )
        if not ok:
            code = self.process.poll()
            raise BotDied(
                f"the bot exited with status {code} before polling (its log follows)"
                if code is not None
                else f"the bot did not poll within {START_TIMEOUT_S:g} s (its log follows)"
            )
        return time.monotonic() - started

    @property
    def alive(self) -> bool:
        """Whether the process is running."""
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, as the kernel's out-of-memory killer or a pulled plug would."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=STOP_TIMEOUT_S)

    def terminate(self) -> tuple[float, int | None]:
        """SIGTERM; seconds to exit and the exit status (None: killed after the timeout)."""
        if self.process is None or self.process.poll() is not None:
            return 0.0, None if self.process is None else self.process.returncode
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code: int | None = self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            code = None
        return time.monotonic() - started, code

    def log_errors(self) -> Counter[str]:
        """Error lines and tracebacks in the log, by their first words."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        found: Counter[str] = Counter()
        for line in text.splitlines():
            if "Traceback" in line:
                found["Traceback"] += 1
            elif " ERROR " in line or line.startswith("ERROR"):
                found[line.split("ERROR", 1)[1].strip()[:60]] += 1
        return found


def log_in(args: argparse.Namespace, tmp: Path, name: str) -> Path:
    """Where a bot's log goes: the --logs folder, else the temporary folder."""
    folder: Path = args.logs or tmp
    return folder / name


def wait_until(
    condition: Callable[[], bool], timeout: float, bot: BotProcess | None = None
) -> bool:
    """Poll `condition` until it holds (True) or `timeout` passes (False); stop early when the
    bot died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if bot is not None and not bot.alive:
            return condition()
        time.sleep(0.05)
    return condition()


def confirmed(api: FakeBotApi, update_ids: Iterable[int]) -> Callable[[], bool]:
    """A condition: none of `update_ids` is still waiting at the fake (all were confirmed)."""
    wanted = set(update_ids)

    def check() -> bool:
        return not wanted.intersection(api.pending_update_ids())

    return check


def unconfirmed(api: FakeBotApi, update_ids: Iterable[int]) -> int:
    """How many of `update_ids` are still waiting at the fake."""
    return len(set(update_ids).intersection(api.pending_update_ids()))


# ---------------------------------------------------------------------------------------------
# What a person sent and what reached them
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """One update pushed to the fake, whose answer goes to `chat_id`."""

    update_id: int
    chat_id: int
    pushed: float
    kind: str
    query_id: str | None = None


@dataclass
class Tally:
    """What reached people for a set of asks."""

    expected: int = 0
    delivered: int = 0
    apology_only: int = 0
    lost: int = 0
    twice_same: int = 0
    reply_and_apology: int = 0
    repeated_edits: int = 0
    delays: list[float] = field(default_factory=list)
    untouched_delays: list[float] = field(default_factory=list)
    lost_kinds: Counter[str] = field(default_factory=Counter)
    # Each update that was lost, apologised for or doubled: what it was and what its calls met.
    incidents: list[str] = field(default_factory=list)

    @property
    def duplicated(self) -> int:
        """Updates after which the person saw a second message."""
        return self.twice_same + self.reply_and_apology

    def add(self, other: Tally) -> None:
        """Add `other`'s counts to these."""
        for name in (
            "expected",
            "delivered",
            "apology_only",
            "lost",
            "twice_same",
            "reply_and_apology",
            "repeated_edits",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.delays += other.delays
        self.untouched_delays += other.untouched_delays
        self.lost_kinds += other.lost_kinds
        self.incidents += other.incidents


def by_chat(
    effects: Sequence[Effect], methods: Sequence[str] = TEXT_METHODS
) -> dict[int, list[Effect]]:
    """The effects of `methods`, by the chat they went to."""
    chats: dict[int, list[Effect]] = defaultdict(list)
    for effect in effects:
        if effect.call.method in methods:
            chat = effect.call.int_param("chat_id")
            if chat is not None:
                chats[chat].append(effect)
    return chats


def judge(
    asks: Sequence[Ask], effects: Sequence[Effect], until: float, faults: Sequence[Fault] = ()
) -> Tally:
    """Compare each ask with what took effect in its chat between its push and `until`.

    Each person has one update in flight per phase, so everything sent to the chat in that
    window answers it. Delivered: a send or edit took effect. Lost: nothing did. Twice the same:
    one text sent twice. Reply and apology: the answer took effect but the bot did not learn it
    and apologised too. Repeated edits (one text edited in twice) show nothing twice.
    Untouched delays: those of updates none of whose own calls met a fault.
    """
    tally = Tally()
    chats = by_chat(effects)
    faulted: dict[int | str, list[Fault]] = defaultdict(list)
    for fault in faults:
        if fault.call is not None:
            key = fault.call.int_param("chat_id") or fault.call.get("callback_query_id")
            if key is not None:
                faulted[key].append(fault)
    for ask in asks:
        tally.expected += 1
        window = [e for e in chats.get(ask.chat_id, []) if ask.pushed <= e.at <= until]
        sends = [str(e.call.get("text", "")) for e in window if e.call.method == "sendMessage"]
        edits = [str(e.call.get("text", "")) for e in window if e.call.method == "editMessageText"]
        apologies = [t for t in sends if APOLOGY in t]
        real = [t for t in sends if APOLOGY not in t] + edits
        touched = [
            fault
            for key in (ask.chat_id, ask.query_id)
            if key is not None
            for fault in faulted.get(key, [])
            if ask.pushed <= fault.at <= until
        ]
        if not window:
            tally.lost += 1
            tally.lost_kinds[ask.kind] += 1
            tally.incidents.append(incident(ask, "lost", touched))
            continue
        tally.delivered += 1
        delay = min(e.at for e in window) - ask.pushed
        tally.delays.append(delay)
        if not touched:
            tally.untouched_delays.append(delay)
        if not real:
            tally.apology_only += 1
            tally.incidents.append(incident(ask, "apology only", touched))
        if any(n > 1 for n in Counter(t for t in sends if APOLOGY not in t).values()):
            tally.twice_same += 1
            tally.incidents.append(incident(ask, "same text twice", touched))
        elif real and apologies:
            tally.reply_and_apology += 1
            tally.incidents.append(incident(ask, "reply + apology", touched))
        if any(n > 1 for n in Counter(edits).values()):
            tally.repeated_edits += 1
    return tally


def incident(ask: Ask, outcome: str, faults: Sequence[Fault]) -> str:
    """One line on an update that went wrong: its kind, the outcome, and the faults its own
    calls met in order (method:kind, + when the call took effect all the same)."""
    met = ", ".join(f"{f.method}:{f.kind}{'+' if f.took_effect else ''}" for f in faults)
    return f"{ask.kind} (update {ask.update_id}): {outcome}; faults met: {met or 'none'}"


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile (nearest rank) of `values`, or NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def seconds(value: float) -> str:
    """Seconds, with milliseconds below one second."""
    if value != value:  # NaN
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def people(first_id: int, count: int, language: str = "en") -> list[Json]:
    """`count` people with ids from `first_id`."""
    return [
        make_user(first_id + n, "Pat", None, None, language_code=language) for n in range(count)
    ]


def push(api: FakeBotApi, update: Json, chat_id: int, kind: str) -> Ask:
    """Push `update` and remember when and for which chat (and which button press)."""
    pushed = time.monotonic()
    query = update.get("callback_query", {}).get("id")
    return Ask(api.push_update(update), chat_id, pushed, kind, query)


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass
class Summary:
    """One line of the summary table."""

    row: str
    kind: str
    count: str
    measured: str
    target: str
    command: str


# ---------------------------------------------------------------------------------------------
# 1. Faults
# ---------------------------------------------------------------------------------------------


@dataclass
class FaultRun:
    """One run under faults: its label, what was injected and what reached people."""

    label: str
    rate: float
    injected: Counter[str]
    on_methods: Counter[str]
    tally: Tally
    unfinished: int
    seconds: float


def one_phase(
    api: FakeBotApi, bot: BotProcess, asks: list[Ask], timeout: float = PHASE_TIMEOUT_S
) -> tuple[Tally, int]:
    """Wait until every ask is handled (confirmed), then judge it; and how many were not."""
    wait_until(confirmed(api, (a.update_id for a in asks)), timeout, bot)
    until = time.monotonic()
    return judge(asks, api.effects, until, api.faults), unconfirmed(
        api, (a.update_id for a in asks)
    )


def fault_run(
    api: FakeBotApi,
    bot: BotProcess,
    label: str,
    kinds: Sequence[str],
    rate: float,
    crowd: list[Json],
    seed: int,
    polling: bool,
    timeout_takes_effect: bool = True,
) -> FaultRun:
    """People send a /start or a search, then press a button under what they got, under
    faults of `kinds` at `rate` (on getUpdates too when `polling`)."""
    rng = random.Random(seed)
    faults_before = len(api.faults)
    started = time.monotonic()
    api.inject_faults(
        rate,
        kinds,
        seed=seed,
        exclude=() if polling else ("getUpdates",),
        timeout_takes_effect=timeout_takes_effect,
    )
    try:
        asks = []
        for n, person in enumerate(crowd):
            if n % 2:
                asks.append(push(api, message_update(person, "/start"), person["id"], "start"))
            else:
                text = SEARCHES[n // 2 % len(SEARCHES)]
                asks.append(push(api, message_update(person, text), person["id"], "search"))
        tally, unfinished = one_phase(api, bot, asks)
        presses = []
        for person in crowd:
            shown = [m for m in api.sent_messages(person["id"]) if m.get("reply_markup")]
            if not shown:
                continue
            message = shown[-1]
            data = rng.choice(
                [
                    b["callback_data"]
                    for row in message["reply_markup"]["inline_keyboard"]
                    for b in row
                ]
            )
            update = api.callback_update(person, data, message["message_id"])
            presses.append(push(api, update, person["id"], "press"))
        pressed, unfinished_presses = one_phase(api, bot, presses)
        tally.add(pressed)
    finally:
        api.inject_faults(0)
    faults = api.faults[faults_before:]
    injected = Counter(f.kind for f in faults)
    on_methods = Counter(f.method for f in faults)
    elapsed = time.monotonic() - started
    return FaultRun(
        label, rate, injected, on_methods, tally, unfinished + unfinished_presses, elapsed
    )


def fault_target(label: str) -> str:
    """The target under these faults: 0 lost and 0 duplicated where the send policy allows."""
    if label in ("429", NO_FAULTS):
        return "0 lost, 0 duplicated"
    if label in ("500", "502", "drop"):
        return "0 duplicated; lost or apology only: allowed (a send is not repeated)"
    if label in ("timeout", "not_json"):
        return "0 lost; reply + apology: allowed (the send took effect unseen)"
    return "0 lost, 0 duplicated where the policy allows (see each kind alone)"


NO_FAULTS = "none"
ALL_KINDS = "all"
ALL_WITH_POLLING = "all+getUpdates"
FAULT_RUNS = (NO_FAULTS, ALL_KINDS, *FAULT_KINDS, ALL_WITH_POLLING)


def run_faults(args: argparse.Namespace, tmp: Path) -> tuple[list[Summary], str]:
    """Row 1: every kind at once, each kind alone, and every kind with getUpdates faulted too."""
    chosen_runs = [r for r in FAULT_RUNS if r in args.fault_runs.split(",")]
    runs: list[FaultRun] = []
    with FakeBotApi(token=TOKEN) as api:
        bot = BotProcess(api, tmp / "faults-data", log_in(args, tmp, "faults.log"))
        bot.start()
        for number, label in enumerate(chosen_runs):
            kinds = (label,) if label in FAULT_KINDS else FAULT_KINDS
            crowd = people(10_000_000 + number * 10_000, args.people)
            polling = label == ALL_WITH_POLLING
            rate = 0.0 if label == NO_FAULTS else args.rate
            runs.append(
                fault_run(
                    api, bot, label, kinds, rate, crowd, args.seed, polling, args.timeout_effect
                )
            )
            print(f"  faults, {label}: {runs[-1].seconds:.0f} s", file=sys.stderr, flush=True)
        alive = bot.alive
        stop_seconds, code = bot.terminate()
        errors = bot.log_errors()
    rows = []
    summaries = []
    for run in runs:
        t = run.tally
        injected = ", ".join(f"{k} {v}" for k, v in sorted(run.injected.items())) or "none"
        methods = ", ".join(f"{m} {n}" for m, n in run.on_methods.most_common()) or "—"
        rows.append(
            (
                f"{run.label} at {run.rate:.0%}",
                injected,
                methods,
                t.expected,
                f"{t.delivered} ({t.apology_only} apology only)",
                f"{t.lost}" + (f" ({dict(t.lost_kinds)})" if t.lost else ""),
                f"{t.duplicated} ({t.twice_same} same text twice,"
                f" {t.reply_and_apology} reply + apology)",
                t.repeated_edits,
                f"{seconds(quantile(t.delays, 0.5))} / {seconds(quantile(t.delays, 0.99))}",
                f"{seconds(quantile(t.untouched_delays, 0.5))} /"
                f" {seconds(quantile(t.untouched_delays, 0.99))} ({len(t.untouched_delays)})",
                run.unfinished,
            )
        )
        command = f"{BENCH} --only faults --fault-runs {run.label}"
        summaries.append(
            Summary(
                "1. faults",
                f"{run.label} at {run.rate:.0%}",
                f"{sum(run.injected.values())} faults, {t.expected} replies expected",
                f"{t.lost} lost, {t.duplicated} duplicated, {t.apology_only} apology only;"
                f" delay p50 {seconds(quantile(t.delays, 0.5))},"
                f" p99 {seconds(quantile(t.delays, 0.99))}",
                fault_target(run.label),
                f"`{command}`",
            )
        )
    detail = table(
        (
            "run",
            "faults injected",
            "on",
            "replies expected",
            "delivered",
            "lost",
            "duplicated",
            "edits repeated (not visible)",
            "delay p50 / p99",
            "delay p50 / p99, no fault of its own (count)",
            "unfinished",
        ),
        rows,
    )
    incidents = [f"- {run.label}: {line}" for run in runs for line in run.tally.incidents]
    if incidents:
        detail += "\n\nUpdates lost, apologised for or doubled:\n" + "\n".join(incidents)
    detail += (
        f"\n\nBot alive after the runs: {alive}; exit after SIGTERM: {code} in"
        f" {stop_seconds:.2f} s; error lines in its log: {sum(errors.values())}"
        f" {dict(errors.most_common(5))}"
    )
    return summaries, detail


# ---------------------------------------------------------------------------------------------
# 2. Kills
# ---------------------------------------------------------------------------------------------


def sends_reach(api: FakeBotApi, count: int) -> Callable[[], bool]:
    """A condition: the bot has made at least `count` sendMessage calls."""
    return lambda: len(api.calls_to("sendMessage")) >= count


def run_kills(args: argparse.Namespace, tmp: Path) -> tuple[list[Summary], str]:
    """Row 2: SIGKILL mid-run three times; start again on the same data; count what is lost."""
    kills = 3
    first, more = 600, 100
    with FakeBotApi(token=TOKEN) as api:
        api.delay("sendMessage", 0.1)
        bot = BotProcess(api, tmp / "kills-data", log_in(args, tmp, "kills.log"))
        crowd = people(20_000_000, first + kills * more)
        asks = [
            push(api, message_update(p, SEARCHES[n % len(SEARCHES)]), p["id"], "search")
            for n, p in enumerate(crowd[:first])
        ]
        start_times = [bot.start()]
        sends_at_kill = []
        for k in range(kills):
            wait_until(sends_reach(api, len(api.calls_to("sendMessage")) + first // 5), 60.0, bot)
            sends_at_kill.append(len(api.effects))
            bot.kill()
            # While the bot is down, more people write.
            offset = first + k * more
            asks += [
                push(api, message_update(p, SEARCHES[n % len(SEARCHES)]), p["id"], "search")
                for n, p in enumerate(crowd[offset : offset + more])
            ]
            start_times.append(bot.start())
        finished = wait_until(confirmed(api, (a.update_id for a in asks)), PHASE_TIMEOUT_S, bot)
        stop_seconds, code = bot.terminate()
        tally = judge(asks, api.effects, time.monotonic())
        left = unconfirmed(api, (a.update_id for a in asks))
        errors = bot.log_errors()
    summary = Summary(
        "2. kills",
        f"SIGKILL mid-run, {kills} times",
        f"{kills} kills, {len(asks)} updates",
        f"{tally.lost} never answered, {tally.duplicated} answered twice",
        "0 never answered (answered twice: allowed, at most the updates in hand at each kill)",
        f"`{BENCH} --only kills`",
    )
    detail = table(
        ("measure", "value"),
        [
            ("updates pushed (600 before, 100 during each outage)", len(asks)),
            ("kills (SIGKILL after about 120 more sends each)", kills),
            ("starts, seconds to first poll", ", ".join(f"{s:.2f}" for s in start_times)),
            ("answered", tally.delivered),
            ("never answered (target 0)", tally.lost),
            ("answered twice (redelivered after a kill)", tally.duplicated),
            ("still unconfirmed at the end", left),
            ("all confirmed before the deadline", finished),
            ("exit status after the final SIGTERM", f"{code} in {stop_seconds:.2f} s"),
            ("error lines in the log", f"{sum(errors.values())} {dict(errors.most_common(5))}"),
        ],
    )
    return [summary], detail


# ---------------------------------------------------------------------------------------------
# 3. Forgets
# ---------------------------------------------------------------------------------------------


def preference_rows(database: Path) -> int:
    """Rows in the `preferences` table (read-only)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM preferences").fetchone()
    return int(count)


def run_forgets(args: argparse.Namespace, tmp: Path) -> tuple[list[Summary], str]:
    """Row 3: a language press and a /forget right after, for 1,000 people at once."""
    count = args.forgetters
    data_dir = tmp / "forgets-data"
    with FakeBotApi(token=TOKEN) as api:
        bot = BotProcess(api, data_dir, log_in(args, tmp, "forgets.log"))
        bot.start()
        crowd = people(30_000_000, count, language="es")
        starts = [
            push(api, message_update(p, "/start l-es__a-oakland"), p["id"], "start") for p in crowd
        ]
        setup_ok = wait_until(confirmed(api, (a.update_id for a in starts)), PHASE_TIMEOUT_S, bot)
        rows_before = preference_rows(data_dir / "waypoint.sqlite3")
        api.delay("answerCallbackQuery", 0.05)
        started = time.monotonic()
        race: list[Ask] = []
        for person in crowd:
            welcome = api.sent_messages(person["id"])[-1]
            data = encode(SetLanguage("en"))
            race.append(
                push(
                    api,
                    api.callback_update(person, data, welcome["message_id"]),
                    person["id"],
                    "press",
                )
            )
            race.append(push(api, message_update(person, "/forget"), person["id"], "forget"))
        race_ok = wait_until(confirmed(api, (a.update_id for a in race)), PHASE_TIMEOUT_S, bot)
        race_seconds = time.monotonic() - started
        stop_seconds, code = bot.terminate()
        rows_after = preference_rows(data_dir / "waypoint.sqlite3")
        after_race = by_chat([e for e in api.effects if e.at >= started], ("sendMessage",))
        told: Counter[str] = Counter()
        for person in crowd:
            texts = [str(e.call.get("text", "")) for e in after_race.get(person["id"], [])]
            if any(ERASED in t for t in texts):
                told["erased"] += 1
            if any(APOLOGY in t or APOLOGY_ES in t for t in texts):
                told["apology"] += 1
        errors = bot.log_errors()
    summary = Summary(
        "3. forgets",
        "press a language, then /forget at once",
        f"{count} people ({2 * count} updates)",
        f"{rows_after} rows left in `preferences`; {told['apology']} apologies instead of"
        " the erasure note",
        "0 rows left (and 0 apologies)",
        f"`{BENCH} --only forgets`",
    )
    detail = table(
        ("measure", "value"),
        [
            ("people", count),
            ("rows in `preferences` after the deep-link /start (expected one each)", rows_before),
            ("answerCallbackQuery delay at the fake", "50 ms"),
            ("press + /forget updates handled", f"{len(race)} in {race_seconds:.1f} s"),
            ("/forget answered “your saved language and area are erased”", told["erased"]),
            ("press or /forget answered with the apology instead", told["apology"]),
            ("rows left in `preferences` after the race (target 0)", rows_after),
            ("everything confirmed before the deadline", setup_ok and race_ok),
            ("exit status after SIGTERM", f"{code} in {stop_seconds:.2f} s"),
            ("error lines in the log", f"{sum(errors.values())} {dict(errors.most_common(5))}"),
        ],
    )
    return [summary], detail


# ---------------------------------------------------------------------------------------------
# 4. Shutdown
# ---------------------------------------------------------------------------------------------


def run_shutdown(args: argparse.Namespace, tmp: Path) -> tuple[list[Summary], str]:
    """Row 4: SIGTERM with 300 updates waiting and a slow sendMessage."""
    backlog, grace, slow = 300, 2.0, 1.0
    with FakeBotApi(token=TOKEN) as api:
        api.delay("sendMessage", slow)
        bot = BotProcess(
            api,
            tmp / "shutdown-data",
            log_in(args, tmp, "shutdown.log"),
            STOP_GRACE_SECONDS=f"{grace:g}",
        )
        crowd = people(40_000_000, backlog)
        asks = [
            push(api, message_update(p, SEARCHES[n % len(SEARCHES)]), p["id"], "search")
            for n, p in enumerate(crowd)
        ]
        bot.start()
        wait_until(lambda: bool(api.calls_to("sendMessage")), START_TIMEOUT_S, bot)
        exit_seconds, code = bot.terminate()
        time.sleep(slow + 0.5)  # sends the bot gave up on may still take effect at the fake
        chats = by_chat(api.effects)
        pending = set(api.pending_update_ids())
        confirmed_ids = {a.update_id for a in asks} - pending
        answered = {a.update_id for a in asks if a.chat_id in chats}
        confirmed_unanswered = len(confirmed_ids - answered)
        answered_unconfirmed = len(answered - confirmed_ids)
        # Start again: what was left must be answered now.
        api.delay("sendMessage", 0.0)
        again = BotProcess(api, tmp / "shutdown-data", log_in(args, tmp, "shutdown-again.log"))
        again.start()
        wait_until(confirmed(api, (a.update_id for a in asks)), PHASE_TIMEOUT_S, again)
        again.terminate()
        tally = judge(asks, api.effects, time.monotonic())
        errors = bot.log_errors()
    summary = Summary(
        "4. shutdown",
        f"SIGTERM, {backlog} waiting, grace {grace:g} s, sendMessage {slow:g} s",
        f"{backlog} updates",
        f"{confirmed_unanswered} confirmed but never answered; exit {code} in {exit_seconds:.2f} s",
        f"0; exit within grace + a few s (≤ {grace + 3:g} s)",
        f"`{BENCH} --only shutdown`",
    )
    detail = table(
        ("measure", "value"),
        [
            ("updates waiting at start", backlog),
            ("STOP_GRACE_SECONDS / sendMessage delay at the fake", f"{grace:g} s / {slow:g} s"),
            ("SIGTERM to exit", f"{exit_seconds:.2f} s, status {code}"),
            ("confirmed to the fake (no longer pending)", len(confirmed_ids)),
            ("answered before the stop", len(answered)),
            ("confirmed but never answered (target 0)", confirmed_unanswered),
            (
                "answered but left unconfirmed (answered again after the restart)",
                answered_unconfirmed,
            ),
            (
                "after a restart: never answered / answered twice",
                f"{tally.lost} / {tally.duplicated}",
            ),
            ("error lines in the log", f"{sum(errors.values())} {dict(errors.most_common(5))}"),
        ],
    )
    return [summary], detail


# ---------------------------------------------------------------------------------------------
# 5. Flood
# ---------------------------------------------------------------------------------------------


@dataclass
class FloodResult:
    """Others' waits without and with one person flooding, and what the flooder got."""

    calm: list[float]
    flooded: list[float]
    calm_lost: int
    flooded_lost: int
    flooder_answered: int
    flooder_notices: int
    peak_rate: int
    calm_limited: int
    flood_limited: int


def flood_result(
    api: FakeBotApi, flooder_id: int, mark: float, tallies: tuple[Tally, Tally]
) -> FloodResult:
    """Others' waits without and with the flood, and what reached the flooder since `mark`
    (no rate limit counted: the caller adds it where the fake limits sends)."""
    calm, flooded = tallies
    to_flooder = [
        e for e in by_chat(api.effects, ("sendMessage",)).get(flooder_id, []) if e.at >= mark
    ]
    sends = [e.at for e in api.effects if e.call.method == "sendMessage"]
    return FloodResult(
        calm.delays,
        flooded.delays,
        calm.lost,
        flooded.lost,
        len(to_flooder),
        sum(1 for e in to_flooder if FLOOD_NOTICE in str(e.call.get("text"))),
        peak_per_second(sends),
        0,
        0,
    )


def peak_per_second(times: Sequence[float]) -> int:
    """The most events in any one-second window."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def flood_once(
    args: argparse.Namespace,
    tmp: Path,
    name: str,
    limit: float | None,
    others: int,
    flood: int,
    others_first: bool = False,
) -> FloodResult:
    """Others alone, then others among one person's flood (at random places in it, or all
    before it when `others_first`); `limit`: the fake's rate limit."""
    rng = random.Random(args.seed)
    with FakeBotApi(token=TOKEN) as api:
        api.delay("sendMessage", 0.05)  # a network round trip to Telegram
        api.limit_rate(limit)
        bot = BotProcess(api, tmp / f"{name}-data", log_in(args, tmp, f"{name}.log"))
        bot.start()
        calm_crowd = people(50_000_000, others)
        calm = [push(api, message_update(p, "condoms"), p["id"], "search") for p in calm_crowd]
        calm_tally, _ = one_phase(api, bot, calm)
        faults_before = len(api.faults)
        crowd = people(51_000_000, others)
        flooder = make_user(52_000_000, "Flo", None, None, "en")
        stream: list[Json | None] = [None] * flood
        for person in crowd:
            stream.insert(0 if others_first else rng.randrange(len(stream) + 1), person)
        mark = time.monotonic()
        asks: list[Ask] = []
        flood_ids: list[int] = []
        for someone in stream:
            if someone is None:
                flood_ids.append(api.push_update(message_update(flooder, "condoms")))
            else:
                asks.append(push(api, message_update(someone, "condoms"), someone["id"], "search"))
        flood_tally, _ = one_phase(api, bot, asks)
        wait_until(confirmed(api, flood_ids), PHASE_TIMEOUT_S, bot)
        limited = [f.kind == "rate_limit" for f in api.faults]
        result = flood_result(api, flooder["id"], mark, (calm_tally, flood_tally))
        bot.terminate()
    return replace(
        result,
        calm_limited=sum(limited[:faults_before]),
        flood_limited=sum(limited[faults_before:]),
    )


# Telegram's default number of connections at once to a webhook (setWebhook max_connections).
WEBHOOK_CONNECTIONS = 40
WEBHOOK_SECRET = "bench-webhook-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def deliver_by_webhook(port: int, updates: Sequence[Json]) -> dict[int, float]:
    """Post `updates` to the bot's webhook in order over WEBHOOK_CONNECTIONS connections at
    once, as Telegram does, each answered when handled; when each post began, by update id."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    limits = httpx.Limits(max_connections=WEBHOOK_CONNECTIONS)
    began: dict[int, float] = {}

    def post(update: Json) -> int:
        began[update["update_id"]] = time.monotonic()
        return client.post("/", json=update, headers=headers).status_code

    with (
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits) as client,
        ThreadPoolExecutor(WEBHOOK_CONNECTIONS) as pool,
    ):
        for done in [pool.submit(post, update) for update in updates]:
            done.result()
    return began


def webhook_listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def flood_by_webhook(args: argparse.Namespace, tmp: Path, others: int, flood: int) -> FloodResult:
    """As `flood_once` among the flood with no rate limit, with Telegram posting to the bot's
    webhook instead of the bot polling: no window of 100 behind the oldest unfinished update."""
    rng = random.Random(args.seed)
    port = free_port()
    with FakeBotApi(token=TOKEN) as api:
        api.delay("sendMessage", 0.05)
        bot = BotProcess(
            api,
            tmp / "flood-webhook-data",
            log_in(args, tmp, "flood-webhook.log"),
            ready="setWebhook",
            WEBHOOK_URL="https://example.org/hook",
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(port),
            WEBHOOK_SECRET=WEBHOOK_SECRET,
        )
        bot.start()
        wait_until(lambda: webhook_listening(port), START_TIMEOUT_S, bot)
        update_ids = iter(range(1, 10**9))

        def numbered(update: Json) -> Json:
            return {"update_id": next(update_ids), **update}

        calm_crowd = people(50_000_000, others)
        mark = time.monotonic()
        calm = [numbered(message_update(p, "condoms")) for p in calm_crowd]
        deliver_by_webhook(port, calm)
        calm_asks = [
            Ask(u["update_id"], p["id"], mark, "search")
            for u, p in zip(calm, calm_crowd, strict=True)
        ]
        calm_tally = judge(calm_asks, api.effects, time.monotonic())
        crowd = people(51_000_000, others)
        flooder = make_user(52_000_000, "Flo", None, None, "en")
        stream: list[Json | None] = [None] * flood
        for person in crowd:
            stream.insert(rng.randrange(len(stream) + 1), person)
        updates, asks = [], []
        mark = time.monotonic()
        for someone in stream:
            update = numbered(message_update(flooder if someone is None else someone, "condoms"))
            updates.append(update)
            if someone is not None:
                asks.append(Ask(update["update_id"], someone["id"], mark, "search"))
        began = deliver_by_webhook(port, updates)
        flood_tally = judge(asks, api.effects, time.monotonic())
        # The same waits from the moment each post began: what the bot adds, whatever the rate
        # at which this process (sharing the CPUs) manages to post 1,040 updates.
        posted = [replace(a, pushed=began[a.update_id]) for a in asks]
        print(
            "  flood by webhook: all posted in"
            f" {max(began.values()) - mark:.2f} s; others' wait from their own post p50 / p99"
            f" {seconds(quantile(judge(posted, api.effects, time.monotonic()).delays, 0.5))} /"
            f" {seconds(quantile(judge(posted, api.effects, time.monotonic()).delays, 0.99))}",
            file=sys.stderr,
            flush=True,
        )
        result = flood_result(api, flooder["id"], mark, (calm_tally, flood_tally))
        bot.terminate()
    return result


def run_flood(args: argparse.Namespace, tmp: Path) -> tuple[list[Summary], str]:
    """Row 5: one person sends 1,000 messages while 40 others send one each."""
    others, flood = 40, 1000
    results = {
        "others among the flood, no rate limit": flood_once(
            args, tmp, "flood", None, others, flood
        ),
        "others among the flood, fake limits sends to 30/s (429 beyond)": flood_once(
            args, tmp, "flood-limited", 30, others, flood
        ),
        "others all before the flood, no rate limit": flood_once(
            args, tmp, "flood-after", None, others, flood, others_first=True
        ),
        "others among the flood, no rate limit, webhook (40 connections)": flood_by_webhook(
            args, tmp, others, flood
        ),
    }
    rows, summaries = [], []
    for label, r in results.items():
        calm99, flood99 = quantile(r.calm, 0.99), quantile(r.flooded, 0.99)
        ratio = flood99 / calm99 if calm99 else float("nan")
        rows.append(
            (
                label,
                f"{seconds(quantile(r.calm, 0.5))} / {seconds(calm99)}",
                f"{seconds(quantile(r.flooded, 0.5))} / {seconds(flood99)}",
                f"{ratio:.1f}×",
                f"{r.calm_lost} / {r.flooded_lost}",
                f"{r.flooder_answered} ({r.flooder_notices} notice)",
                r.peak_rate,
                f"{r.calm_limited} / {r.flood_limited}",
            )
        )
        summaries.append(
            Summary(
                "5. flood",
                f"1 person × {flood} + {others} × 1, {label}",
                f"{flood + others} updates",
                f"others' p99 {seconds(flood99)} vs {seconds(calm99)} without ({ratio:.1f}×);"
                f" flooder answered {r.flooder_answered}",
                "others' p99 ≤ 2× no flood; flooder: 20 + 1 notice",
                f"`{BENCH} --only flood`",
            )
        )
    detail = table(
        (
            "fake",
            "others' wait p50 / p99, no flood",
            "others' wait p50 / p99, flood",
            "p99 ratio (target ≤ 2×)",
            "others lost (no flood / flood)",
            "flooder's messages answered",
            "peak sendMessage per second",
            "429s from the rate limit (no flood / flood)",
        ),
        rows,
    )
    return summaries, detail


# ---------------------------------------------------------------------------------------------
# 6. Bad inputs
# ---------------------------------------------------------------------------------------------


def surrogate_texts() -> list[str]:
    """Texts holding lone UTF-16 surrogates (valid in JSON escapes, not in UTF-8)."""
    return [
        "\ud800",
        "condoms \udfff",
        "\udc00\ud800 food",
        "naloxona \ud83d",
        "/start \ud800",
        "/help \udfff",
        "\ud83d\ud83d\ud83d",
        "a" * 100 + "\udbff",
    ]


def long_texts(rng: random.Random) -> list[str]:
    """Messages of 4,000 characters (Telegram's limit is 4,096 UTF-16 units)."""
    words = ("food", "shelter", "naloxona", "abogado", "shower", "ñandú", "食物", "ที่พัก")
    texts = [
        "a" * 4000,
        ("food " * 800)[:4000],
        " ".join(rng.choice(words) for _ in range(1200))[:4000],
        "ñ" * 4000,
        "字" * 4000,
        "😀" * 2000,
        ("<b>&amp;</i> " * 400)[:4000],
        "/start " + "x" * 3993,
        "\n" * 4000,
        "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(4000)),
    ]
    return [t[:4000] for t in texts]


def not_ours(rng: random.Random) -> list[str]:
    """Callback data a modified client could send, none of it made by the bot."""
    alphabet = "".join(chr(c) for c in range(0x20, 0x7F))
    fixed = [
        "",
        "0",
        "1",
        "1:",
        "1:zz:not-ours",
        "2:M",
        "9:r:food",
        "1:r:" + "x" * 60,
        "x" * 64,
        "é" * 32,
        "😀" * 16,
        "\x00\x01",
        "<b>hi</b>",
        "'; DROP TABLE preferences; --",
        '{"a":1}',
        "1:a:../../etc",
        "1:p:" + "9" * 60,
        "\ud800",
        "y" * 300,
    ]
    return fixed + [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 65))) for _ in range(11)
    ]


UNPARSEABLE: list[Json] = [
    {"message": "garbage"},
    {"message": {"message_id": 1}},
    {"callback_query": {"id": "5"}},
    {"message": {"message_id": 1, "date": "x", "chat": {"id": 1, "type": "private"}}},
    {"message": [1, 2]},
]


def run_inputs(args: argparse.Namespace, tmp: Path) -> tuple[list[Summary], str]:
    """Row 6: input no well-behaved client sends; each answered or skipped, no crash."""
    rng = random.Random(args.seed)
    ids = iter(range(60_000_000, 61_000_000))
    groups: dict[str, list[tuple[int, int]]] = defaultdict(list)  # kind -> (update id, chat id)
    expect_answer: dict[str, bool] = {}
    with FakeBotApi(token=TOKEN) as api:
        bot = BotProcess(api, tmp / "inputs-data", log_in(args, tmp, "inputs.log"))
        bot.start()
        started = time.monotonic()

        def add(kind: str, update: Json, chat_id: int, answered: bool) -> None:
            expect_answer[kind] = answered
            groups[kind].append((api.push_update(update), chat_id))

        for n in range(20):
            add("unparseable update", UNPARSEABLE[n % len(UNPARSEABLE)], 0, False)
        add("update of an unknown kind", {"poll_answer_x": {"a": 1}}, 0, False)
        add("update of an unknown kind", {}, 0, False)
        for data in not_ours(rng):
            person = make_user(next(ids), language_code="en")
            add("callback data not ours", callback_update(person, data, 1), person["id"], True)
        for text in surrogate_texts():
            person = make_user(next(ids), language_code="en")
            add("lone surrogates in text", message_update(person, text), person["id"], True)
        for text in long_texts(rng):
            person = make_user(next(ids), language_code="en")
            add("4,000-character message", message_update(person, text), person["id"], True)
        for n in range(5):
            person = make_user(next(ids), language_code="en")
            add(
                "group: command",
                message_update(person, "/start", chat_type="group" if n % 2 else "supergroup"),
                -person["id"] if n % 2 else -(1_000_000_000_000 + person["id"]),
                True,
            )
            person = make_user(next(ids), language_code="en")
            add(
                "group: plain text",
                message_update(person, "food", chat_type="group"),
                -person["id"],
                False,
            )
            person = make_user(next(ids), language_code="en")
            group = {"id": -person["id"], "type": "group", "title": "G"}
            add("group: bot added", my_chat_member_update(person, group), group["id"], True)
            channel = {"id": -(2_000_000_000_000 + person["id"]), "type": "channel", "title": "C"}
            add(
                "channel: bot added as admin",
                my_chat_member_update(person, channel, "administrator"),
                channel["id"],
                True,
            )
            quiet = {"id": channel["id"] - 1, "type": "channel", "title": "D"}
            post = {"message_id": n + 1, "date": int(time.time()), "chat": quiet, "text": "/start"}
            add("channel post", {"channel_post": post}, quiet["id"], False)
        every = [u for pairs in groups.values() for u, _ in pairs]
        finished = wait_until(confirmed(api, every), PHASE_TIMEOUT_S, bot)
        elapsed = time.monotonic() - started
        alive = bot.alive
        # Still answering afterwards?
        check = make_user(next(ids), language_code="en")
        after = push(api, message_update(check, "/start"), check["id"], "start")
        healthy, _ = one_phase(api, bot, [after], 30.0)
        stop_seconds, code = bot.terminate()
        effects = api.effects
        deliveries = api.delivery_counts()
        errors = bot.log_errors()
    rows = []
    by_method_chat: dict[tuple[str, int], int] = Counter()
    apologies: Counter[int] = Counter()
    for e in effects:
        if e.at < started:
            continue
        chat = e.call.int_param("chat_id")
        if chat is not None:
            by_method_chat[(e.call.method, chat)] += 1
            if APOLOGY in str(e.call.get("text", "")):
                apologies[chat] += 1
    total_bad = 0
    for kind, pairs in groups.items():
        answered = sum(
            1
            for _, chat in pairs
            if any(by_method_chat.get((m, chat)) for m in (*TEXT_METHODS, "leaveChat"))
        )
        apologised = sum(1 for _, chat in pairs if apologies.get(chat))
        fetched = max(deliveries.get(u, 0) for u, _ in pairs)
        total_bad += len(pairs)
        rows.append(
            (
                kind,
                len(pairs),
                "answer" if expect_answer[kind] else "skip",
                answered,
                apologised,
                len(pairs) - answered,
                fetched,
            )
        )
    unparseable = [u for u, _ in groups["unparseable update"]]
    most_fetched = max(deliveries.get(u, 0) for u in unparseable)
    summary = Summary(
        "6. bad inputs",
        ", ".join(f"{k} {len(v)}" for k, v in groups.items()),
        f"{total_bad} updates",
        f"bot alive: {alive}, answers afterwards: {healthy.delivered == 1};"
        f" unparseable fetched at most {most_fetched}×;"
        f" {sum(apologies.values())} apologies; {sum(errors.values())} error lines",
        "no crash; each answered or skipped; unparseable fetched ≤ 2×",
        f"`{BENCH} --only inputs`",
    )
    detail = table(
        (
            "kind",
            "count",
            "expected",
            "answered",
            "of which apology",
            "not answered",
            "fetched at most",
        ),
        rows,
    )
    detail += (
        f"\n\nAll handled before the deadline: {finished} ({elapsed:.1f} s). Bot alive: {alive};"
        f" a /start afterwards answered: {healthy.delivered == 1}; exit after SIGTERM: {code} in"
        f" {stop_seconds:.2f} s; error lines in its log: {sum(errors.values())}"
        f" {dict(errors.most_common(5))}"
    )
    return [summary], detail


# ---------------------------------------------------------------------------------------------


RUNNERS: dict[str, Callable[[argparse.Namespace, Path], tuple[list[Summary], str]]] = {
    "faults": run_faults,
    "kills": run_kills,
    "forgets": run_forgets,
    "shutdown": run_shutdown,
    "flood": run_flood,
    "inputs": run_inputs,
}


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", default=",".join(ROWS), help=f"comma-separated rows among {', '.join(ROWS)}"
    )
    parser.add_argument("--people", type=int, default=200, help="people per fault run")
    parser.add_argument("--rate", type=float, default=0.25, help="share of calls that fail")
    parser.add_argument(
        "--fault-runs",
        default=",".join(FAULT_RUNS),
        help=f"fault runs (comma-separated among {', '.join(FAULT_RUNS)}): every kind together,"
        " one kind alone, every kind with getUpdates faulted too; default: all of them",
    )
    parser.add_argument(
        "--timeout-without-effect",
        dest="timeout_effect",
        action="store_false",
        help="a timed-out call did not take effect (default: it did, unseen by the bot)",
    )
    parser.add_argument("--forgetters", type=int, default=1000, help="people racing /forget")
    parser.add_argument("--seed", type=int, default=SEED, help="seed for faults and inputs")
    parser.add_argument(
        "--content", default="content", help="CONTENT_DIR for the bot (default: content)"
    )
    parser.add_argument(
        "--logs", type=Path, help="keep the bot's logs in this folder (default: deleted)"
    )
    args = parser.parse_args()
    unknown = set(args.only.split(",")) - set(ROWS)
    if unknown:
        parser.error(f"unknown rows {sorted(unknown)}; choose among {', '.join(ROWS)}")
    bad_runs = set(args.fault_runs.split(",")) - set(FAULT_RUNS)
    if bad_runs:
        parser.error(f"unknown fault runs {sorted(bad_runs)}; choose among {', '.join(FAULT_RUNS)}")
    return args


def main() -> int:
    """Run the chosen rows and print the tables; 0 unless the bot could not be started."""
    args = parse_args()
    chosen = [row for row in ROWS if row in args.only.split(",")]
    CONTENT_DIR[0] = args.content
    summaries: list[Summary] = []
    details: list[tuple[str, str]] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="waypoint-reliability-") as name:
        tmp = Path(name)
        logs = args.logs or tmp
        logs.mkdir(parents=True, exist_ok=True)
        for row in chosen:
            row_started = time.monotonic()
            print(f"{row}…", file=sys.stderr, flush=True)
            try:
                found, detail = RUNNERS[row](args, tmp)
            except BotDied as error:
                print(error, file=sys.stderr)
                for log in sorted(logs.glob("*.log")):
                    print(
                        f"--- {log.name}", log.read_text(errors="replace")[-3000:], file=sys.stderr
                    )
                return 1
            finally:
                kill_leftovers()
            summaries += found
            details.append((f"{row} ({time.monotonic() - row_started:.0f} s)", detail))
    print()
    print(
        table(
            ("row", "kind", "count", "measured", "target", "reproduce"),
            ((s.row, s.kind, s.count, s.measured, s.target, s.command) for s in summaries),
        )
    )
    for title, detail in details:
        print(f"\n### {title}\n\n{detail}")
    print(
        f"\nMachine: {machine()}, python-telegram-bot {telegram.__version__};"
        f" {time.monotonic() - started:.0f} s in all"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
