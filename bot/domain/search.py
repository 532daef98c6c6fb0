"""Free-text search over needs, neighbourhoods and resources, in any content language.

Text is folded (case, accents, punctuation) and split into words. Each query word matches index
words exactly, with one typo (symmetric-delete lookup, verified by edit distance), or as a
prefix. Needs match through their search words; neighbourhoods through names and aliases;
resources through their name, organisation, description and the needs they serve, in one
index over all areas (see `_ResourceIndex`).
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import functools
import heapq
import itertools
import operator
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from babel import UnknownLocaleError

from bot.domain.models import (
    CACHE_REDUCERS,
    Content,
    Need,
    Neighbourhood,
    Page,
    Resource,
    Situation,
    quickly_unpickled,
)
from bot.domain.situations import SituationMatcher
from bot.domain.text import (
    STOPWORDS,
    LoadWords,
    content_deletes,
    content_fold,
    content_tokens,
    content_words,
    is_pair,
    meaningful,
    one_typo_away,
    tokens,
    words,
)
from bot.locale_data import babel_locale

EXACT, TYPO, PREFIX = 1.0, 0.75, 0.6
# The field weights must stay whole numbers: sums of them are exact in any order, which lets a
# search merge, floor and skip words matched exactly and still give the scores word by word does.
NAME_WEIGHT, ORGANIZATION_WEIGHT, NEED_WEIGHT, DESCRIPTION_WEIGHT = 3.0, 2.0, 2.0, 1.0
LANGUAGE_WEIGHT = 2.0
SITUATION_NEED_WEIGHT = 1.0
MIN_TYPO_LENGTH = 5
MIN_PREFIX_LENGTH = 4
MAX_PREFIX_TERMS = 24
COMMON_TERM_SHARE, COMMON_TERM_MIN = 0.25, 50
# Up to this many matched needs, places matched by needs alone are found by combination.
MAX_NEED_COMBINATIONS_FROM = 6
# Runs of at least this many positions keep a bitmap (see `_Bitmaps`); shorter ones are made
# into one when a search needs it.
MIN_BITMAP_RUN = 64
# Searches pointing at up to this many needs may be answered from bitmaps (each need more
# doubles the groups of places to look through).
MAX_BITMAP_NEEDS = 8
# Reading positions out of bitmaps: which bits each byte has set, and a table making every
# byte that is not zero a 1.
_BITS_OF_BYTE = tuple(tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256))
_NOT_ZERO = bytes([0, *[1] * 255])


@functools.cache
def language_names(code: str, locales: tuple[str, ...]) -> tuple[str, ...]:
    """A language's names in each content locale and in itself ("zh": Chinese, chino, 中文),
    so that people can search for a service by the language it speaks."""
    names = []
    for locale in (*locales, code):
        # A locale Babel does not know (a new or private code) simply adds no names.
        with contextlib.suppress(ValueError, UnknownLocaleError):
            names.append(babel_locale(locale).languages.get(code, ""))
    return tuple(dict.fromkeys(name for name in names if name))


class _Vocabulary:
    """Index words with exact, one-typo and prefix lookup."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = frozenset(terms)
        self.sorted = sorted(self.terms)
        self.by_delete: dict[str, list[str]] = defaultdict(list)
        for term in self.terms:
            if len(term) >= MIN_TYPO_LENGTH and not is_pair(term):
                for variant in content_deletes(term):
                    self.by_delete[variant].append(term)

    def matches(self, word: str) -> dict[str, float]:
        """Index words matching `word`, each with the quality of the match.

        An exact match is taken alone: a word people spelt right should not drag in its
        one-letter neighbours ("rent" is not "fent"). Otherwise one typo (for words of five
        letters or more) and word starts (four or more) count, each for less.
        """
        if word in self.terms:
            return {word: EXACT}
        found: dict[str, float] = {}
        if is_pair(word):  # a pair of Chinese or Thai characters has no typos or word starts
            return found
        if len(word) >= MIN_TYPO_LENGTH:
            found.update(dict.fromkeys(one_typo_away(word, self.terms, self.by_delete), TYPO))
        if len(word) >= MIN_PREFIX_LENGTH:
            start = bisect.bisect_left(self.sorted, word)
            for term in self.sorted[start : start + MAX_PREFIX_TERMS]:
                if not term.startswith(word):
                    break
                found.setdefault(term, PREFIX)
        return found


class _Phrases:
    """Phrases of tokens ("help me", the pairs of "安全套"), each with what it points at, found
    in a message by their first token: a message is checked only against the phrases that
    start with one of its tokens, not against every phrase of every need and page."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        self._phrases = tuple(phrases)
        self._by_first: dict[str, list[int]] = defaultdict(list)
        for at, (phrase, _item_id) in enumerate(self._phrases):
            self._by_first[phrase.split(" ", 1)[0]].append(at)

    def found(self, query_tokens: list[str]) -> list[tuple[str, str]]:
        """The phrases whose tokens all appear together, in order, in the message (in the
        order they were given)."""
        starts = {at for token in set(query_tokens) for at in self._by_first.get(token, ())}
        padded_query = f" {' '.join(query_tokens)} "
        return [
            self._phrases[at]
            for at in sorted(starts)
            if f" {self._phrases[at][0]} " in padded_query
        ]


Run = tuple[float, tuple[int, ...]]  # a weight, and the positions with it, in order


@quickly_unpickled
@dataclass(frozen=True, slots=True, eq=False)
class Postings:
    """Where a term is found: for each weight it has, highest first, the positions of the
    resources with that weight, in order. Fields give at most three weights, so one run per
    weight (position tuples shared between terms) is far fewer objects than a pair per posting.
    Compared by identity: terms found in the same places share one `Postings`."""

    runs: tuple[Run, ...]

    def within(self, span: tuple[int, int], everything: int) -> tuple[Run, ...]:
        """The runs cut to the positions in `span` (all of them when it covers everything)."""
        start, end = span
        if start == 0 and end == everything:
            return self.runs
        cut = []
        for weight, positions in self.runs:
            low = bisect.bisect_left(positions, start)
            inside = positions[low : bisect.bisect_left(positions, end, low)]
            if inside:
                cut.append((weight, inside))
        return tuple(cut)

    def __len__(self) -> int:
        return sum(len(positions) for _weight, positions in self.runs)


@dataclass(frozen=True)
class _Clause:
    """What one query word adds to each resource: the best of its matched terms' postings, each
    weight times the match quality, counted `times` over (the same word typed twice, or
    several character pairs found in exactly the same places)."""

    matched: tuple[tuple[Postings, float], ...]
    times: int = 1
    # For a term found exactly in every place of an area (or of all areas, None) with one
    # weight ("spanish" when every place speaks it): that weight.
    everywhere: Mapping[str | None, float] = field(default_factory=dict)
    terms: tuple[str, ...] = ()  # the terms matched, in the order of `matched`


def _exact(clause: _Clause) -> bool:
    """Whether a clause is one term matched exactly (its weights are whole numbers)."""
    return len(clause.matched) == 1 and clause.matched[0][1] == EXACT


# A term's positions by weight: what building the index gathers before it shares the runs.
_Gathered = dict[str, dict[float, list[int]]]


def _area_postings(
    resources: list[Resource], start: int, locales: tuple[str, ...], memo: LoadWords
) -> _Gathered:
    """The positions of one area's resources, numbered from `start`, by term and weight; terms
    in order of first appearance."""
    # One list per term and weight, each position appended in C (`map` over the resource's
    # words, drained by a zero-length deque): 1.56 million appends at 10,000 listings.
    by_pair: defaultdict[tuple[str, float], list[int]] = defaultdict(list)
    lists_of = by_pair.__getitem__
    for position, resource in enumerate(resources, start):
        best = _best_weights(resource, locales, memo)
        collections.deque(
            map(list.append, map(lists_of, best.items()), itertools.repeat(position)), maxlen=0
        )
    postings: _Gathered = {}
    for (term, weight), positions in by_pair.items():  # terms in order of first appearance
        postings.setdefault(term, {})[weight] = positions
    # A word in a quarter of a large area's descriptions ("free", "gratis") tells the places
    # apart no better than a stop word, and scoring it would touch most of them.
    common = max(COMMON_TERM_MIN, int(len(resources) * COMMON_TERM_SHARE))
    kept: _Gathered = {}
    for term, runs in postings.items():
        if sum(map(len, runs.values())) > common:
            runs = {w: positions for w, positions in runs.items() if w > DESCRIPTION_WEIGHT}
        if runs:
            kept[term] = runs
    return kept


def _best_weights(
    resource: Resource, locales: tuple[str, ...], memo: LoadWords
) -> dict[str, float]:
    """Each word of a resource with the highest weight of the texts it is in, in order of
    first appearance (fields in order, then the languages it speaks)."""
    fields = [
        (resource.name.all_values(), NAME_WEIGHT),
        (resource.description.all_values(), DESCRIPTION_WEIGHT),
    ]
    if resource.organization:
        fields.append((resource.organization.all_values(), ORGANIZATION_WEIGHT))
    languages = itertools.chain.from_iterable(
        language_names(code, locales) for code in resource.languages
    )
    fields.append((tuple(languages), LANGUAGE_WEIGHT))
    # Every word at the lightest weight, then each heavier field's words at its own, lightest
    # first (a heavier weight overwrites; keys keep their order of first appearance). Repeated
    # words are left to `dict.fromkeys`: descriptions are nearly all distinct, so dropping
    # repeats field by field first was a second pass over their words for nothing.
    lightest, *heavier = sorted(fields, key=operator.itemgetter(1))
    every = itertools.chain.from_iterable(texts for texts, _ in fields)
    best = dict.fromkeys(memo.all_words(every), lightest[1])
    for texts, weight in heavier:
        best.update(dict.fromkeys(memo.all_words(texts), weight))
    return best


def _gather(
    by_region: dict[str, list[Resource]], locales: tuple[str, ...], memo: LoadWords
) -> tuple[list[Resource], dict[str, tuple[int, int]], _Gathered]:
    """The resources of every area in order, each area's range of positions, and every term's
    positions by weight (areas in order, so each weight's positions ascend)."""
    resources: list[Resource] = []
    areas: dict[str, tuple[int, int]] = {}
    gathered: _Gathered = {}
    for region_id, items in by_region.items():
        for term, runs in _area_postings(items, len(resources), locales, memo).items():
            into = gathered.setdefault(term, runs)
            if into is not runs:
                for weight, positions in runs.items():
                    into.setdefault(weight, []).extend(positions)
        areas[region_id] = (len(resources), len(resources) + len(items))
        resources.extend(items)
    return resources, areas, gathered


def _shared_postings(gathered: _Gathered) -> dict[str, Postings]:
    """Each term's `Postings`. Terms found in exactly the same places (mostly the character
    pairs of one Chinese or Thai word) share one: less memory, and a search adds them up in
    one pass; equal runs of positions are one tuple too. Each term's lists are dropped as soon
    as they are copied: left to the end, freeing them all at once would hold the GIL for tens
    of milliseconds (a reload runs in a thread beside the bot)."""
    shared_positions: dict[tuple[int, ...], tuple[int, ...]] = {}
    shared: dict[tuple[Run, ...], Postings] = {}
    kept: dict[str, Postings] = {}
    for term in list(gathered):
        by_weight = gathered.pop(term)
        runs = []
        for weight in sorted(by_weight, reverse=True):
            positions = tuple(by_weight[weight])
            runs.append((weight, shared_positions.setdefault(positions, positions)))
        key = tuple(runs)
        kept[term] = shared[key] if key in shared else shared.setdefault(key, Postings(key))
    return kept


@dataclass(frozen=True)
class _ResourceIndex:
    """Postings for the resources of every area in one index.

    Resources are numbered area after area (in content order), so each area is one range of
    positions: a search in one area reads only its range of each posting list, found by
    bisection, and a search across all areas reads each list once, whole, instead of once per
    area. Ties rank by position, as they did when each area was searched on its own.
    """

    resources: tuple[Resource, ...]
    areas: dict[str, tuple[int, int]]
    postings: dict[str, Postings]
    # Terms found in every place of an area (None: of all areas), all with one weight.
    everywhere: dict[str, dict[str | None, float]]
    # The positions of the resources offering each need, in order: an area's are a slice of
    # them. Sets of them are made only for the rare search the bitmaps cannot answer (kept,
    # they took 1.5 MiB at 10,000 listings).
    need_order: dict[str, tuple[int, ...]]

    @classmethod
    def build(
        cls, by_region: dict[str, list[Resource]], locales: tuple[str, ...], memo: LoadWords
    ) -> _ResourceIndex:
        """Postings, area ranges and each need's positions for the resources of every area
        (`memo`: the load's words of texts)."""
        resources, areas, gathered = _gather(by_region, locales, memo)
        kept = _shared_postings(gathered)
        by_need: dict[str, set[int]] = defaultdict(set)
        for position, resource in enumerate(resources):
            for need_id in resource.needs:
                by_need[need_id].add(position)
        need_order = {need_id: tuple(sorted(ids)) for need_id, ids in by_need.items()}
        return cls(tuple(resources), areas, kept, _everywhere(kept, areas), need_order)

    def score(
        self,
        clauses: list[_Clause],
        bonuses: list[tuple[str, float]],
        region_id: str | None,
        limit: int,
        bitmaps: _Bitmaps,
    ) -> list[tuple[float, Resource]]:
        """The best `limit` resources (in `region_id`, or in all areas) for the query's words
        (`clauses`) and the needs it points at (`bonuses`: what each need adds): from the
        index's `bitmaps` when they can answer, else by scoring each place matched."""
        if region_id is None:
            span = (0, len(self.resources))
        elif region_id in self.areas:
            span = self.areas[region_id]
        else:
            return []
        if limit < 1:
            return []
        clauses, floor = _floor(clauses, region_id)
        if len(bonuses) <= MAX_BITMAP_NEEDS:
            found = bitmaps.best(clauses, bonuses, span, floor, limit)
            if found is not None:
                return [(score, self.resources[position]) for score, position in found]
        needs = [(self._need_set(need_id, span), bonus) for need_id, bonus in bonuses]
        scores = _text_scores(clauses, span, len(self.resources))
        if floor:
            scores = {position: value + floor for position, value in scores.items()}
        for members, bonus in needs:
            _add_bonus(scores, members, bonus)
        best = _best(scores, limit)
        if (needs or floor) and not (
            best and len(best) == limit and scores[best[-1]] > floor + sum(b for _m, b in needs)
        ):
            # Places matched by their needs alone (or by words every place has) could still
            # reach the top.
            alone = _need_only(needs, scores, limit, floor)
            if floor:
                alone.update(_plain(span, needs, scores, limit, floor))
            scores = {position: scores[position] for position in best}
            scores.update(alone)
            best = _best(scores, limit)
        return [(scores[position], self.resources[position]) for position in best]

    def _need_set(self, need_id: str, span: tuple[int, int]) -> frozenset[int]:
        """The positions in `span` of the resources offering a need, made for the search from
        its slice of the need's positions (no set is kept)."""
        return frozenset(_cut(self.need_order.get(need_id, ()), span))


def _cut(positions: tuple[int, ...], span: tuple[int, int]) -> tuple[int, ...]:
    """The positions (in order) inside `span`."""
    low = bisect.bisect_left(positions, span[0])
    return positions[low : bisect.bisect_left(positions, span[1], low)]


def _everywhere(
    postings: dict[str, Postings], areas: dict[str, tuple[int, int]]
) -> dict[str, dict[str | None, float]]:
    """The terms found in every place of an area (None: of all areas) with one weight."""
    smallest = min((end - start for start, end in areas.values()), default=0)
    everything = max((end for _start, end in areas.values()), default=0)
    found: dict[str, dict[str | None, float]] = {}
    for term, term_postings in postings.items():
        if not term_postings.runs or len(term_postings) < smallest:
            continue
        spans: list[tuple[str | None, tuple[int, int]]] = [(None, (0, everything))]
        spans.extend(areas.items())
        for scope, span in spans:
            inside = term_postings.within(span, everything)
            if len(inside) == 1 and len(inside[0][1]) == span[1] - span[0]:
                found.setdefault(term, {})[scope] = inside[0][0]
    return found


def _text_scores(
    clauses: list[_Clause], span: tuple[int, int], everything: int
) -> dict[int, float]:
    """Per position in `span`, the sum over clauses of the best match quality times weight."""
    scores: dict[int, float] = {}
    for clause in clauses:
        if len(clause.matched) == 1:
            postings, quality = clause.matched[0]
            factor = quality * clause.times
            # Each run's positions get one value: the product is the same float per posting.
            runs = [
                (factor * weight, positions)
                for weight, positions in postings.within(span, everything)
            ]
            if not scores:
                for value, positions in runs:  # the first word's scores, copied in one go
                    scores.update(dict.fromkeys(positions, value))
                continue
            get = scores.get
            for value, positions in runs:
                for position in positions:
                    scores[position] = get(position, 0.0) + value
            continue
        best: dict[int, float] = {}
        for postings, quality in clause.matched:
            for weight, positions in postings.within(span, everything):
                value = quality * weight
                for position in positions:
                    if best.get(position, 0.0) < value:
                        best[position] = value
        if not scores:
            scores = best
            continue
        get = scores.get
        for position, value in best.items():
            scores[position] = get(position, 0.0) + value
    return scores


def _add_bonus(scores: dict[int, float], members: frozenset[int], bonus: float) -> None:
    """Add a need's bonus to the scored positions that offer it, walking the smaller side."""
    if len(members) < len(scores):
        for position in members:
            if position in scores:
                scores[position] += bonus
    else:
        for position, value in scores.items():
            if position in members:
                scores[position] = value + bonus


def _best(scores: dict[int, float], limit: int) -> list[int]:
    """The `limit` best positions by score, then position: only the positions scoring at least
    the `limit`-th best score are sorted."""
    if len(scores) > limit:
        cut = heapq.nlargest(limit, scores.values())[-1]
        chosen = [position for position, value in scores.items() if value >= cut]
    else:
        chosen = list(scores)
    chosen.sort()
    chosen.sort(key=scores.__getitem__, reverse=True)  # stable: equal scores stay by position
    return chosen[:limit]


def _floor(clauses: list[_Clause], scope: str | None) -> tuple[list[_Clause], float]:
    """The clauses left to score, and what the clauses of terms found in every place of the
    area add to every place (0 when any clause is not exact: then the order of the sums must
    stay as it was, and every clause is scored)."""
    if not all(map(_exact, clauses)):
        return clauses, 0.0
    floor = 0.0
    left = []
    for clause in clauses:
        if scope in clause.everywhere:
            floor += clause.everywhere[scope] * clause.times
        else:
            left.append(clause)
    return left, floor


def _plain(
    span: tuple[int, int],
    needs: list[tuple[frozenset[int], float]],
    taken: Mapping[int, float],
    limit: int,
    floor: float,
) -> dict[int, float]:
    """The first `limit` places of `span` matched only by words every place has: `floor`."""
    found: dict[int, float] = {}
    for position in range(*span):
        if position not in taken and not any(position in members for members, _b in needs):
            found[position] = floor
            if len(found) == limit:
                break
    return found


def _need_only(
    needs: list[tuple[frozenset[int], float]],
    taken: Mapping[int, float],
    limit: int,
    floor: float = 0.0,
) -> dict[int, float]:
    """The best `limit` positions outside `taken` by need bonuses alone.

    Such a place scores the sum of the bonuses of the matched needs it offers; places offering
    the same matched needs tie and rank by position, so each combination of needs, best first,
    is one set operation and a sort of the first few positions.
    """
    if len(needs) > MAX_NEED_COMBINATIONS_FROM:
        scores: dict[int, float] = {}
        for members, bonus in needs:
            for position in members.difference(taken):
                scores[position] = scores.get(position, floor) + bonus
        return {position: scores[position] for position in _best(scores, limit)}
    combinations = []
    for mask in range(1, 1 << len(needs)):
        total = floor
        for bit, (_members, bonus) in enumerate(needs):
            if mask >> bit & 1:
                total += bonus  # in the order of the needs, as each place adds them up
        combinations.append((total, mask))
    combinations.sort(key=lambda pair: -pair[0])
    found: dict[int, float] = {}
    cut = -1.0
    for total, mask in combinations:
        if len(found) >= limit and total < cut:  # no later combination can make the cut
            break
        inside = [members for bit, (members, _b) in enumerate(needs) if mask >> bit & 1]
        outside = [members for bit, (members, _b) in enumerate(needs) if not mask >> bit & 1]
        group = min(inside, key=len).intersection(*inside).difference(*outside, taken)
        for position in sorted(group)[:limit]:
            found[position] = total
        if len(found) >= limit:
            cut = sorted(found.values(), reverse=True)[limit - 1]
    return found


def _bitmap(positions: Iterable[int], size: int) -> int:
    """Positions (below `size`) as one int, bit p set for position p."""
    bits = bytearray((size + 7) >> 3)
    for position in positions:
        bits[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(bits, "little")


def _add_to_counts(counts: list[int], bits: int, value: int) -> None:
    """Add the whole number `value` to the count of every position in `bits`. The counts are
    bit-sliced: bit i of a position's count is bit p of `counts[i]`, so adding is a few
    operations on whole ints (binary addition, carry by carry), not one per position."""
    counts.extend([0] * (value.bit_length() - len(counts)))
    at = 0
    while value:
        if value & 1:
            carry, plane = bits, at
            while carry:
                if plane == len(counts):
                    counts.append(carry)
                    break
                current = counts[plane]
                counts[plane] = current ^ carry
                carry &= current
                plane += 1
        value >>= 1
        at += 1


def _lowest(bits: int, count: int) -> list[int]:
    """The first `count` positions in `bits`, in order: the bits as bytes, each byte that is
    not zero found in C (`bytes.find` on a copy with every such byte made 1) and read by table,
    whether the positions are close together or spread over all the bits."""
    raw = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    find = raw.translate(_NOT_ZERO).find
    found: list[int] = []
    at = find(1)
    while at >= 0 and len(found) < count:
        start = at << 3
        found += [start + bit for bit in _BITS_OF_BYTE[raw[at]]]
        at = find(1, at + 1)
    return found[:count]


@dataclass(frozen=True)
class _Bitmaps:
    """Long runs of positions and each need's places as bitmaps (ints, bit p for position p),
    to answer searches without touching each posting.

    When every match is worth whole numbers or quarters (exact words, typos: not word starts,
    whose 0.6 makes sums that depend on their order), each place's word score is exact and is
    counted, in quarters, at once in bit-sliced counts (`_add_to_counts`): a few operations on
    whole ints per run, however long. Places offering the same matched needs get the same
    bonuses; within each such group the best counts are found plane by plane, highest first,
    and only the best places of each are taken out of the bitmaps and given their float
    scores, added up as `score` adds them.
    """

    runs: dict[str, tuple[int | None, ...]]  # per term with a long run: each run's bitmap
    needs: dict[str, int]
    size: int

    @classmethod
    def build(cls, index: _ResourceIndex) -> _Bitmaps:
        """The bitmaps of `index`'s runs of at least `MIN_BITMAP_RUN` positions (one per
        distinct run) and of its needs' places."""
        size = len(index.resources)
        made: dict[int, int] = {}
        by_postings: dict[int, tuple[int | None, ...]] = {}
        runs: dict[str, tuple[int | None, ...]] = {}
        for term, postings in index.postings.items():
            if id(postings) not in by_postings:
                if all(len(positions) < MIN_BITMAP_RUN for _w, positions in postings.runs):
                    continue
                for _weight, positions in postings.runs:
                    if len(positions) >= MIN_BITMAP_RUN and id(positions) not in made:
                        made[id(positions)] = _bitmap(positions, size)
                by_postings[id(postings)] = tuple(made.get(id(p)) for _w, p in postings.runs)
            runs[term] = by_postings[id(postings)]
        needs = {need_id: _bitmap(members, size) for need_id, members in index.need_order.items()}
        return cls(runs, needs, size)

    def best(
        self,
        clauses: list[_Clause],
        bonuses: list[tuple[str, float]],
        span: tuple[int, int],
        floor: float,
        limit: int,
    ) -> list[tuple[float, int]] | None:
        """The best `limit` positions in `span`, with their scores, for `clauses`, the needs'
        `bonuses` and the `floor` every place has: what scoring each place gives. None when a
        match is worth other than quarters."""
        qualities = [quality for clause in clauses for _postings, quality in clause.matched]
        if not all((quality * 4).is_integer() for quality in qualities):
            return None  # (the weights are whole numbers)
        levels = [level for clause in clauses for level in self._levels(clause, span)]
        scale = 1 if all(value.is_integer() for value, _bits in levels) else 4
        counts: list[int] = []
        matched = 0
        for value, bits in levels:
            matched |= bits
            _add_to_counts(counts, bits, int(value * scale))
        groups: list[tuple[int, tuple[float, ...]]] = [((1 << (span[1] - span[0])) - 1, ())]
        for need_id, bonus in bonuses:
            offering = self._within(self.needs.get(need_id, 0), span)
            split = []
            for bits, added in groups:
                split += [(bits & offering, (*added, bonus)), (bits & ~offering, added)]
            groups = [(bits, added) for bits, added in split if bits]
        top = _Top(counts, floor, scale, limit)
        # Groups with more bonuses first, so that the cut rises early and prunes the rest.
        for bits, added in sorted(groups, key=lambda group: -sum(group[1])):
            top.take(bits if added or floor else bits & matched, added)
        return [(score, span[0] + position) for score, position in top.found]

    def _within(self, bits: int, span: tuple[int, int]) -> int:
        """The bits of the positions in `span`, counted from its start: in one area, every
        operation after this one is on ints a tenth as long."""
        start, end = span
        if start == 0 and end == self.size:
            return bits
        return (bits >> start) & ((1 << (end - start)) - 1)

    def _levels(self, clause: _Clause, span: tuple[int, int]) -> list[tuple[float, int]]:
        """What a clause adds, and where: disjoint bitmaps of the positions in `span` (from its
        start), each with its value (for a word matching several terms, each place's best)."""
        found: list[tuple[float, int]] = []
        for term, (postings, quality) in zip(clause.terms, clause.matched, strict=True):
            bitmaps = self.runs.get(term, ())
            for at, (weight, positions) in enumerate(postings.runs):
                made = bitmaps[at] if bitmaps else None
                if made is None:
                    start = span[0]
                    bits = _bitmap([p - start for p in _cut(positions, span)], span[1] - start)
                else:
                    bits = self._within(made, span)
                found.append((quality * clause.times * weight, bits))
        if len(clause.matched) == 1:
            return found  # one term's runs are disjoint
        by_value: dict[float, int] = {}
        for value, bits in found:
            by_value[value] = by_value.get(value, 0) | bits
        levels, taken = [], 0
        for value in sorted(by_value, reverse=True):
            levels.append((value, by_value[value] & ~taken))
            taken |= by_value[value]
        return levels


class _Top:
    """The best places of bit-sliced counts, group by group (see `_Bitmaps`)."""

    def __init__(self, counts: list[int], floor: float, scale: int, limit: int) -> None:
        self._counts = counts
        self._floor = floor
        self._scale = scale  # counts are in 1/scale
        self._limit = limit
        self.found: list[tuple[float, int]] = []  # (score, position), best first

    def take(self, bits: int, added: tuple[float, ...]) -> None:
        """Add the best places of `bits`, places that get the bonuses `added`."""
        if bits:
            self._descend(bits, len(self._counts) - 1, 0, added)

    def _score(self, count: int, added: tuple[float, ...]) -> float:
        score = self._floor + count / self._scale
        for bonus in added:
            score += bonus  # in the order of the needs, as each place adds them up
        return score

    def _beaten(self, score: float) -> bool:
        return len(self.found) >= self._limit and score < self.found[-1][0]

    def _descend(self, bits: int, plane: int, count: int, added: tuple[float, ...]) -> None:
        """Take the places of `bits` (whose counts agree with `count` above `plane`) with the
        highest counts first, until none left could make the cut."""
        if self._beaten(self._score(count | ((1 << (plane + 1)) - 1), added)):
            return
        if plane >= 0:
            high = bits & self._counts[plane]
            if high:
                self._descend(high, plane - 1, count | 1 << plane, added)
            if high != bits:
                self._descend(bits ^ high, plane - 1, count, added)
            return
        score = self._score(count, added)
        ahead = sum(1 for better, _position in self.found if better > score)
        resort = ahead < len(self.found)  # else the new places, in order, come last
        self.found += [(score, p) for p in _lowest(bits, self._limit - ahead)]
        if resort:
            self.found.sort(key=lambda pair: (-pair[0], pair[1]))
            del self.found[self._limit :]


NOT_NAMED, PARTLY_NAMED, FULLY_NAMED = 0, 1, 2


class ResourceHit(NamedTuple):
    """A matched resource, how well its text matched, and whether the message names it.

    A NamedTuple: about twenty are made for each search, each in half the time of a frozen
    dataclass."""

    resource: Resource
    score: float
    named: int = NOT_NAMED


@dataclass(frozen=True)
class SearchResult:
    """What a typed message matched, best first (open status and barriers are ranked later)."""

    resources: tuple[ResourceHit, ...]
    needs: tuple[Need, ...]
    neighbourhood: Neighbourhood | None
    situations: tuple[Situation, ...] = ()
    pages: tuple[Page, ...] = ()
    named_need: Need | None = None
    place_named: bool = False
    # How strongly the words alone point at each need and page ("need:food", "page:safety").
    topic_scores: Mapping[str, float] = field(default_factory=dict)

    @property
    def urgent(self) -> bool:
        """True when the message reads as danger: urgent help comes first."""
        return any(situation.urgent for situation in self.situations)

    @property
    def empty(self) -> bool:
        """True when nothing at all matched."""
        return not (
            self.resources or self.needs or self.neighbourhood or self.situations or self.pages
        )


class SearchIndex:
    """An immutable index over one `Content`; build once per load, query many times."""

    @property
    def situation_matcher(self) -> SituationMatcher:
        """The matcher for typed situations, built from the content's situations."""
        return self._situations

    def __init__(self, content: Content, situations: SituationMatcher | None = None) -> None:
        """Index `content`; `situations`, when given, is a matcher already built from exactly
        `content.situations` (a reload whose situations did not change reuses it)."""
        self._content = content
        self._index_resources(content)
        self._situations = situations or SituationMatcher(content.situations)
        self._index_needs(content)
        self._index_pages(content)
        self._index_places(content)

    def _index_resources(self, content: Content) -> None:
        by_region: dict[str, list[Resource]] = defaultdict(list)
        for resource in content.resources.values():
            by_region[resource.region_id].append(resource)
        # Listings repeat texts and phrases: each distinct one is split into words once.
        memo = LoadWords()
        self._resources = _ResourceIndex.build(by_region, content.locales, memo)
        self._bitmaps = _Bitmaps.build(self._resources)
        self._resource_words = _Vocabulary(self._resources.postings)
        self._name_words = _name_words(content.resources.values(), memo)
        memo.forget()
        self._name_vocabulary = _Vocabulary(
            word for names in self._name_words.values() for name in names for word in name
        )

    def _index_needs(self, content: Content) -> None:
        need_words: dict[str, set[str]] = defaultdict(set)
        need_phrases: list[tuple[str, str]] = []
        self._need_exact: dict[str, str] = {}
        for need in content.needs.values():
            phrases = [*need.name.all_values()]
            for locale_words in need.search_words.values():
                phrases.extend(locale_words)
            for phrase in phrases:
                # Phrases keep their small words: "help me" must not become "help". A word in a
                # script without spaces ("安全套") is a phrase of character pairs.
                parts = content_tokens(phrase)
                self._need_exact.setdefault(" ".join(content_words(phrase)), need.id)
                if len(parts) > 1:
                    need_phrases.append((" ".join(parts), need.id))
                elif parts and parts[0] not in STOPWORDS:
                    need_words[parts[0]].add(need.id)
        self._need_exact.pop("", None)
        self._need_phrases = _Phrases(need_phrases)
        self._need_words = {term: frozenset(ids) for term, ids in need_words.items()}
        self._need_vocabulary = _Vocabulary(self._need_words)

    def _index_pages(self, content: Content) -> None:
        page_words: dict[str, set[str]] = defaultdict(set)
        page_phrases: list[tuple[str, str]] = []
        for page in content.pages.values():
            for text in page.texts.values():
                for phrase in (text.title, *text.search_words):
                    paired = content_tokens(phrase)
                    if len(paired) > len(content_fold(phrase).split()):
                        # Chinese or Thai: its character pairs count only all together, in
                        # order, or any page would match any message sharing one pair.
                        page_phrases.append((" ".join(paired), page.id))
                        continue
                    for word in content_words(phrase):
                        page_words[word].add(page.id)
        self._page_words = {term: frozenset(ids) for term, ids in page_words.items()}
        self._page_phrases = _Phrases(page_phrases)
        self._page_vocabulary = _Vocabulary(self._page_words)

    def _index_places(self, content: Content) -> None:
        self._places: dict[str, Neighbourhood] = {}
        for hood in content.neighbourhoods.values():
            for name in (*hood.name.all_values(), *hood.aliases):
                self._places[" ".join(content_words(name)) or content_fold(name)] = hood
        self._place_vocabulary = _Vocabulary(self._places)
        self._longest_place = max((len(key.split()) for key in self._places), default=0)

    def search(self, query: str, region_id: str | None = None, limit: int = 20) -> SearchResult:
        """Situations, resources (within `region_id` when given), needs, pages and a
        neighbourhood matching `query`."""
        # Cut into words once: what people type is never kept for the next time.
        query_tokens = tokens(query)
        situations = self._situations.match(query, query_tokens)
        query_words = meaningful(query_tokens)
        joined = " ".join(query_words)
        whole_place = self._whole_place(joined, region_id)
        word_need_scores = self._need_scores(query_tokens, query_words)
        need_scores = defaultdict(float, word_need_scores)
        for situation in situations:
            for need_id in situation.needs:
                need_scores[need_id] += SITUATION_NEED_WEIGHT
        hits = self._resource_hits(query_words, need_scores, region_id, limit)
        neighbourhood = whole_place or self._place_inside(joined, region_id)
        if any(hit.named == FULLY_NAMED for hit in hits):
            # The message is a listing's name ("Eastshore Crisis and Suicide Line"): a look-up.
            situations = ()
        elif situations:
            # Words of a message about a situation ("she won't wake up") match descriptions by
            # chance; only places for the situation's needs, or for needs it names, are offered.
            wanted = {n for s in situations for n in s.needs} | {
                n for n, score in word_need_scores.items() if score >= EXACT
            }
            hits = tuple(h for h in hits if h.named or wanted & set(h.resource.needs))
        needs = tuple(
            self._content.needs[need_id]
            for need_id, _score in sorted(need_scores.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        page_scores = self._page_scores(query_tokens, query_words)
        ranked_pages = sorted(page_scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return SearchResult(
            resources=hits,
            needs=needs,
            neighbourhood=neighbourhood,
            situations=situations,
            pages=tuple(self._content.pages[page_id] for page_id, _score in ranked_pages),
            named_need=self._named_need(joined),
            place_named=whole_place is not None,
            topic_scores={
                **{f"need:{n}": score for n, score in word_need_scores.items()},
                **{f"page:{p}": score for p, score in page_scores.items()},
            },
        )

    def _resource_hits(
        self,
        query_words: list[str],
        need_scores: dict[str, float],
        region_id: str | None,
        limit: int,
    ) -> tuple[ResourceHit, ...]:
        """The best `limit` resources by text and needs, each marked with how far it is named."""
        clauses = self._clauses(query_words)
        bonuses = [(need_id, score * NEED_WEIGHT) for need_id, score in need_scores.items()]
        scored = self._resources.score(clauses, bonuses, region_id, limit, self._bitmaps)
        forms = [self._name_forms(word) for word in query_words]
        name_words = self._name_vocabulary.terms
        if any(form.isdisjoint(name_words) for form in forms):
            # A word in no listing's name: no listing is named, none need be looked at.
            return tuple(ResourceHit(resource, score) for score, resource in scored)
        return tuple(
            ResourceHit(resource, score, self._names(forms, resource)) for score, resource in scored
        )

    def _clauses(self, query_words: list[str]) -> list[_Clause]:
        """Each query word's matched terms and their postings, in order.

        While every word so far is matched exactly, a word matched exactly in the same places as
        an earlier one (a word typed twice, the character pairs of one Chinese or Thai word)
        joins that word's clause, counted once more: the weights are whole numbers then, so the
        sums come out exactly as adding word by word.
        """
        postings = self._resources.postings
        clauses: list[_Clause] = []
        exact_at: dict[int, int] = {}  # the clause of each posting list, by its identity
        for word in query_words:
            matches = self._resource_words.matches(word)
            matched = tuple((postings[t], q) for t, q in matches.items())
            if not matched:
                continue
            at = exact_at.get(id(matched[0][0])) if len(matched) == 1 else None
            if at is not None and matched == clauses[at].matched:
                clauses[at] = replace(clauses[at], times=clauses[at].times + 1)
                continue
            clauses.append(
                _Clause(matched, everywhere=self._resources.everywhere.get(word, {}), terms=(word,))
                if word in matches
                else _Clause(matched, terms=tuple(matches))
            )
            if _exact(clauses[-1]) and len(exact_at) == len(clauses) - 1:
                exact_at[id(matched[0][0])] = len(clauses) - 1
            else:
                exact_at.clear()  # an inexact word: later words are added after it, in order
        return clauses

    def _name_forms(self, word: str) -> frozenset[str]:
        """The listing-name words a typed word stands for: itself, or one typo away."""
        if len(word) < MIN_TYPO_LENGTH:
            return frozenset((word,))
        vocabulary = self._name_vocabulary
        return frozenset((word, *one_typo_away(word, vocabulary.terms, vocabulary.by_delete)))

    def _need_scores(self, query_tokens: list[str], query_words: list[str]) -> dict[str, float]:
        """How strongly the message points at each need, by phrases and by words."""
        need_scores: dict[str, float] = defaultdict(float)
        for phrase, need_id in self._need_phrases.found(query_tokens):
            need_scores[need_id] += EXACT * len(phrase.split())
        for need_id, score in _word_scores(
            query_words, self._need_vocabulary, self._need_words
        ).items():
            need_scores[need_id] += score
        return need_scores

    def _named_need(self, joined: str) -> Need | None:
        """The need whose name or one search word is the whole message (one typo allowed)."""
        need_id = self._need_exact.get(joined)
        if need_id is None and len(joined) >= MIN_TYPO_LENGTH and " " not in joined:
            vocabulary = self._need_vocabulary
            close = sorted(one_typo_away(joined, vocabulary.terms, vocabulary.by_delete))
            need_id = min(self._need_words[close[0]]) if close else None
        return self._content.needs[need_id] if need_id is not None else None

    def _names(self, forms: list[frozenset[str]], resource: Resource) -> int:
        """How far the message names this listing: every query word (`forms`: what each may
        stand for) is in its name, covering the whole name (fully) or at least its first word
        ("night owl")."""
        named = NOT_NAMED
        if not forms:
            return named
        for name in self._name_words[resource.id]:
            if not name or any(form.isdisjoint(name) for form in forms):
                continue  # some query word is not in this name
            used = [next(i for i, n in enumerate(name) if n in form) for form in forms]
            if len(set(used)) == len(name):
                return FULLY_NAMED
            if 0 in used:
                named = PARTLY_NAMED
        return named

    def _page_scores(self, query_tokens: list[str], query_words: list[str]) -> dict[str, float]:
        """How well each page's title or search words match."""
        scores = _word_scores(query_words, self._page_vocabulary, self._page_words)
        for _phrase, page_id in self._page_phrases.found(query_tokens):
            scores[page_id] = scores.get(page_id, 0.0) + EXACT
        return scores

    def place(self, query: str, region_id: str | None = None) -> Neighbourhood | None:
        """The neighbourhood a message names ("fruitvale", "near downtown", "showers in uptown")."""
        key = " ".join(words(query))
        return self._whole_place(key, region_id) or self._place_inside(key, region_id)

    def _place_inside(self, key: str, region_id: str | None) -> Neighbourhood | None:
        """The longest neighbourhood name or alias (of five letters or more) inside a message."""
        parts = key.split()
        inside = [
            " ".join(parts[start : start + size])
            for size in range(min(self._longest_place, len(parts)), 0, -1)
            for start in range(len(parts) - size + 1)
        ]
        found = [n for n in inside if len(n) >= MIN_TYPO_LENGTH and n in self._places]
        hood = self._places[max(found, key=len)] if found else None
        return hood if hood is None or self._in_region(hood, region_id) else None

    def _whole_place(self, key: str, region_id: str | None) -> Neighbourhood | None:
        """The neighbourhood whose name or alias is the whole (folded) message, one typo allowed."""
        hood = self._places.get(key)
        if hood is None and len(key) >= MIN_TYPO_LENGTH:
            vocabulary = self._place_vocabulary
            close = one_typo_away(key, vocabulary.terms, vocabulary.by_delete)
            hood = self._places[min(close)] if close else None
        return hood if hood is None or self._in_region(hood, region_id) else None

    @staticmethod
    def _in_region(hood: Neighbourhood, region_id: str | None) -> bool:
        return region_id is None or hood.region_id == region_id


def _name_words(
    resources: Iterable[Resource], memo: LoadWords
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each listing's names as words, by listing id. Names repeat words and whole names across
    listings and languages: each distinct one is kept once (and pickled once in the compiled
    cache), and each distinct name is split into words once (3,985 of 10,000 at 10,000)."""
    distinct: dict[tuple[str, ...], tuple[str, ...]] = {}
    by_name: dict[str, tuple[str, ...]] = {}

    def words_of(name: str) -> tuple[str, ...]:
        found = by_name.get(name)
        if found is None:
            found = tuple(map(sys.intern, memo.words(name)))
            found = by_name[name] = distinct.setdefault(found, found)
        return found

    return {r.id: tuple(map(words_of, r.name.all_values())) for r in resources}


def _word_scores(
    query_words: list[str], vocabulary: _Vocabulary, ids_by_term: Mapping[str, frozenset[str]]
) -> dict[str, float]:
    """Per id (need or page), the sum over query words of each word's best match quality."""
    scores: dict[str, float] = defaultdict(float)
    for word in query_words:
        best: dict[str, float] = {}
        for term, quality in vocabulary.matches(word).items():
            for item_id in ids_by_term[term]:
                best[item_id] = max(best.get(item_id, 0.0), quality)
        for item_id, quality in best.items():
            scores[item_id] += quality
    return scores


def _packed_resource_index(index: _ResourceIndex) -> tuple[Any, ...]:
    """How the compiled content cache writes the resource index: each distinct run of
    positions, each need set and each need's order as packed numbers, read back by
    `_unpacked_resource_index` as before but with one int object per position. Pickle writes
    every int on its own: at 10,000 listings, 218,000 of them (5.8 MiB) where 10,000 do."""
    runs: dict[int, int] = {}
    packed_runs: list[bytes] = []
    postings: dict[int, int] = {}
    weighted: list[tuple[tuple[float, int], ...]] = []
    terms: dict[str, int] = {}
    for term, found in index.postings.items():
        if id(found) not in postings:
            postings[id(found)] = len(weighted)
            weighted.append(
                tuple(
                    (weight, _packed_once(positions, runs, packed_runs))
                    for weight, positions in found.runs
                )
            )
        terms[term] = postings[id(found)]
    return _unpacked_resource_index, (
        index.resources,
        index.areas,
        tuple(packed_runs),
        tuple(weighted),
        terms,
        index.everywhere,
        {need_id: _packed(order) for need_id, order in index.need_order.items()},
    )


def _packed(numbers: Iterable[int]) -> bytes:
    """Positions as unsigned 32-bit numbers, in their order."""
    return array("I", numbers).tobytes()


def _packed_once(positions: tuple[int, ...], seen: dict[int, int], packed: list[bytes]) -> int:
    """The number of `positions` among those `packed` so far (packed now if new): runs of
    positions shared by several `Postings` stay shared."""
    if id(positions) not in seen:
        seen[id(positions)] = len(packed)
        packed.append(_packed(positions))
    return seen[id(positions)]


def _unpacked_resource_index(
    resources: tuple[Resource, ...],
    areas: dict[str, tuple[int, int]],
    packed_runs: tuple[bytes, ...],
    weighted: tuple[tuple[tuple[float, int], ...], ...],
    terms: dict[str, int],
    everywhere: dict[str, dict[str | None, float]],
    need_order: dict[str, bytes],
) -> _ResourceIndex:
    """The resource index `_packed_resource_index` wrote, equal to the one it was given, each
    position one shared int."""
    numbers = tuple(range(len(resources)))
    at = numbers.__getitem__
    runs = [tuple(map(at, array("I", packed))) for packed in packed_runs]
    postings = [Postings(tuple((weight, runs[run]) for weight, run in each)) for each in weighted]
    return _ResourceIndex(
        resources,
        areas,
        {term: postings[number] for term, number in terms.items()},
        everywhere,
        {need_id: tuple(map(at, array("I", packed))) for need_id, packed in need_order.items()},
    )


CACHE_REDUCERS[_ResourceIndex] = _packed_resource_index
