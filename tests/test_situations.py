"""Recognising situations in people's own words: phrases in order with small gaps, word
starts, one typo, whole messages; and the validator for situations.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.catalog import Catalog
from bot.domain.loader import load_content
from bot.domain.models import Situation
from bot.domain.situations import SituationMatcher, _units_follow, parse_phrase
from bot.domain.text import fold, paired_units

OVERDOSE = Situation(
    "overdose",
    urgent=True,
    pages=(),
    needs=("drugs",),
    phrases={"en": ("overdos*", "od", "not breathing", "wont wake up"), "es": ("no respira",)},
    unless={"en": ("overdose awareness",)},
)
HELD = Situation(
    "held",
    urgent=True,
    pages=("spectrum",),
    needs=("legal",),
    phrases={"en": ("took passport", "raped")},
    whole_message={"en": ("help", "help me")},
)
DEBT = Situation("debt", urgent=False, pages=("spectrum",), needs=(), phrases={"en": ("owe him",)})
MATCHER = SituationMatcher([DEBT, OVERDOSE, HELD])


def ids(text: str) -> list[str]:
    return [s.id for s in MATCHER.match(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my friend isn't breathing", []),  # "isnt breathing" is not "not breathing"
        ("he's not breathing!!", ["overdose"]),
        ("OD'ing", []),  # "oding" is its own word: the content lists it
        ("od", ["overdose"]),
        ("she OVERDOSED", ["overdose"]),
        ("overdosing in the bathroom", ["overdose"]),
        ("he wont wake up", ["overdose"]),
        ("he won't wake up", ["overdose"]),
        ("mi amiga no respira", ["overdose"]),
        ("they took my passport", ["held"]),
        ("they took away all of my passport", []),  # three words between: too far apart
        ("passport took", []),  # order matters
        ("he took my pasport", ["held"]),  # one typo in a long word
        ("i owe him and he took my passport", ["held", "debt"]),  # urgent first
        ("help", ["held"]),
        ("Help me!", ["held"]),
        ("help me find a clinic", []),  # whole-message phrases only count alone
        ("odd smell", []),
        ("overdose awareness day", []),  # an `unless` phrase cancels the situation
        ("taped it", []),  # one typo of a one-word phrase needs six letters
        ("", []),
    ],
)
def test_phrases_match_in_peoples_own_words(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


def test_a_phrase_is_folded_and_keeps_its_word_starts() -> None:
    words = parse_phrase("Overdós* isn't")
    assert [(w.text, w.prefix) for w in words] == [("overdos", True), ("isnt", False)]
    assert parse_phrase("?!") == ()


@given(st.text(max_size=200))
def test_any_text_matches_without_error(text: str) -> None:
    MATCHER.match(text)


def _shipped_matcher() -> SituationMatcher:
    content = load_content(Path(__file__).resolve().parent.parent / "content").content
    assert content is not None
    return SituationMatcher(content.situations)


SHIPPED = _shipped_matcher()
# The characters of the shipped Chinese, Japanese and Thai phrases, and a few others.
UNITS = sorted(
    {u for phrases in SHIPPED._by_first_unit.values() for p in phrases for u in p.units}
    | set("的了 a")
)


PHRASES = sorted({"".join(p.units) for phrases in SHIPPED._by_first_unit.values() for p in phrases})


@settings(max_examples=300)
@given(st.lists(st.one_of(st.sampled_from(PHRASES), st.sampled_from(UNITS)), max_size=12))
def test_phrases_by_character_match_as_walking_every_phrase(pieces: list[str]) -> None:
    text = "".join(pieces)
    found: set[str] = set()
    cancelled: set[str] = set()
    SHIPPED._match_characters(text, found, cancelled)
    walked: tuple[set[str], set[str]] = (set(), set())
    message = paired_units(text)
    for start, unit in enumerate(message):
        for phrase in SHIPPED._by_first_unit.get(unit, ()):
            if _units_follow(phrase.units, 1, message, start):
                walked[phrase.cancels].add(phrase.situation.id)
    assert (found, cancelled) == walked


@pytest.mark.parametrize(
    "text",
    [
        "guns n roses tickets",
        "flu shot",
        "covid shot",
        "hit me up later",
        "this heat is killing me",
        "kill time",
        "my phone died",
        "dead battery",
        "i want to die my hair",
        "me muero de hambre",
        "me mata la risa",
        "a shot of tequila",
        "condoms",
        "help with rent",
        "ayuda legal",
        "emergency fund",
        "打我电话",
        "他给我打电话",
        "我在打电话给我妈",
    ],
)
def test_everyday_messages_are_not_urgent(sample_catalog: Catalog, text: str) -> None:
    assert not sample_catalog.index.search(text, "oakland").urgent, text


@pytest.mark.parametrize(
    "text",
    [
        "my friend isn't breathing",
        "my friend is overdosing",
        "OD'ing",
        "cant breathe",
        "i want to die",
        "quiero morir",
        "he hit me",
        "me pegó",
        "me quiere matar",
        "my boss takes my passport",
        "me quitaron el pasaporte",
        "sobredosis",
        "no respira",
        "help",
        "我朋友不能呼吸了",  # a character between the phrase's characters (不…呼吸)
        "他不呼吸了",
        "我男朋友一直在打我",
        "มีคนไม่หายใจ",
        "숨을 안 쉬어요",
    ],
)
def test_the_issue_s_crisis_messages_are_urgent(sample_catalog: Catalog, text: str) -> None:
    assert sample_catalog.index.search(text, "oakland").urgent, text


def test_shipped_phrases_are_folded_forms(sample_catalog: Catalog) -> None:
    for situation in sample_catalog.content.situations:
        for phrases in situation.phrases.values():
            for phrase in phrases:
                assert parse_phrase(phrase), phrase
                assert fold(phrase.replace("*", "")), phrase


def write(root: Path, text: str) -> None:
    (root / "situations.yaml").write_text(text, encoding="utf-8")


def test_validator_names_unknown_ids_short_starts_and_empty_phrases(content_copy: Path) -> None:
    write(
        content_copy,
        "situations:\n"
        "  - id: held\n"
        "    urgent: true\n"
        "    pages: [spectrun]\n"
        "    needs: [lega]\n"
        "    phrases:\n"
        '      en: ["o*", "?!", ok]\n',
    )
    result = load_content(content_copy)
    messages = "\n".join(str(p) for p in result.problems.errors)
    assert result.content is None
    assert "unknown id 'spectrun' (did you mean \"spectrum\"?)" in messages
    assert "unknown id 'lega'" in messages and "valid ids:" in messages
    assert "'o*': a word ending in * needs at least 3 letters" in messages
    assert "'?!' has no letters or digits" in messages
    assert all("situations.yaml:" in line for line in messages.splitlines())


def test_a_missing_file_is_a_warning(content_copy: Path) -> None:
    (content_copy / "situations.yaml").unlink()
    result = load_content(content_copy)
    assert result.content is not None and result.content.situations == ()
    assert any("situations.yaml" in str(p) for p in result.problems.warnings)
