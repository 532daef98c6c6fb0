"""The updates bench/telegram_bench.py feeds both bots: people walking the bot's own screens.

A scouting Waypoint (its own store) answers a random walk, so every press is of a button the
bot really showed, under the message it really sent. At each step one person, chosen at random
from `PEOPLE` (phones in the eight languages), does one of:

- **first**: a person never seen before sends /start (a miss in every cache keyed by person);
- **start**: /start again;
- **press**: presses a button of the last screen they were shown: areas, languages, need
  lists, their pages and filters, resource cards, pages of information, urgent help, the
  privacy screen, alerts to read... (not the buttons that report, share, clear the chat or
  start disappearing messages: those send other kinds of message);
- **search**: types a need's name or search word, a need near a neighbourhood, a listing's
  name, or a word that finds nothing, in the language of their phone;
- **location**: shares a location near a neighbourhood of a region.

The walk is recorded as Bot API update JSON and replayed, unchanged, to the bots being timed.
Presses are reported by what they open: `card` (a resource), `list` (need lists, their pages
and filters, nearby and search pages) and `menu` (everything else).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.domain.catalog import Catalog
from bot.domain.models import LocalizedText
from bot.ui.actions import (
    AdminPress,
    AlertArea,
    BadDateStep,
    ClearChat,
    ReportWrong,
    SendReport,
    SetDisappearing,
    ShowNearby,
    ShowNeed,
    ShowOpenNow,
    ShowResource,
    ShowSearch,
    ShowShare,
    decode,
)
from tests.app_harness import Harness
from tests.fake_bot_api import callback_update, location_update, make_user, message_update
from tests.recording_request import ApiCall, RecordingRequest

PEOPLE = 500
FIRST_PERSON_ID = 900_000_001
# Telegram language tags of the phones, one person in eight each.
PHONES = ("en", "es", "fil", "ko", "th", "vi", "zh-hans", "zh-hant")
# How often each kind of step is taken (a person with no screen yet starts).
STEPS = (("press", 0.62), ("search", 0.2), ("start", 0.05), ("location", 0.05), ("first", 0.08))
# Buttons a walker leaves alone: they report, share, clear or change how messages are sent.
UNPRESSED = (
    AdminPress,
    AlertArea,
    BadDateStep,
    ClearChat,
    ReportWrong,
    SendReport,
    SetDisappearing,
    ShowShare,
)
LISTS = (ShowNeed, ShowNearby, ShowOpenNow, ShowSearch)
# People come for lists and cards: a button that opens one is this much likelier to be pressed.
LEANING = {"list": 3, "card": 4}
MISSES = ("xqzvbt", "purple elephant", "12345", "hmm", "qwertyuiop asdf")
# Only shapes a pressed message as the Bot API returned it; its recording is never read.
_BOT_API = RecordingRequest()

Json = dict[str, Any]


@dataclass(frozen=True)
class Update:
    """One recorded update and what kind of step it was."""

    kind: str
    json: Json


def kind_of_press(data: str) -> str:
    """card, list or menu: what pressing a button with this callback data opens."""
    action = decode(data)
    if isinstance(action, ShowResource):
        return "card"
    return "list" if isinstance(action, LISTS) else "menu"


class Queries:
    """What people type, per content locale: needs, needs near places, names, misses."""

    def __init__(self, catalog: Catalog, rng: random.Random) -> None:
        content = catalog.content
        self.by_locale: dict[str, list[str]] = {}
        hoods = list(content.neighbourhoods.values())
        names = [r.name for r in itertools.islice(content.resources.values(), 200)]
        for locale in content.locales:
            words = [w for n in content.needs.values() for w in n.search_words.get(locale, ())]
            words += [n.name.values.get(locale, "") for n in content.needs.values()]
            words = [w for w in words if w]
            places = [in_locale(h.name, locale) for h in rng.sample(hoods, min(len(hoods), 10))]
            near = [f"{rng.choice(words)} {place}" for place in places]
            listed = [in_locale(name, locale) for name in names[:20]]
            self.by_locale[locale] = words + near + listed + list(MISSES)

    def pick(self, rng: random.Random, locale: str) -> str:
        """A message someone with a phone in `locale` might type."""
        return rng.choice(self.by_locale.get(locale) or list(MISSES))


def in_locale(text: LocalizedText, locale: str) -> str:
    """The text in `locale`, or in its default locale."""
    return text.values.get(locale) or text.values[text.default_locale]


def content_locale(phone: str, locales: tuple[str, ...]) -> str:
    """The content locale a phone's language tag reads ("zh-hant" -> "zh_Hant")."""
    language, _, script = phone.partition("-")
    wanted = f"{language}_{script.title()}" if script else language
    return wanted if wanted in locales else locales[0]


class Walk:
    """People walking the bot's screens; each step answered by the scouting bot."""

    def __init__(self, harness: Harness, catalog: Catalog, seed: int) -> None:
        self.harness, self.catalog = harness, catalog
        self.rng = random.Random(seed)
        self.queries = Queries(catalog, self.rng)
        self.people = [self._person(FIRST_PERSON_ID + n) for n in range(PEOPLE)]
        self.newcomers = itertools.count(FIRST_PERSON_ID + PEOPLE)
        self.screens: dict[int, ApiCall] = {}
        self.places = [h.center for h in catalog.content.neighbourhoods.values()]
        self.update_ids = itertools.count(1)

    def _person(self, person_id: int) -> Json:
        return make_user(person_id, language_code=PHONES[person_id % len(PHONES)])

    async def updates(self, count: int) -> list[Update]:
        """The next `count` steps of the walk, as updates."""
        return [await self.step() for _ in range(count)]

    async def step(self) -> Update:
        """One step: choose who and what, let the scouting bot answer, remember the screen."""
        kind = self.rng.choices([k for k, _ in STEPS], [w for _, w in STEPS])[0]
        person = self._person(next(self.newcomers)) if kind == "first" else self._someone()
        if person["id"] not in self.screens and kind != "first":
            kind = "start"
        kind, update = self._update(kind, person)
        update = {"update_id": next(self.update_ids), **update}
        calls = await self.harness.send(update)
        shown = [c for c in calls if c.method in ("sendMessage", "editMessageText")]
        if not shown:
            raise RuntimeError(f"the scouting bot did not answer a {kind}")
        self.screens[person["id"]] = shown[-1]
        return Update(kind, update)

    def _someone(self) -> Json:
        return self.rng.choice(self.people)

    def _update(self, kind: str, person: Json) -> tuple[str, Json]:
        locale = content_locale(person["language_code"], self.catalog.content.locales)
        if kind == "press":
            pressed = self._press(person)
            if pressed is not None:
                return pressed
            kind = "start"
        if kind == "search":
            return kind, message_update(person, self.queries.pick(self.rng, locale))
        if kind == "location":
            place = self.rng.choice(self.places)
            jitter = self.rng.uniform(-0.01, 0.01)
            return kind, location_update(person, place.latitude + jitter, place.longitude - jitter)
        return kind, message_update(person, "/start")

    def _press(self, person: Json) -> tuple[str, Json] | None:
        screen = self.screens[person["id"]]
        buttons = [d for d in screen.callback_data if not isinstance(decode(d), UNPRESSED)]
        if not buttons:
            return None
        weights = [LEANING.get(kind_of_press(d), 1) for d in buttons]
        data = self.rng.choices(buttons, weights)[0]
        params = {**screen.params, "chat_id": person["id"]}
        message = _BOT_API.result(screen.method, params)
        update = callback_update(person, data, message["message_id"], message=message)
        return kind_of_press(data), update


def stream(updates: list[Update]) -> Iterator[tuple[str, Json]]:
    """The recorded walk as (kind, update JSON) pairs, for the timing loop."""
    return ((u.kind, u.json) for u in updates)
