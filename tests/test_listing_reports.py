"""Keeping listings true: "something is wrong here" on every card, counts with no identifier,
the unsafe flag to admins once per crossing, /reports and /stale for admins only, and the
count of searches that found nothing (never their words)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.config import ConfigError, load_config
from bot.domain.catalog import Catalog
from bot.domain.models import VerificationMethod, Verified
from bot.domain.upkeep import ReportReason, UnsafeRule, stale_listings, tally_reports
from bot.store import ALLOWED_COLUMNS
from bot.ui.actions import (
    MAX_BYTES,
    ReportWrong,
    SendReport,
    SetLanguage,
    ShowNeed,
    ShowResource,
    ShowSearch,
    ShowUrgent,
    decode,
    encode,
)
from bot.ui.conversation import Conversation, Press, Typed
from bot.ui.render import Screen
from bot.ui.state import UserState
from tests.app_harness import Harness, last_screen, running_bot, sent_texts
from tests.canaries import ALL, TEXT_WORD, canary_user
from tests.conftest import CONTENT, SUNDAY_MORNING
from tests.fake_bot_api import callback_update, message_update
from tests.test_actions import (
    LONGEST_NEARBY_CARD,
    filters,
    lists,
    long_id,
    round_tripped,
    short_ids,
    short_query,
)

ADMIN = canary_user("en", number=3)
PEOPLE = [canary_user("es-MX", number=n) for n in (1, 2, 4, 5, 6, 7)]
LISTING = "lamp-post-night-shelter"
SEARCH_BACK = ShowSearch("condones de noche con mucho texto para llenar", page=0)


def press(view_conversation: Conversation, action: object, locale: str = "en") -> Screen:
    state = UserState(locale, "oakland")
    return view_conversation.respond(Press(encode(action)), state, SUNDAY_MORNING).screen  # type: ignore[arg-type]


def actions_of(screen: Screen) -> list[object]:
    return [button.action for row in screen.buttons for button in row]


def labels_of(screen: Screen) -> list[str]:
    return [button.label for row in screen.buttons for button in row]


# Screens


def test_every_card_offers_something_is_wrong_here(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, ("en", "es"))
    for resource_id in sample_catalog.content.resources:
        for card in (ShowResource(resource_id), ShowResource(resource_id, SEARCH_BACK)):
            screen = press(conversation, card)
            shown = decode(encode(card))  # a long search is cut to fit, as on Telegram
            assert isinstance(shown, ShowResource)
            assert ReportWrong(shown) in actions_of(screen), resource_id
            assert "⚠️ Something is wrong here" in labels_of(screen)
            # The button's data fits Telegram's 64 bytes and decodes back to the same card.
            assert decode(encode(ReportWrong(shown))) == ReportWrong(shown)


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        (
            "en",
            ("One tap is enough", "It is closed or gone", "I was treated badly or felt unsafe"),
        ),
        ("es", ("Basta con un toque", "Está cerrado o ya no existe", "Me trataron mal")),
    ],
)
def test_the_picker_offers_four_reasons_and_the_way_back(
    sample_catalog: Catalog, locale: str, words: tuple[str, ...]
) -> None:
    conversation = Conversation(sample_catalog, ("en", "es"))
    card = ShowResource(LISTING, ShowNeed("shelter"))
    screen = press(conversation, ReportWrong(card), locale)
    text = "\n".join(screen.messages) + "\n".join(labels_of(screen))
    for word in words:
        assert word in text
    actions = actions_of(screen)
    assert [a for a in actions if isinstance(a, SendReport)] == [
        SendReport(LISTING, reason) for reason in ReportReason
    ]
    assert card in actions  # back to the card, which still leads back to its list
    assert any(isinstance(a, ShowUrgent) for a in actions)
    assert "?" not in text.replace("What is wrong?", "").replace("¿Qué está mal?", "")


@pytest.mark.parametrize(
    ("locale", "thanks", "urgent_line"),
    [
        ("en", "will check this listing", "If you are not safe right now"),
        ("es", "va a revisar este servicio", "Si ahora no estás a salvo"),
    ],
)
def test_the_thanks_says_what_happens_next_and_that_nothing_is_kept(
    sample_catalog: Catalog, locale: str, thanks: str, urgent_line: str
) -> None:
    conversation = Conversation(sample_catalog, ("en", "es"))
    for reason in ReportReason:
        reply = conversation.respond(
            Press(encode(SendReport(LISTING, reason))), UserState(locale, "oakland"), SUNDAY_MORNING
        )
        text = "\n".join(reply.screen.messages)
        assert thanks in text
        assert (urgent_line in text) == (reason is ReportReason.UNSAFE)
        assert ShowResource(LISTING) in actions_of(reply.screen)
        assert any(isinstance(a, ShowUrgent) for a in actions_of(reply.screen))
        assert reply.report is not None and reply.report.reason is reason


@given(
    resource_id=st.from_regex(r"[a-z0-9][a-z0-9_-]{0,31}", fullmatch=True),
    reason=st.sampled_from(list(ReportReason)),
)
def test_report_buttons_round_trip(resource_id: str, reason: ReportReason) -> None:
    action = SendReport(resource_id, reason)
    assert decode(encode(action)) == action


@pytest.mark.parametrize(
    "data", ["1:x:rescue.lamp-post", "1:x:unsafe.", "1:x:unsafe.A", "1:x:unsafe.x.y", "1:w:x"]
)
def test_forged_report_buttons_are_out_of_date(data: str) -> None:
    assert decode(data) is None


def test_a_report_for_a_listing_that_is_gone_counts_nothing(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, ("en",))
    gone = SendReport("no-such-listing", ReportReason.UNSAFE)
    reply = conversation.respond(Press(encode(gone)), UserState("en"), SUNDAY_MORNING)
    assert reply.report is None
    assert "out of date" in reply.screen.messages[0]


# The bot, against the recording request


@dataclass
class Clock:
    now: dt.datetime = SUNDAY_MORNING

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Bot:
    harness: Harness
    clock: Clock

    async def report(self, person: dict[str, object], reason: ReportReason) -> list[str]:
        calls = await self.harness.send(
            callback_update(person, encode(SendReport(LISTING, reason)), 1000)
        )
        return [str(c.params.get("chat_id")) for c in calls if c.method == "sendMessage"]


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Bot]:
    clock = Clock()
    async with running_bot(
        sample_catalog, tmp_path / "data", clock, frozenset({ADMIN["id"]})
    ) as harness:
        yield Bot(harness, clock)


def flags(chat_ids: list[str]) -> int:
    return chat_ids.count(str(ADMIN["id"]))


async def test_reports_are_counted_per_listing_reason_and_day_with_no_identifier(
    bot: Bot,
) -> None:
    await bot.report(PEOPLE[0], ReportReason.HOURS)
    await bot.report(PEOPLE[1], ReportReason.HOURS)
    await bot.report(PEOPLE[1], ReportReason.CLOSED)
    counts = await bot.harness.store.report_counts()
    assert {(c.resource_id, c.reason, c.count) for c in counts} == {
        (LISTING, "hours", 2),
        (LISTING, "closed", 1),
    }
    assert {c.day for c in counts} == {SUNDAY_MORNING.date()}
    assert ALLOWED_COLUMNS["listing_reports"] == {"day", "resource_id", "reason", "count"}
    await bot.harness.store.close()
    with sqlite3.connect(bot.harness.data_dir / "waypoint.sqlite3") as database:
        dump = "\n".join(database.iterdump())
        keys = [bot.harness.handlers.keys.key_for(int(p["id"])) for p in PEOPLE[:2]]  # type: ignore[call-overload]
    assert not [canary for canary in ALL if canary in dump]
    assert not [key for key in keys if key in dump]  # not even the keyed hash


async def test_a_report_leaves_nothing_in_the_write_ahead_log(bot: Bot) -> None:
    # The log keeps page images in write order, which could sit a report next to the same
    # person's preferences update; after a report it is empty.
    await bot.harness.send(callback_update(PEOPLE[0], encode(SetLanguage("en")), 1000))
    await bot.report(PEOPLE[0], ReportReason.UNSAFE)
    wal = bot.harness.data_dir / "waypoint.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0


async def test_an_unsafe_listing_is_flagged_to_admins_once_per_crossing(bot: Bot) -> None:
    limit = UnsafeRule().limit
    sent = [flags(await bot.report(person, ReportReason.UNSAFE)) for person in PEOPLE]
    # The report that makes it "more than limit" flags; the ones after it do not.
    assert sent == [0] * limit + [1] + [0] * (len(PEOPLE) - limit - 1)
    # Other reasons never flag.
    assert flags(await bot.report(PEOPLE[0], ReportReason.CLOSED)) == 0


async def test_the_flag_names_the_listing_in_the_admins_language(bot: Bot) -> None:
    for person in PEOPLE[:3]:
        calls = await bot.harness.send(
            callback_update(person, encode(SendReport(LISTING, ReportReason.UNSAFE)), 1000)
        )
    to_admin = [c.text for c in calls if c.params.get("chat_id") == ADMIN["id"]]
    assert len(to_admin) == 1
    assert "Lamp Post Night Shelter" in to_admin[0] and "more than 2 times" in to_admin[0]
    # The person who reported gets only the thanks, never the admins' message.
    to_person = [c.text for c in calls if c.params.get("chat_id") == PEOPLE[2]["id"]]
    assert to_person and all("more than" not in text for text in to_person)


async def test_admins_hear_of_the_crossing_even_when_the_thanks_cannot_be_sent(bot: Bot) -> None:
    for person in PEOPLE[:2]:
        await bot.report(person, ReportReason.UNSAFE)
    bot.harness.request.fail_next("editMessageText", 403, "Forbidden: bot was blocked by the user")
    assert flags(await bot.report(PEOPLE[2], ReportReason.UNSAFE)) == 1


async def test_after_old_reports_leave_the_window_a_new_crossing_flags_again(bot: Bot) -> None:
    window = UnsafeRule().window_days
    first = [flags(await bot.report(p, ReportReason.UNSAFE)) for p in PEOPLE[:3]]
    bot.clock.now = SUNDAY_MORNING + dt.timedelta(days=window - 1)
    # Still inside the window: the count goes on rising, no new flag.
    assert flags(await bot.report(PEOPLE[3], ReportReason.UNSAFE)) == 0
    bot.clock.now = SUNDAY_MORNING + dt.timedelta(days=window)
    # The first three left the window (one remains); two more make three again: one flag.
    again = [flags(await bot.report(p, ReportReason.UNSAFE)) for p in PEOPLE[4:6]]
    assert first == [0, 0, 1] and again == [0, 1]


async def test_reports_and_stale_are_unknown_commands_for_anyone_else(bot: Bot) -> None:
    for command in ("/reports", "/stale", "/stale 30", "/reports 2026-01-01"):
        calls = await bot.harness.send(message_update(PEOPLE[0], command))
        assert "No conozco ese comando" in last_screen(calls).text  # as for any unknown command
    assert await bot.harness.store.audit_log() == []


async def test_admins_read_reports_with_small_counts_hidden(bot: Bot) -> None:
    for person in PEOPLE[:5]:
        await bot.report(person, ReportReason.HOURS)
    await bot.report(PEOPLE[0], ReportReason.CONTACT)
    await bot.harness.send(message_update(PEOPLE[0], f"{TEXT_WORD} xyzzy"))
    calls = await bot.harness.send(message_update(ADMIN, "/reports"))
    text = "\n".join(sent_texts(calls))
    assert "Lamp Post Night Shelter (Oakland, California (sample))" in text
    assert "wrong hours: 5" in text
    assert "wrong phone or address: fewer than 5" in text
    assert "Searches that found nothing" in text
    assert TEXT_WORD not in text and "xyzzy" not in text
    assert [e.action for e in await bot.harness.store.audit_log()] == ["/reports"]
    calls = await bot.harness.send(message_update(ADMIN, "/reports yesterday"))
    assert "like /reports 2026-11-01" in last_screen(calls).text


async def test_admins_read_stale_listings_oldest_first_with_their_file(bot: Bot) -> None:
    bot.harness.handlers.upkeep.content_dir = CONTENT
    calls = await bot.harness.send(message_update(ADMIN, "/stale 300"))
    text = "\n".join(sent_texts(calls))
    expected = stale_listings(
        bot.harness.handlers.conversation.catalog.content, dt.date(2026, 11, 22), 300
    )
    names = [item.resource.name.get("en") for item in expected]
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions) and names
    assert "regions/oakland.yaml:" in text
    for bad in ("/stale soon", "/stale 0", "/stale -5", "/stale ５"):
        calls = await bot.harness.send(message_update(ADMIN, bad))
        assert "like /stale 180" in last_screen(calls).text


# Searches that found nothing


async def test_searches_that_found_nothing_are_counted_by_need_never_by_words(bot: Bot) -> None:
    person = PEOPLE[0]
    await bot.harness.send(message_update(person, f"{TEXT_WORD} qwxz"))
    await bot.harness.send(callback_update(person, encode(ShowNeed("shelter")), 1000))
    await bot.harness.send(message_update(person, f"vvkq {TEXT_WORD}"))
    await bot.harness.send(message_update(person, "condones"))  # found: not counted
    counts = await bot.harness.store.empty_search_counts()
    assert {(c.locale, c.need_id, c.count) for c in counts} == {("es", "", 1), ("es", "shelter", 1)}
    await bot.harness.store.close()
    raw = (bot.harness.data_dir / "waypoint.sqlite3").read_bytes()
    wal = bot.harness.data_dir / "waypoint.sqlite3-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    for word in (TEXT_WORD, "qwxz", "vvkq"):
        assert word.encode() not in raw


def test_what_counts_as_finding_nothing(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, ("en", "es"))
    state = UserState("en", "oakland", open_need="food")
    cases = {
        "zzqqxx": "food",  # nothing: counted under the need whose list was open
        "condoms": None,  # listings found
        "my friend is not breathing": None,  # urgent help first
        "know your rights police": None,  # a page found
        "downtown": None,  # a place: the list near it
        "centro": None,
    }
    for text, need in cases.items():
        reply = conversation.respond(Typed(text), state, SUNDAY_MORNING)
        counted = reply.empty_search.need_id if reply.empty_search else None
        assert counted == need, text


def test_tallies_put_the_most_recent_then_the_most_reported_first() -> None:
    day = dt.date(2026, 11, 20)
    rows = [
        (day, "a", "hours", 1),
        (day, "b", "hours", 3),
        (day - dt.timedelta(days=1), "c", "closed", 9),
        (day - dt.timedelta(days=2), "b", "unsafe", 1),
    ]
    tallies = tally_reports(rows)
    assert [t.resource_id for t in tallies] == ["b", "a", "c"]
    assert [r.reason for r in tallies[0].reasons] == ["hours", "unsafe"]
    assert tallies[0].reasons[1].days == (day - dt.timedelta(days=2),)


# Configuration


def test_the_unsafe_limit_and_window_are_configured_strictly(tmp_path: Path) -> None:
    base = {"BOT_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"}
    base["DATA_DIR"] = str(tmp_path / "data")
    assert load_config(base).unsafe_rule == UnsafeRule(2, 30)
    chosen = {**base, "UNSAFE_REPORT_LIMIT": "0", "UNSAFE_REPORT_WINDOW_DAYS": "7"}
    assert load_config(chosen).unsafe_rule == UnsafeRule(0, 7)
    for name, bad in (
        ("UNSAFE_REPORT_LIMIT", "two"),
        ("UNSAFE_REPORT_LIMIT", "-1"),
        ("UNSAFE_REPORT_LIMIT", "2.5"),
        ("UNSAFE_REPORT_WINDOW_DAYS", "0"),
        ("UNSAFE_REPORT_WINDOW_DAYS", "366"),
        ("UNSAFE_REPORT_WINDOW_DAYS", "٣"),
    ):
        with pytest.raises(ConfigError) as caught:
            load_config({**base, name: bad})
        assert str(caught.value).startswith(f"{name} must be a whole number"), bad


cards = st.one_of(
    st.builds(
        ShowResource, long_id, st.none() | lists.filter(lambda a: not getattr(a, "need_id", ""))
    ),
    st.builds(ShowResource, short_ids, lists),
    st.builds(ShowResource, short_ids, st.builds(ShowSearch, short_query, filters)),
)


@settings(max_examples=300)
@given(cards)
@example(LONGEST_NEARBY_CARD)
def test_the_picker_button_fits_and_round_trips_for_every_card(card: ShowResource) -> None:
    data = encode(ReportWrong(card))
    assert len(data.encode()) <= MAX_BYTES
    assert decode(data) == round_tripped(ReportWrong(card))


# Stale listings


def test_stale_listings_never_checked_first_then_oldest(sample_catalog: Catalog) -> None:
    content = sample_catalog.content
    first, second, third, *_ = content.resources
    resources = dict(content.resources)
    resources[first] = replace(resources[first], verified=None)
    old = Verified(dt.date(2020, 1, 1), VerificationMethod.PHONE)
    resources[second] = replace(resources[second], verified=old)
    fresh = Verified(SUNDAY_MORNING.date(), VerificationMethod.PHONE)
    resources[third] = replace(resources[third], verified=fresh)
    changed = replace(content, resources=resources)
    stale = stale_listings(changed, SUNDAY_MORNING.date())
    assert [s.resource.id for s in stale[:2]] == [first, second]
    assert stale[0].verified is None and stale[1].verified == old.date
    dates = [s.verified for s in stale[1:]]
    assert dates == sorted(dates)  # type: ignore[type-var]
    limit = content.regions["oakland"].stale_after_days
    assert all((SUNDAY_MORNING.date() - d).days > limit for d in dates if d is not None)
    assert third not in {s.resource.id for s in stale_listings(changed, SUNDAY_MORNING.date(), 1)}
    assert stale_listings(changed, SUNDAY_MORNING.date(), area="elsewhere") == []
