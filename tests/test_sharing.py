"""/share (link and QR code), inline mode, and outreach counts that never show a small number."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import signal
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from bot import cli
from bot.domain.catalog import Catalog
from bot.domain.models import Section
from bot.domain.suppression import SMALL, Shown, safe_section
from bot.i18n import translator
from bot.store import Store
from bot.ui.actions import SetArea, SetLanguage, ShowNeed, ShowShare, decode, encode
from bot.ui.conversation import Command, Conversation
from bot.ui.deeplink import DeepLink, decode_link
from bot.ui.inline import PAGE_SIZE, inline_items, inline_page, parse_offset
from bot.ui.links import qr_png, start_link
from bot.ui.render import telegram_length
from bot.ui.screens.stats import section_lines
from bot.ui.state import UserState
from tests import test_end_to_end as e2e
from tests.app_harness import Harness, last_screen, running_bot
from tests.canaries import ALL, canary_user
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, message_update
from tests.recording_request import BOT_USER
from tests.test_end_to_end import running  # noqa: F401  (the fixture)

USER = canary_user("es-MX", number=6)
ADMIN = canary_user("en", number=7)
BOT = str(BOT_USER["username"])


def decode_qr(png: bytes) -> list[str]:
    """Every QR code a real decoder finds in an image."""
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def payload_of(url: str) -> DeepLink | None:
    start = parse_qs(urlsplit(url).query).get("start", [""])[0]
    return decode_link(start)


# Links and QR codes


def test_a_link_and_its_qr_code_carry_the_same_place() -> None:
    link = DeepLink(locale="es", region_id="oakland", need_id="food")
    url = start_link("@waypoint_bot", link)
    assert url == "https://t.me/waypoint_bot?start=l-es__a-oakland__n-food"
    assert decode_qr(qr_png(url)) == [url]


@pytest.mark.parametrize("username", ["", "ab", "bad name", "1starts_with_digit", "x" * 40])
def test_a_username_telegram_would_refuse_is_an_error(username: str) -> None:
    with pytest.raises(ValueError):
        start_link(username, DeepLink(locale="es"))


@given(
    st.sampled_from(["n", "s", "p", ""]), st.from_regex(r"[a-z0-9][a-z0-9_-]{0,31}", fullmatch=True)
)
def test_share_buttons_round_trip(kind: str, topic: str) -> None:
    action = ShowShare(kind, topic if kind != "s" else "rights") if kind else ShowShare()
    assert decode(encode(action)) == action


# /share in the running application


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(
        sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING, frozenset({ADMIN["id"]})
    ) as harness:
        yield harness


async def test_share_sends_a_qr_code_of_the_link_to_where_the_person_is(bot: Harness) -> None:
    await bot.send(callback_update(USER, encode(SetLanguage("es")), 1000))
    await bot.send(callback_update(USER, encode(SetArea("oakland")), 1000))
    await bot.send(callback_update(USER, encode(ShowNeed("food")), 1000))
    calls = await bot.send(message_update(USER, "/share"))
    photo = next(c for c in calls if c.method == "sendPhoto")
    screen = last_screen(calls)
    url = next(line for line in screen.text.splitlines() if line.startswith("https://t.me/"))
    assert payload_of(url) == DeepLink(locale="es", region_id="oakland", need_id="food")
    assert decode_qr(photo.files["photo"]) == [url]
    assert url in photo.params["caption"]
    assert "Compartir" in screen.text or "enlace" in screen.text
    await bot.store.flush_counts()  # written every few seconds by the running bot
    with closing(sqlite3.connect(bot.data_dir / "waypoint.sqlite3")) as db:
        assert db.execute("SELECT topic, via, count FROM shares").fetchall() == [
            ("food", "share", 1)
        ]


async def test_the_share_button_on_a_card_shares_the_cards_need(bot: Harness) -> None:
    await bot.send(callback_update(USER, encode(SetArea("oakland")), 1000))
    listed = await bot.send(callback_update(USER, encode(ShowNeed("shelter")), 1000))
    card_data = next(d for d in last_screen(listed).callback_data if d.startswith("1:r:"))
    card = await bot.send(callback_update(USER, card_data, 1000))
    share = next(d for d in last_screen(card).callback_data if d.startswith("1:S:"))
    calls = await bot.send(callback_update(USER, share, 1000))
    photo = next(c for c in calls if c.method == "sendPhoto")
    link = payload_of(decode_qr(photo.files["photo"])[0])
    assert link is not None and link.need_id == "shelter" and link.region_id == "oakland"


async def test_a_forged_share_of_something_gone_is_out_of_date(bot: Harness) -> None:
    calls = await bot.send(callback_update(USER, "1:S:n.no-such-need", 1000))
    assert not [c for c in calls if c.method == "sendPhoto"]
    assert "ya no funciona" in last_screen(calls).text


# Inline mode


def inline_update(user: dict[str, Any], query: str, offset: str = "") -> dict[str, Any]:
    return {
        "inline_query": {"id": "4471", "from": user, "query": query, "offset": offset},
    }


def check_results(call: Any) -> list[dict[str, Any]]:
    """The answer is valid per the Bot API; its results."""
    assert call.method == "answerInlineQuery"
    results = call.params["results"]
    results = json.loads(results) if isinstance(results, str) else results
    assert len(results) <= 50
    ids = [r["id"] for r in results]
    assert len(set(ids)) == len(ids)
    assert all(1 <= len(i.encode()) <= 64 for i in ids)
    for result in results:
        assert result["type"] == "article" and result["title"]
        content = result["input_message_content"]
        assert 1 <= len(content["message_text"]) <= 4096
        assert content["parse_mode"] == "HTML"
        rows = result["reply_markup"]["inline_keyboard"]
        assert rows and all(rows) and all("url" in b and b["text"] for row in rows for b in row)
        assert all(b["url"].startswith(f"https://t.me/{BOT}?start=") for row in rows for b in row)
    assert int(call.params["cache_time"]) == 30
    assert str(call.params["is_personal"]).lower() == "true"
    return list(results)


async def test_an_inline_query_offers_cards_in_the_persons_language_and_area(
    bot: Harness,
) -> None:
    await bot.send(callback_update(USER, encode(SetArea("oakland")), 1000))
    calls = await bot.send(inline_update(USER, "naloxona"))
    results = check_results(calls[-1])
    assert results
    first = results[0]
    assert f"@{BOT}" in first["input_message_content"]["message_text"]
    url = first["reply_markup"]["inline_keyboard"][0][0]["url"]
    link = payload_of(url)
    assert link is not None and link.locale == "es" and link.region_id == "oakland"
    assert not any(canary in json.dumps(results) for canary in ALL)


async def test_an_empty_inline_query_offers_urgent_help_then_the_needs(bot: Harness) -> None:
    calls = await bot.send(inline_update(USER, ""))
    results = check_results(calls[-1])
    assert results[0]["id"] == "u"
    assert {r["id"] for r in results[1:]} == {
        f"n.{n}" for n in bot.handlers.conversation.catalog.content.needs
    }


async def test_inline_paging_and_a_forged_offset(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, ("en", "es"))
    view = conversation.view(UserState("en"), SUNDAY_MORNING)
    query = "help"
    items = inline_items(view, query)
    seen: list[str] = []
    offset = ""
    for _ in range(10):
        page = inline_page(view, query, offset, BOT)
        assert len(page.cards) <= PAGE_SIZE
        seen.extend(card.id for card in page.cards)
        if not page.next_offset:
            break
        offset = page.next_offset
    assert seen == items
    for forged in ("-1", "01", "1e3", " 5", "99999", "x"):
        assert parse_offset(forged) is None
        assert inline_page(view, query, forged, BOT).cards == ()


async def test_a_chosen_inline_card_is_counted_by_topic_only(bot: Harness) -> None:
    await bot.send(
        {"chosen_inline_result": {"result_id": "n.food", "from": USER, "query": "plumtrovex"}}
    )
    await bot.send({"chosen_inline_result": {"result_id": "forged!", "from": USER, "query": "x"}})
    await bot.store.flush_counts()  # written every few seconds by the running bot
    with closing(sqlite3.connect(bot.data_dir / "waypoint.sqlite3")) as db:
        assert db.execute("SELECT topic, via, count FROM shares").fetchall() == [
            ("food", "inline", 1)
        ]


# Deep-link campaigns are counted, not linked


async def test_a_campaign_start_is_counted_apart_from_the_person(bot: Harness) -> None:
    calls = await bot.send(
        message_update(USER, "/start l-es__a-oakland__p-rights-police__c-flyer1")
    )
    assert calls
    await bot.store.flush_counts()  # written every few seconds by the running bot
    with closing(sqlite3.connect(bot.data_dir / "waypoint.sqlite3")) as db:
        assert db.execute("SELECT campaign, count FROM campaign_starts").fetchall() == [
            ("flyer1", 1)
        ]
        prefs = db.execute("SELECT * FROM preferences").fetchall()
    assert "flyer1" not in repr(prefs)


async def test_campaign_codes_past_the_daily_limit_are_counted_together(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "data" / "w.sqlite3")
    try:
        for n in range(105):
            await store.count_campaign_start(SUNDAY_MORNING.date(), f"code{n}")
        await store.count_campaign_start(SUNDAY_MORNING.date(), "code3")
        counts = {c.key: c.count for c in await store.campaign_starts()}
    finally:
        await store.close()
    assert len(counts) == 101 and counts["(other)"] == 5 and counts["code3"] == 2


# Stats never show a small count, nor one found by subtraction

DAYS = [dt.date(2026, 11, 16) + dt.timedelta(days=n) for n in range(10)]
tables = st.lists(
    st.tuples(st.sampled_from(DAYS), st.sampled_from(["a", "b", "c"]), st.integers(1, 12)),
    max_size=25,
)


def rendered(rows: list[tuple[dt.date, str, int]]) -> str:
    return "\n".join(section_lines(translator("en"), safe_section("campaigns", rows)))


@settings(max_examples=200, deadline=None)
@given(rows=tables, data=st.data())
def test_small_counts_cannot_be_told_apart(rows: list[tuple[dt.date, str, int]], data: Any) -> None:
    """Changing any count under 5 to any other count under 5 changes nothing shown: so no
    number shown, and no subtraction of numbers shown, can reveal it."""
    merged: dict[tuple[dt.date, str], int] = {}
    for day, key, n in rows:
        merged[(day, key)] = merged.get((day, key), 0) + n
    other = {
        cell: (data.draw(st.integers(1, SMALL - 1)) if n < SMALL else n)
        for cell, n in merged.items()
    }
    before = rendered([(d, k, n) for (d, k), n in merged.items()])
    after = rendered([(d, k, n) for (d, k), n in other.items()])
    assert before == after
    shown_numbers = [int(w) for w in before.replace(":", " ").split() if w.isdigit()]
    assert all(n >= SMALL for n in shown_numbers)


def test_a_total_with_a_small_part_is_withheld() -> None:
    section = safe_section("needs", [(DAYS[0], "food", 3), (DAYS[1], "food", 12)])
    assert section.rows[0].total.shown is Shown.WITHHELD
    assert section.total.shown is Shown.WITHHELD


# /stats for admins, and the command line


async def test_stats_for_admins_and_unknown_for_anyone_else(bot: Harness) -> None:
    for _ in range(6):
        await bot.send(message_update(USER, "/start c-flyer1"))
    await bot.send(message_update(USER, "/start c-flyer2"))
    calls = await bot.send(message_update(ADMIN, "/stats"))
    text = last_screen(calls).text
    assert "flyer1: 6" in text and "flyer2: fewer than 5" in text
    calls = await bot.send(message_update(USER, "/stats"))
    assert "comando" in last_screen(calls).text


async def filled_database(data: Path) -> None:
    store = await Store.open(data / "waypoint.sqlite3")
    try:
        for _ in range(7):
            await store.count_campaign_start(DAYS[0], "flyer1")
        await store.count_campaign_start(DAYS[8], "flyer1")
        await store.count_share(DAYS[0], "food", "share")
    finally:
        await store.close()


def test_the_stats_command_prints_text_csv_and_weekly_charts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    asyncio.run(filled_database(data))
    assert cli.main(["stats", "--data", str(data)]) == 0
    text = capsys.readouterr().out
    assert "flyer1: 7" in text and "fewer than 5" in text and "not shown" in text
    assert cli.main(["stats", "--data", str(data), "--csv", "--since", "2026-11-20"]) == 0
    csv_text = capsys.readouterr().out
    assert csv_text.splitlines()[0] == "kind,day,key,count"
    assert "2026-11-16" not in csv_text and "2026-11-24,flyer1,fewer than 5" in csv_text
    charts = tmp_path / "charts"
    assert cli.main(["stats", "--data", str(data), "--plot", str(charts)]) == 0
    written = sorted(charts.glob("*.png"))
    assert [p.name for p in written] == ["stats-2026-W47.png", "stats-2026-W48.png"]
    assert Image.open(written[0]).size[0] > 100


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--since", "yesterday"], 2, "not a date"),
        (["--since", "2026-13-01"], 2, "not a date"),
        (["--data", "{missing}"], 1, "No database"),
        (["--plot", "{file}"], 2, "not a folder"),
        (["--data", "{garbage}"], 1, "Cannot read"),
    ],
)
def test_every_stats_error_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], status: int, message: str
) -> None:
    data = tmp_path / "data"
    asyncio.run(filled_database(data))
    (tmp_path / "file").write_text("x")
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "waypoint.sqlite3").write_bytes(b"not a database at all" * 100)
    places = {"missing": tmp_path / "nowhere", "file": tmp_path / "file", "garbage": garbage}
    args = [a.format(**places) for a in args]
    if "--data" not in args:
        args += ["--data", str(data)]
    assert cli.main(["stats", *args]) == status
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_share_of_the_menu_in_the_conversation(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, ("en", "es"))
    reply = conversation.respond(Command("share"), UserState("es", "oakland"), SUNDAY_MORNING)
    assert reply.share == DeepLink(locale="es", region_id="oakland")


# End to end: `python -m bot run` polling the fake Bot API


def test_a_spanish_campaign_link_and_an_inline_query_over_real_polling(
    running: Any,  # noqa: F811  (the fixture from test_end_to_end)
) -> None:
    user = e2e.USER
    page = running.ask(message_update(user, "/start l-es__a-oakland__p-rights-police__c-flyer1"))
    assert "policía" in page.get("text").lower()
    since = running.api.mark()
    running.api.push_update({"inline_query": {"id": "9", "from": user, "query": "", "offset": ""}})
    answer = running.api.wait_for_call("answerInlineQuery", since=since, timeout=e2e.DEADLINE)
    results = answer.get("results")
    assert results[0]["id"] == "u" and len({r["id"] for r in results}) == len(results) <= 50
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(timeout=e2e.DEADLINE) == 0
    with closing(sqlite3.connect(running.data_dir / "waypoint.sqlite3")) as db:
        assert db.execute("SELECT campaign, count FROM campaign_starts").fetchall() == [
            ("flyer1", 1)
        ]
        assert "flyer1" not in repr(db.execute("SELECT * FROM preferences").fetchall())


@settings(max_examples=40, deadline=None)
@given(query=st.text(max_size=80), offset=st.text(max_size=8))
def test_any_inline_query_and_offset_gives_valid_cards(
    sample_catalog: Catalog, query: str, offset: str
) -> None:
    view = Conversation(sample_catalog, ("en", "es")).view(
        UserState("es", "oakland"), SUNDAY_MORNING
    )
    page = inline_page(view, query, offset, BOT)
    ids = [card.id for card in page.cards]
    assert len(ids) == len(set(ids)) <= PAGE_SIZE
    assert all(len(i.encode()) <= 64 for i in ids)
    assert all(1 <= telegram_length(card.text) <= 4096 for card in page.cards)
    assert page.next_offset == "" or parse_offset(page.next_offset) is not None


@pytest.mark.parametrize(
    ("command", "link"),
    [
        ("rights", DeepLink(locale="es", region_id="oakland", section=Section.RIGHTS)),
        ("menu", None),
    ],
)
def test_the_rights_list_shares_its_section(
    sample_catalog: Catalog, command: str, link: DeepLink | None
) -> None:
    conversation = Conversation(sample_catalog, ("en", "es"))
    state = UserState("es", "oakland")
    screen = conversation.respond(Command(command), state, SUNDAY_MORNING).screen
    shares = [b.action for row in screen.buttons for b in row if isinstance(b.action, ShowShare)]
    if link is None:
        assert shares == []
        return
    reply = conversation.act(shares[0], state, SUNDAY_MORNING)
    assert reply.share == link
