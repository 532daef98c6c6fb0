"""The search index over all areas gives exactly what scoring every place one by one gives."""

from __future__ import annotations

import importlib.util
import itertools
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import search
from bot.domain.catalog import Catalog, load_catalog
from bot.domain.models import Resource
from bot.domain.search import SearchIndex, _Phrases
from bot.domain.text import words

BENCH = Path(__file__).resolve().parent.parent / "bench" / "search_bench.py"
# Typed words: need words, typos, word starts, names, and Chinese and Thai (pairs).
TYPED = (
    "condoms", "condons", "naloxone", "nalaxone", "narcan", "shower", "showers", "lawyer",
    "abogada", "abogado", "comida", "clinic", "clinc", "harbor", "light", "casa", "esperanza",
    "collective", "street", "free", "gratis", "legal", "hot", "meal", "emergency", "fentanyl",
    "immigration", "inmigración", "spanish", "chino", "night", "owl", "drop", "legl", "peer",
    "english", "inglés", "español", "安全套", "同伴支持", "ถุงยางอนามัย", "ตรวจคนเข้าเมือง",
    "นาล็อกโซน", "buôn người", "xyzzy", "english english spanish", "spanish condoms",
)  # fmt: skip
BONUSES = (0.75, 1.2, 1.5, 2.0, 3.5, 4.0, 14.0)


@pytest.fixture(scope="module")
def areas_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """800 generated listings in 10 areas (as the benchmark writes them, in eight languages)."""
    spec = importlib.util.spec_from_file_location("search_bench", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up
    try:
        spec.loader.exec_module(bench)
        root = tmp_path_factory.mktemp("areas") / "content"
        bench.generate_content(root, 800, 7)
    finally:
        del sys.modules[spec.name]
    catalog, result = load_catalog(root)
    assert catalog is not None, [str(p) for p in result.problems.errors[:5]]
    return catalog


def one_by_one(
    index: SearchIndex,
    query_words: list[str],
    bonuses: list[tuple[str, float]],
    region_id: str | None,
    limit: int,
) -> list[tuple[float, Resource]]:
    """Score every place in the area (or everywhere) on its own, as search did per area before
    the index over all areas: each word adds its best match, then each need its bonus."""
    resources = index._resources
    if region_id is None:
        positions = range(len(resources.resources))
    elif region_id in resources.areas:
        positions = range(*resources.areas[region_id])
    else:
        return []
    scores: dict[int, float] = {}
    for word in query_words:
        best: dict[int, float] = {}
        for term, quality in index._resource_words.matches(word).items():
            for weight, found in resources.postings[term].runs:
                for position in found:
                    if position in positions and best.get(position, 0.0) < quality * weight:
                        best[position] = quality * weight
        for position, value in best.items():
            scores[position] = scores.get(position, 0.0) + value
    for need_id, bonus in bonuses:
        for position in positions:
            if need_id in resources.resources[position].needs:
                scores[position] = scores.get(position, 0.0) + bonus
    ranked = sorted(scores, key=lambda position: (-scores[position], position))[:limit]
    return [(scores[position], resources.resources[position]) for position in ranked]


def case(
    catalog: Catalog, needs: list[tuple[int, float]], area: int
) -> tuple[list[tuple[str, float]], str | None]:
    """The need bonuses and the area (None: all areas; "nowhere": an unknown one) a drawn
    search case stands for."""
    need_ids = sorted(catalog.content.needs)
    bonuses = list({need_ids[i % len(need_ids)]: bonus for i, bonus in needs}.items())
    regions = sorted(catalog.content.regions)
    return bonuses, None if area < 0 else regions[area] if area < len(regions) else "nowhere"


@settings(max_examples=80, deadline=None)
@given(
    typed=st.lists(st.sampled_from(TYPED), max_size=6),
    needs=st.lists(st.tuples(st.integers(0, 12), st.sampled_from(BONUSES)), max_size=8),
    area=st.integers(-2, 10),
    limit=st.integers(0, 40),
)
def test_the_index_ranks_exactly_as_scoring_each_place(
    areas_catalog: Catalog,
    typed: list[str],
    needs: list[tuple[int, float]],
    area: int,
    limit: int,
) -> None:
    index = areas_catalog.index
    bonuses, region_id = case(areas_catalog, needs, area)
    query_words = words(" ".join(typed))
    clauses = index._clauses(query_words)
    found = index._resources.score(clauses, bonuses, region_id, limit, index._bitmaps)
    assert found == one_by_one(index, query_words, bonuses, region_id, limit)


@pytest.mark.parametrize(
    ("min_run", "most_needs"),
    [
        (0, search.MAX_BITMAP_NEEDS),
        (search.MIN_BITMAP_RUN, search.MAX_BITMAP_NEEDS),
        (10**9, search.MAX_BITMAP_NEEDS),
        (64, -1),
    ],
)
@settings(max_examples=60, deadline=None)
@given(
    typed=st.lists(st.sampled_from(TYPED), max_size=6),
    needs=st.lists(st.tuples(st.integers(0, 12), st.sampled_from(BONUSES)), max_size=9),
    area=st.integers(-2, 10),
    limit=st.integers(0, 40),
)
def test_bitmaps_rank_exactly_as_scoring_each_place(
    areas_catalog: Catalog,
    min_run: int,
    most_needs: int,
    typed: list[str],
    needs: list[tuple[int, float]],
    area: int,
    limit: int,
) -> None:
    """Searches answered from bitmaps (every run a bitmap, the long ones, or none made before
    the search) give what scoring each place gives, and so does scoring each place matched
    (no bitmaps used: `most_needs` -1)."""
    index = areas_catalog.index
    with mock.patch.object(search, "MIN_BITMAP_RUN", min_run):
        bitmaps = search._Bitmaps.build(index._resources)
    bonuses, region_id = case(areas_catalog, needs, area)
    query_words = words(" ".join(typed))
    clauses = index._clauses(query_words)
    with mock.patch.object(search, "MAX_BITMAP_NEEDS", most_needs):
        found = index._resources.score(clauses, bonuses, region_id, limit, bitmaps)
    assert found == one_by_one(index, query_words, bonuses, region_id, limit)


@settings(max_examples=200, deadline=None)
@given(
    added=st.lists(
        st.tuples(st.sets(st.integers(0, 200), max_size=150), st.integers(0, 40)), max_size=8
    )
)
def test_bit_sliced_counts_are_the_sums(added: list[tuple[set[int], int]]) -> None:
    """Adding whole numbers to bit-sliced counts gives each position the sum of its values."""
    counts: list[int] = []
    expected = dict.fromkeys(range(201), 0)
    for positions, value in added:
        search._add_to_counts(counts, search._bitmap(positions, 201), value)
        for position in positions:
            expected[position] += value
    found = {p: sum((plane >> p & 1) << i for i, plane in enumerate(counts)) for p in expected}
    assert found == expected


@settings(max_examples=100, deadline=None)
@given(positions=st.sets(st.integers(0, 300), max_size=100), count=st.integers(0, 30))
def test_the_lowest_positions_of_a_bitmap(positions: set[int], count: int) -> None:
    assert search._lowest(search._bitmap(positions, 301), count) == sorted(positions)[:count]


def test_words_found_in_the_same_places_are_scored_once_over(areas_catalog: Catalog) -> None:
    """The character pairs of one Thai word share a posting list and make one clause."""
    index = areas_catalog.index
    clauses = index._clauses(words("ตรวจคนเข้าเมือง"))
    assert len(clauses) < len(words("ตรวจคนเข้าเมือง"))
    assert any(clause.times > 1 for clause in clauses)


def bench_queries() -> Iterator[str]:
    yield from TYPED
    yield from (" ".join(pair) for pair in itertools.combinations(TYPED[:12], 2))
    yield from ("my friend is not breathing", "necesito un abogado", "showers in harbor", "")


@pytest.mark.parametrize("limit", [1, 7, 20])
def test_all_areas_is_the_best_of_each_area(areas_catalog: Catalog, limit: int) -> None:
    """Searching everywhere gives each area's best, merged by score (areas in content order)."""
    index = areas_catalog.index
    regions = list(dict.fromkeys(r.region_id for r in areas_catalog.content.resources.values()))
    for query in bench_queries():
        if index.situation_matcher.match(query):
            continue  # a situation keeps only the places for its needs, after the best are found
        merged = [
            (hit.score, hit.resource.id)
            for region_id in regions
            for hit in index.search(query, region_id, limit).resources
        ]
        merged.sort(key=lambda pair: -pair[0])
        everywhere = index.search(query, None, limit).resources
        assert [(hit.score, hit.resource.id) for hit in everywhere] == merged[:limit], query


def test_listings_are_marked_named_as_by_checking_each_name(areas_catalog: Catalog) -> None:
    """Hits are marked named exactly as checking each hit's names does, including the
    searches skipped because a word is in no listing's name."""
    index = areas_catalog.index
    names = [r.name.all_values()[0] for r in list(areas_catalog.content.resources.values())[:30]]
    queries = [*bench_queries(), *names, *(f"{name} xyzzy" for name in names[:5])]
    marked = set()
    for query in queries:
        query_words = words(query)
        forms = [index._name_forms(word) for word in query_words]
        for hit in index.search(query, None, 30).resources:
            assert hit.named == index._names(forms, hit.resource), query
            marked.add(hit.named)
    assert marked == {search.NOT_NAMED, search.PARTLY_NAMED, search.FULLY_NAMED}


def test_a_search_in_one_area_finds_only_that_area(areas_catalog: Catalog) -> None:
    index = areas_catalog.index
    for region_id in areas_catalog.content.regions:
        for query in ("condoms", "ถุงยางอนามัย", "harbor light", "abogda"):
            hits = index.search(query, region_id, 60).resources
            assert hits and {hit.resource.region_id for hit in hits} == {region_id}


@settings(max_examples=200, deadline=None)
@given(
    phrases=st.lists(st.lists(st.sampled_from("abcd"), min_size=1, max_size=3), max_size=12),
    message=st.lists(st.sampled_from("abcde"), max_size=8),
)
def test_phrases_are_found_as_by_checking_each(
    phrases: list[list[str]], message: list[str]
) -> None:
    given_phrases = [(" ".join(parts), f"item-{i}") for i, parts in enumerate(phrases)]
    padded = f" {' '.join(message)} "
    expected = [pair for pair in given_phrases if f" {pair[0]} " in padded]
    assert _Phrases(given_phrases).found(message) == expected


def test_need_bonuses_alone_rank_by_how_many_needs_then_position(
    areas_catalog: Catalog,
) -> None:
    """Places matched by their needs alone, with more needs matched than are combined one by
    one, rank as scoring each place does."""
    index = areas_catalog.index
    rng = random.Random(3)
    need_ids = sorted(areas_catalog.content.needs)
    for _ in range(20):
        bonuses = [(n, rng.choice(BONUSES)) for n in rng.sample(need_ids, rng.randint(1, 9))]
        found = index._resources.score([], bonuses, None, 25, index._bitmaps)
        assert found == one_by_one(index, [], bonuses, None, 25)


def test_field_weights_are_whole_numbers() -> None:
    """Merged words, floors and bitmaps rely on sums of weights being exact in any order."""
    weights = (
        search.NAME_WEIGHT,
        search.ORGANIZATION_WEIGHT,
        search.DESCRIPTION_WEIGHT,
        search.LANGUAGE_WEIGHT,
    )
    assert all(float(weight).is_integer() for weight in weights)


def gathered_as_before(
    by_region: dict[str, list[Resource]], locales: tuple[str, ...]
) -> dict[str, tuple[tuple[float, tuple[int, ...]], ...]]:
    """The postings as the index built them before it gathered each term's positions by
    weight (2deb51f): a pair per word and place, the highest weight kept, then grouped."""
    pairs: dict[str, list[tuple[int, float]]] = {}
    start = 0
    for items in by_region.values():
        postings: dict[str, dict[int, float]] = {}
        for position, resource in enumerate(items, start):
            fields = [(resource.name, search.NAME_WEIGHT)]
            fields.append((resource.description, search.DESCRIPTION_WEIGHT))
            if resource.organization:
                fields.append((resource.organization, search.ORGANIZATION_WEIGHT))
            texts = [(value, weight) for text, weight in fields for value in text.all_values()]
            texts.extend(
                (name, search.LANGUAGE_WEIGHT)
                for code in resource.languages
                for name in search.language_names(code, locales)
            )
            for value, weight in texts:
                for word in words(value):
                    hits = postings.setdefault(word, {})
                    if hits.get(position, 0.0) < weight:
                        hits[position] = weight
        common = max(search.COMMON_TERM_MIN, int(len(items) * search.COMMON_TERM_SHARE))
        for term, hits in postings.items():
            found = list(hits.items())
            if len(found) > common:
                found = [(i, w) for i, w in found if w > search.DESCRIPTION_WEIGHT]
            if found:
                pairs.setdefault(term, []).extend(found)
        start += len(items)
    grouped = {}
    for term, found in pairs.items():
        by_weight: dict[float, list[int]] = {}
        for position, weight in found:
            by_weight.setdefault(weight, []).append(position)
        grouped[term] = tuple((w, tuple(by_weight[w])) for w in sorted(by_weight, reverse=True))
    return grouped


@pytest.mark.parametrize("common_min", [search.COMMON_TERM_MIN, 5])
def test_postings_are_built_as_before(
    areas_catalog: Catalog, common_min: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Gathering each term's positions by weight, with each distinct text's words found once,
    gives the same terms in the same order with the same runs (a low bar for common words
    makes sure dropping them is covered too)."""
    monkeypatch.setattr(search, "COMMON_TERM_MIN", common_min)
    content = areas_catalog.content
    by_region: dict[str, list[Resource]] = {}
    for resource in content.resources.values():
        by_region.setdefault(resource.region_id, []).append(resource)
    built = search.SearchIndex(content)._resources.postings
    expected = gathered_as_before(by_region, content.locales)
    assert list(built) == list(expected)
    assert {term: postings.runs for term, postings in built.items()} == expected


def test_name_words_are_each_name_split_and_shared_as_before(areas_catalog: Catalog) -> None:
    """Each listing's names as words, as the index made them before it split each distinct
    name once: the same words, and equal word tuples one object (as the compiled cache
    relies on to write each once)."""
    resources = areas_catalog.content.resources.values()
    built = search._name_words(resources, search.LoadWords())
    expected = {r.id: tuple(tuple(words(n)) for n in r.name.all_values()) for r in resources}
    assert built == expected
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    for names in built.values():
        for name in names:
            assert shared.setdefault(name, name) is name
            assert all(sys.intern(word) is word for word in name)
