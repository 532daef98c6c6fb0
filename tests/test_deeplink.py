"""Deep-link payloads: a strict codec, and what `/start <payload>` does in the conversation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.catalog import Catalog
from bot.domain.models import Section
from bot.ui import screens
from bot.ui.actions import Filter, ShowNeed, ShowPage, ShowSection, ShowUrgent, encode
from bot.ui.conversation import Command, Conversation, Press
from bot.ui.deeplink import MAX_LENGTH, DeepLink, decode_link, encode_link
from bot.ui.state import UserState

from .conftest import CONTENT, SUNDAY_MORNING

PAYLOAD_CHARS = re.compile(r"[A-Za-z0-9_-]*")

# The codec


@pytest.mark.parametrize(
    ("link", "payload"),
    [
        (DeepLink(locale="es", region_id="oakland", need_id="food"), "l-es__a-oakland__n-food"),
        (DeepLink(locale="es"), "l-es"),
        (DeepLink(region_id="oakland"), "a-oakland"),
        (DeepLink(need_id="mental_health"), "n-mental_health"),
        (DeepLink(section=Section.RIGHTS), "s-rights"),
        (DeepLink(locale="en", section=Section.URGENT), "l-en__s-urgent"),
        (DeepLink(page_id="spectrum"), "p-spectrum"),
        (DeepLink(region_id="oakland", page_id="rights-police"), "a-oakland__p-rights-police"),
        (DeepLink(locale="zh_Hans"), "l-zh_Hans"),
        (DeepLink(locale="zh_Hans", region_id="oakland"), "l-zh_Hans__a-oakland"),
        (
            DeepLink(locale="es", region_id="oakland", need_id="food", campaign="flyer1"),
            "l-es__a-oakland__n-food__c-flyer1",
        ),
    ],
)
def test_encode(link: DeepLink, payload: str):
    assert encode_link(link) == payload


@pytest.mark.parametrize(
    "link",
    [
        DeepLink(locale="es", region_id="oakland", need_id="food"),
        DeepLink(section=Section.SPECTRUM),
        DeepLink(locale="es", section=Section.SAFETY),
        DeepLink(page_id="spectrum"),
        DeepLink(locale="zh_Hans", need_id="drop_in"),
        DeepLink(locale="fil", region_id="a" * 32),
    ],
)
def test_round_trip(link: DeepLink):
    assert decode_link(encode_link(link)) == link


_IDS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)


@given(
    locale=st.none() | st.sampled_from(["en", "es", "zh_Hans", "fil"]),
    region_id=st.none() | _IDS,
    topic=st.sampled_from(["need", "section", "page", None]),
    topic_id=_IDS,
    section=st.sampled_from(list(Section)),
    campaign=st.none() | st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True),
)
def test_every_valid_combination_round_trips(
    locale: str | None,
    region_id: str | None,
    topic: str | None,
    topic_id: str,
    section: Section,
    campaign: str | None,
) -> None:
    link = DeepLink(
        locale=locale,
        region_id=region_id,
        need_id=topic_id if topic == "need" else None,
        section=section if topic == "section" else None,
        page_id=topic_id if topic == "page" else None,
        campaign=campaign,
    )
    if link == DeepLink():
        return
    assert decode_link(encode_link(link)) == link


def test_campaign_codes_are_strict():
    assert decode_link("c-flyer1") == DeepLink(campaign="flyer1")
    for payload in ("c-", "c-Flyer", "c-a_b", "c-" + "x" * 17, "c-x__c-y"):
        assert decode_link(payload) is None, payload


def test_decode_typical():
    assert decode_link("l-es__a-oakland__n-food") == DeepLink("es", "oakland", "food")
    assert decode_link("s-rights") == DeepLink(section=Section.RIGHTS)
    assert decode_link("p-spectrum") == DeepLink(page_id="spectrum")
    assert decode_link("l-zh_Hans") == DeepLink(locale="zh_Hans")


def test_every_section_has_a_link():
    for section in Section:
        assert decode_link(f"s-{section.value}") == DeepLink(section=section)


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "a-" + "x" * 62 + "z",  # 65 characters
        "n-" + "x" * 63,  # 65 characters
        "l-es a-oakland",
        "l-es ",
        " l-es",
        "l-es\n",
        "x-food",
        "l-es__l-en",
        "n-food__n-shelter",
        "n-food__s-rights",
        "n-food__p-spectrum",
        "s-rights__p-spectrum",
        "s-nowhere",
        "s-Rights",
        "n-Food",
        "a-Oakland",
        "p-SPECTRUM",
        "l-es__",
        "__l-es",
        "l-es____a-oakland",
        "l-es___a-oakland",
        "l-",
        "l",
        "n",
        "-",
        "_",
        "__",
        "n--food",
        "n-_food",
        "n-" + "x" * 33,
        "l-e",
        "l-ES",
        "l-español",
        "l-es_",
        "l-es_Latinx",
        "l-es-MX",
        "n-café",
        "n-food%20",
        "n-food;",
        "n-f/ood",
        "ln-es",
    ],
)
def test_invalid_payloads(payload: str):
    assert decode_link(payload) is None


@pytest.mark.parametrize("payload", [None, 1, b"l-es", ["l-es"], DeepLink(locale="es")])
def test_non_strings(payload: object):
    assert decode_link(payload) is None


def test_longest_payload_is_64_characters():
    payload = "n-" + "x" * 32 + "__a-" + "y" * 26
    assert len(payload) == MAX_LENGTH
    assert decode_link(payload) == DeepLink(region_id="y" * 26, need_id="x" * 32)
    assert decode_link(payload + "y") is None


@pytest.mark.parametrize(
    "link",
    [
        DeepLink(),  # "" is not a payload
        DeepLink(need_id="food", section=Section.RIGHTS),
        DeepLink(page_id="spectrum", need_id="food"),
        DeepLink(locale="es", region_id="r" * 32, need_id="n" * 32),  # too long
        DeepLink(locale="ES"),
        DeepLink(locale=""),
        DeepLink(region_id="Oakland"),
        DeepLink(region_id="oak land"),
        DeepLink(region_id="oak_", need_id="food"),  # "oak___n-food" is ambiguous
        DeepLink(region_id="x__n-food"),
        DeepLink(need_id="a" * 33),
    ],
)
def test_encode_refuses_what_cannot_be_a_link(link: DeepLink):
    with pytest.raises(ValueError):
        encode_link(link)


# Properties


@settings(max_examples=500)
@given(st.text())
def test_decode_never_raises_on_any_text(payload: str):
    result = decode_link(payload)
    assert result is None or isinstance(result, DeepLink)


@settings(max_examples=500)
@given(st.from_regex(r"[A-Za-z0-9_-]{0,70}", fullmatch=True))
def test_decode_never_raises_on_payload_characters(payload: str):
    result = decode_link(payload)
    if result is not None:
        assert 0 < len(payload) <= MAX_LENGTH
        # Whatever decodes re-encodes to something that decodes the same.
        assert decode_link(encode_link(result)) == result


_ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,31}", fullmatch=True)
_locales = st.from_regex(r"[a-z]{2,3}(_[A-Za-z]{2,4})?", fullmatch=True)


def _maybe(values: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    # Mostly well-formed values, sometimes anything at all.
    return st.none() | values | st.text(max_size=40)


links = st.builds(
    DeepLink,
    locale=_maybe(_locales),
    region_id=_maybe(_ids),
    need_id=st.none() | _ids | st.text(max_size=40),
    section=st.none() | st.sampled_from(Section),
    page_id=st.none() | _ids | st.text(max_size=40),
)
# Links with at most one topic and well-formed values, which mostly fit.
plausible_links = (
    st.builds(
        DeepLink,
        locale=st.none() | _locales,
        region_id=st.none() | _ids,
    )
    | st.builds(DeepLink, locale=st.none() | _locales, need_id=_ids)
    | st.builds(DeepLink, region_id=st.none() | _ids, section=st.sampled_from(Section))
    | st.builds(DeepLink, locale=st.none() | _locales, page_id=_ids)
)


def _check_round_trip(link: DeepLink) -> None:
    try:
        payload = encode_link(link)
    except ValueError:
        return
    assert len(payload) <= MAX_LENGTH
    assert PAYLOAD_CHARS.fullmatch(payload)
    assert decode_link(payload) == link


@settings(max_examples=500)
@given(links)
def test_encode_round_trips_or_refuses(link: DeepLink):
    _check_round_trip(link)


@settings(max_examples=500)
@given(plausible_links)
def test_plausible_links_round_trip(link: DeepLink):
    _check_round_trip(link)


# In the conversation


@pytest.fixture(scope="module")
def conversation(sample_catalog: Catalog) -> Conversation:
    return Conversation(sample_catalog, ("en", "es"))


def start(conversation: Conversation, payload: str, state: UserState | None = None):
    return conversation.respond(Command("start", payload), state or UserState("en"), SUNDAY_MORNING)


def test_link_presets_language_area_and_need(conversation: Conversation):
    reply = start(conversation, "l-es__a-oakland__n-food")
    assert reply.state == UserState("es", "oakland", open_need="food")
    view = conversation.view(reply.state, SUNDAY_MORNING)
    expected = screens.need_list(view, ShowNeed("food"))
    assert reply.screen == expected
    assert set(reply.screen.buttons) >= set(expected.buttons)
    assert reply.counted_need == "food"
    assert reply.erase is False


def test_link_with_unknown_need_falls_back_to_the_welcome(conversation: Conversation):
    reply = start(conversation, "l-es__a-oakland__n-no-such-need")
    assert reply.state == UserState("es", "oakland")
    assert reply.screen == screens.welcome(conversation.view(reply.state, SUNDAY_MORNING))
    assert reply.counted_need is None


def test_link_with_unknown_language_and_area_keeps_them(conversation: Conversation):
    before = UserState("en", "oakland")
    reply = start(conversation, "l-de__a-atlantis", before)
    assert reply.state == before
    assert reply.screen == screens.welcome(conversation.view(before, SUNDAY_MORNING))


@pytest.mark.parametrize("payload", ["", "l-es__", "n-food__s-rights", "bogus payload", "x" * 65])
def test_invalid_payload_is_a_plain_start(conversation: Conversation, payload: str):
    state = UserState("es", "oakland")
    plain = conversation.respond(Command("start"), state, SUNDAY_MORNING)
    reply = start(conversation, payload, state)
    assert reply == plain
    assert reply.state == state
    assert reply.screen == screens.welcome(conversation.view(state, SUNDAY_MORNING))


def test_link_to_a_section(conversation: Conversation):
    reply = start(conversation, "s-rights")
    assert reply.state == UserState("en")
    view = conversation.view(reply.state, SUNDAY_MORNING)
    assert reply.screen == screens.section_screen(view, ShowSection(Section.RIGHTS))
    assert (
        reply.screen
        == conversation.respond(Command("rights"), UserState("en"), SUNDAY_MORNING).screen
    )


def test_link_to_a_page(conversation: Conversation):
    assert (CONTENT / "pages" / "en" / "spectrum.md").is_file()
    reply = start(conversation, "l-es__p-spectrum")
    assert reply.state == UserState("es")
    view = conversation.view(reply.state, SUNDAY_MORNING)
    assert reply.screen == screens.page_screen(view, ShowPage("spectrum"))
    assert reply.screen != screens.welcome(view)


@pytest.mark.parametrize("page_id", ["immigration", "record-relief", "safety", "urgent"])
def test_links_to_every_shipped_page(conversation: Conversation, page_id: str):
    reply = start(conversation, encode_link(DeepLink(page_id=page_id)))
    view = conversation.view(reply.state, SUNDAY_MORNING)
    if page_id == "urgent":
        assert reply.screen == screens.urgent_screen(view, ShowUrgent())
    else:
        assert reply.screen == screens.page_screen(view, ShowPage(page_id))


def test_link_to_a_missing_page_is_the_welcome(conversation: Conversation):
    reply = start(conversation, "p-no-such-page")
    assert reply.screen == screens.welcome(conversation.view(UserState("en"), SUNDAY_MORNING))


def test_forget_asks_to_erase(conversation: Conversation):
    reply = conversation.respond(Command("forget"), UserState("es", "oakland"), SUNDAY_MORNING)
    assert reply.erase is True
    assert reply.state == UserState("es")


def test_other_commands_do_not_erase(conversation: Conversation):
    for name in ("start", "menu", "help", "privacy", "nonsense"):
        reply = conversation.respond(Command(name), UserState("en", "oakland"), SUNDAY_MORNING)
        assert reply.erase is False, name


def test_opening_a_need_list_is_counted(conversation: Conversation):
    state = UserState("en", "oakland")

    def counted(action: ShowNeed) -> str | None:
        return conversation.respond(Press(encode(action)), state, SUNDAY_MORNING).counted_need

    assert counted(ShowNeed("food")) == "food"
    assert counted(ShowNeed("food", page=1)) is None
    assert counted(ShowNeed("food", filters=Filter.OPEN_NOW)) is None
    assert counted(ShowNeed("food", filters=Filter.NO_POLICE | Filter.NO_ID)) is None
    assert counted(ShowNeed("no-such-need")) is None
