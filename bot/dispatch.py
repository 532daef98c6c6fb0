"""Hands updates to the bot: one person's in the order they came, different people at once.

Why: a button press still in flight must never save a choice after that person's /forget was
answered, and one person's burst must not hold up everyone else. So each person has a queue
worked by one task at a time; a bounded number of updates run at once overall; a person past
the flood limit gets one calm notice and their further updates are dropped until the window
passes. The dispatcher also knows which update ids are fully handled, so polling confirms to
Telegram only those (an update in hand when the bot stops is delivered again on the next start).

People are told apart by the HMAC key of their user id (or of the chat, for updates without a
user); nothing here outlives the process, and flood entries expire with their window.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field

from telegram import Update

logger = logging.getLogger(__name__)

MAX_TRACKED_PEOPLE = 100_000
# Updates of one person waiting behind the one being answered; beyond this a burst is dropped.
MAX_WAITING = 2
# Update kinds whose sender python-telegram-bot takes from `from` of the one object under that
# key (Update.effective_user), so a raw update of these kinds names its sender without parsing.
SENT_BY_FROM = frozenset(
    {"message", "edited_message", "callback_query", "inline_query", "chosen_inline_result"}
)


def raw_sender_id(raw: Mapping[str, object]) -> int | None:
    """The sender's user id read straight from a raw update of one of the SENT_BY_FROM kinds;
    None for anything else (such an update is read in full before flood control sees it)."""
    kinds = [key for key in raw if key != "update_id"]
    if len(kinds) != 1 or kinds[0] not in SENT_BY_FROM:
        return None
    body = raw[kinds[0]]
    sender = body.get("from") if isinstance(body, dict) else None
    user_id = sender.get("id") if isinstance(sender, dict) else None
    return user_id if type(user_id) is int else None


class Verdict(enum.Enum):
    """What flood control says about one more update from a person."""

    PASS = "pass"
    NOTICE = "notice"  # the first one over the limit: answered with one calm notice
    DROP = "drop"


@dataclass
class _Window:
    started: float
    count: int = 0


class FloodGate:
    """At most `limit` updates per person per `window` seconds (fixed windows, bounded memory)."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._windows: OrderedDict[str, _Window] = OrderedDict()

    def check(self, person: str) -> Verdict:
        """Count one update from `person` and say whether to handle it."""
        now = self._clock()
        self._expire(now)
        entry = self._windows.get(person)
        if entry is None:
            entry = self._windows[person] = _Window(now)
        entry.count += 1
        if entry.count <= self.limit:
            return Verdict.PASS
        return Verdict.NOTICE if entry.count == self.limit + 1 else Verdict.DROP

    def past_limit(self, person: str) -> bool:
        """Whether `person`'s next update is dropped (their notice went out this window),
        without counting anything."""
        self._expire(self._clock())
        entry = self._windows.get(person)
        return entry is not None and entry.count > self.limit

    def _expire(self, now: float) -> None:
        """Forget windows that have passed (oldest first), and the oldest beyond the cap."""
        while self._windows:
            person, entry = next(iter(self._windows.items()))
            if now - entry.started < self.window and len(self._windows) < MAX_TRACKED_PEOPLE:
                break
            del self._windows[person]

    def __len__(self) -> int:
        return len(self._windows)


@dataclass
class _Person:
    queue: deque[tuple[int, Update]] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None


Process = Callable[[Update], Coroutine[object, object, None]]


class Dispatcher:
    """Runs updates through `process`, per person in order, at most `concurrency` at once."""

    def __init__(
        self,
        process: Process,
        person_of: Callable[[Update], str | None],
        flood: FloodGate,
        on_flood: Process,
        concurrency: int,
        max_waiting: int = MAX_WAITING,
        key_of_user: Callable[[int], str] | None = None,
    ) -> None:
        self._process = process
        self._person_of = person_of
        # The same key person_of gives for an update from this user id (for raw updates).
        self._key_of_user = key_of_user
        self._flood = flood
        self._on_flood = on_flood
        self._slots = asyncio.Semaphore(concurrency)
        self._max_waiting = max_waiting
        self._people: dict[str, _Person] = {}
        self._loose: set[asyncio.Task[None]] = set()
        self._pending: set[int] = set()
        self._done: dict[int, asyncio.Future[None]] = {}
        self._highest = -1
        self.progress = asyncio.Event()

    def submit(self, update_id: int, update: Update | None) -> asyncio.Future[None]:
        """Take one update (None: one that could not be read, handled by skipping it). The
        future is done when the update is handled (or dropped); a webhook answers then."""
        self._highest = max(self._highest, update_id)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if update is None:
            done.set_result(None)
            return done
        person = self._person_of(update)
        verdict = Verdict.PASS if person is None else self._flood.check(person)
        if person is not None and verdict is Verdict.PASS and self._too_far_behind(person):
            # A burst faster than the bot answers: the rest of it is dropped, so one person's
            # queue never holds back the updates of everyone behind them in getUpdates.
            verdict = Verdict.DROP
        if verdict is Verdict.DROP:
            done.set_result(None)
            return done
        self._done[update_id] = done
        if person is None:
            self._start_loose(update_id, self._process(update))
        elif verdict is Verdict.NOTICE:
            logger.info("A person is sending too fast; one notice, then a pause")
            self._start_loose(update_id, self._on_flood(update))
        else:
            self._queue(person, update_id, update)
        return done

    def flooded(self, raw: Mapping[str, object]) -> bool:
        """Whether a raw update, not yet read, comes from someone past the flood limit: then
        the caller submits it as unreadable (None), which drops it at once, as flood control
        would after reading it. A flood costs next to nothing this way: no parsing, nothing
        counted or kept."""
        if self._key_of_user is None:
            return False
        user_id = raw_sender_id(raw)
        return user_id is not None and self._flood.past_limit(self._key_of_user(user_id))

    def _too_far_behind(self, person: str) -> bool:
        entry = self._people.get(person)
        return entry is not None and len(entry.queue) >= self._max_waiting

    def _queue(self, person: str, update_id: int, update: Update) -> None:
        self._pending.add(update_id)
        entry = self._people.setdefault(person, _Person())
        entry.queue.append((update_id, update))
        if entry.worker is None:
            entry.worker = asyncio.create_task(self._work(person, entry))

    def _start_loose(self, update_id: int, coroutine: Coroutine[object, object, None]) -> None:
        """Run an update that belongs to nobody's queue (or a flood notice) on its own."""
        self._pending.add(update_id)
        task = asyncio.create_task(self._run(update_id, coroutine))
        self._loose.add(task)
        task.add_done_callback(self._loose.discard)

    async def _work(self, person: str, entry: _Person) -> None:
        """Handle one person's updates one after another until their queue is empty."""
        try:
            while entry.queue:
                update_id, update = entry.queue.popleft()
                await self._run(update_id, self._process(update))
        finally:
            entry.worker = None
            if not entry.queue:
                self._people.pop(person, None)

    async def _run(self, update_id: int, coroutine: Coroutine[object, object, None]) -> None:
        try:
            async with self._slots:
                await coroutine
        except asyncio.CancelledError:
            coroutine.close()  # cut short at shutdown: stays unconfirmed, delivered again
            raise
        except Exception as error:  # the application's error handler has run already
            logger.error("An update failed outside its handlers: %s", type(error).__name__)
        self._pending.discard(update_id)
        done = self._done.pop(update_id, None)
        if done is not None and not done.done():
            done.set_result(None)
        self.progress.set()

    def confirmable_offset(self) -> int:
        """The getUpdates offset that confirms exactly the updates fully handled so far."""
        if self._pending:
            return min(self._pending)
        return self._highest + 1

    def in_hand(self) -> int:
        """How many updates are taken and not yet handled."""
        return len(self._pending)

    def seen(self, update_id: int) -> bool:
        """Whether this update was already taken (handled or in hand)."""
        return update_id <= self._highest

    async def drain(self, grace: float) -> bool:
        """Wait up to `grace` seconds for every update in hand; True when all finished."""
        deadline = time.monotonic() + grace
        while self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.progress.clear()
            try:
                await asyncio.wait_for(self.progress.wait(), remaining)
            except TimeoutError:
                return not self._pending
        return True

    async def cancel(self) -> None:
        """Stop everything still running (after the grace): those updates stay unconfirmed."""
        tasks = [p.worker for p in self._people.values() if p.worker] + list(self._loose)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for done in self._done.values():
            done.cancel()  # a webhook answers these with an error: Telegram sends them again
        self._done.clear()
