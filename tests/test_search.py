"""Free-text search in English and Spanish, with typos, urgent words and places."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.catalog import Catalog
from bot.domain.text import fold, within_one_edit, words


def test_fold_removes_case_accents_and_punctuation() -> None:
    assert fold("¡Condón, ABOGADA!") == "condon abogada"
    assert fold("Naloxona—ya") == "naloxona ya"


def test_stop_words_are_dropped() -> None:
    assert words("a shower near me") == ["shower"]
    assert words("necesito un abogado cerca de mi") == ["abogado"]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("naloxone", "nalaxone", True),
        ("condoms", "condons", True),
        ("abogado", "abogada", True),
        ("shower", "showers", True),
        ("form", "from", True),
        ("lawyer", "layer", True),
        ("lawyer", "player", False),
        ("food", "fodder", False),
    ],
)
def test_within_one_edit(a: str, b: str, expected: bool) -> None:
    assert within_one_edit(a, b) is expected
    assert within_one_edit(b, a) is expected


@pytest.mark.parametrize(
    ("query", "need"),
    [
        ("condoms", "condoms"),
        ("condons", "condoms"),
        ("condones", "condoms"),
        ("naloxone", "drugs"),
        ("nalaxone", "drugs"),
        ("naloxona", "drugs"),
        ("abogado", "legal"),
        ("abogada", "legal"),
        ("lawyer", "legal"),
        ("shower near me", "drop_in"),
        ("ducha", "drop_in"),
        ("comida", "food"),
    ],
)
def test_queries_in_both_languages_find_the_need(
    sample_catalog: Catalog, query: str, need: str
) -> None:
    result = sample_catalog.index.search(query, "oakland")
    assert result.needs and result.needs[0].id == need
    assert result.resources, query
    assert need in result.resources[0].resource.needs


@pytest.mark.parametrize(
    "query",
    ["overdose", "sobredosis", "emergency", "EMERGENCIA", "my friend isn't breathing", "od"],
)
def test_urgent_words_are_flagged(sample_catalog: Catalog, query: str) -> None:
    assert sample_catalog.index.search(query, "oakland").urgent


def test_an_apostrophe_joins_a_word(sample_catalog: Catalog) -> None:
    assert fold("isn't OD’ing") == "isnt oding"
    assert words("isn't") == ["isnt"]
    # "isn't" once split off a "t" that matched "T visa" and "don't".
    assert not sample_catalog.index.search("isn't", "oakland").needs


@pytest.mark.parametrize("query", ["t", "a", "the", "'s", "s"])
def test_weak_input_finds_nothing(sample_catalog: Catalog, query: str) -> None:
    assert sample_catalog.index.search(query, "oakland").empty


@pytest.mark.parametrize(
    ("query", "language"), [("spanish", "es"), ("chino", "zh"), ("tagalog", "tl")]
)
def test_languages_a_service_speaks_are_searchable(
    sample_catalog: Catalog, query: str, language: str
) -> None:
    hits = sample_catalog.index.search(query, "oakland").resources
    assert hits and all(language in hit.resource.languages for hit in hits)


@pytest.mark.parametrize(
    "query", ["condoms", "help paying rent", "ayuda legal gratis", "casa", "rent", "rest"]
)
def test_ordinary_words_are_not_urgent(sample_catalog: Catalog, query: str) -> None:
    assert not sample_catalog.index.search(query, "oakland").urgent


def test_a_correct_spelling_does_not_pull_in_near_words(sample_catalog: Catalog) -> None:
    needs = [n.id for n in sample_catalog.index.search("rent", "oakland").needs]
    assert "drugs" not in needs  # "rent" is one letter from "fent"


def test_name_match_ranks_first(minimal_catalog: Catalog) -> None:
    result = minimal_catalog.index.search("night drop-in")
    assert result.resources[0].resource.id == "night-drop-in"
    assert result.resources[0].named


def test_typed_neighbourhood_is_a_place(sample_catalog: Catalog) -> None:
    result = sample_catalog.index.search("Fruitvale", "oakland")
    assert result.neighbourhood is not None and result.neighbourhood.id == "fruitvale"
    assert result.place_named
    mixed = sample_catalog.index.search("showers in fruitvale", "oakland")
    assert mixed.neighbourhood is not None and mixed.neighbourhood.id == "fruitvale"
    assert mixed.resources and not mixed.place_named


def test_region_filter(minimal_catalog: Catalog) -> None:
    assert minimal_catalog.index.search("condoms", "elsewhere").resources == ()


def test_nothing_found(sample_catalog: Catalog) -> None:
    assert sample_catalog.index.search("xyzzy qwerty", "oakland").empty


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_searches_without_error(minimal_catalog: Catalog, query: str) -> None:
    result = minimal_catalog.index.search(query)
    assert len(result.resources) <= 20


@pytest.mark.parametrize(
    ("query", "page"),
    [
        ("police", "rights-police"),
        ("derechos", "rights-services"),
        ("visa u", "immigration"),
        ("expungement", "record-relief"),
        ("trata", "spectrum"),
        ("seguridad digital", "safety"),
    ],
)
def test_pages_are_found_by_title_and_search_words(
    sample_catalog: Catalog, query: str, page: str
) -> None:
    pages = [p.id for p in sample_catalog.index.search(query, "oakland").pages]
    assert page in pages[:2], pages


def test_a_content_locale_babel_does_not_know_adds_no_language_names() -> None:
    from bot.domain.search import language_names

    assert language_names("es", ("en", "qq")) == ("Spanish", "español")
