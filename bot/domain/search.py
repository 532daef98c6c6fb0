"""Free-text search over needs, neighbourhoods and resources, in any content language.

Text is folded (case, accents, punctuation) and split into words. Each query word matches index
words exactly, with one typo (symmetric-delete lookup, verified by edit distance), or as a
prefix. Needs match through their search words; neighbourhoods through names and aliases;
resources through their name, organisation, description and the needs they serve.
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.models import Content, Need, Neighbourhood, Page, Resource

# Small words dropped from queries and listings (English and Spanish); phrases keep them.
STOPWORDS = frozenset(
    {
        "a",
        "al",
        "an",
        "and",
        "any",
        "are",
        "at",
        "ayuda",
        "busco",
        "by",
        "can",
        "cerca",
        "con",
        "de",
        "del",
        "donde",
        "el",
        "en",
        "es",
        "find",
        "for",
        "from",
        "get",
        "hay",
        "help",
        "i",
        "in",
        "is",
        "it",
        "la",
        "las",
        "lo",
        "looking",
        "los",
        "me",
        "mi",
        "mis",
        "my",
        "near",
        "necesito",
        "need",
        "o",
        "of",
        "on",
        "or",
        "para",
        "please",
        "por",
        "que",
        "quiero",
        "some",
        "su",
        "the",
        "to",
        "un",
        "una",
        "unas",
        "unos",
        "want",
        "where",
        "with",
        "y",
        "you",
        "your",
    }
)

EXACT, TYPO, PREFIX = 1.0, 0.75, 0.6
NAME_WEIGHT, ORGANIZATION_WEIGHT, NEED_WEIGHT, DESCRIPTION_WEIGHT = 3.0, 2.0, 2.0, 1.0
MIN_TYPO_LENGTH = 5
MIN_PREFIX_LENGTH = 4
MAX_PREFIX_TERMS = 24
COMMON_TERM_SHARE, COMMON_TERM_MIN = 0.25, 50


_SEPARATORS = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case, accents removed, anything but letters and digits turned into spaces."""
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", folded).strip()


def words(text: str) -> list[str]:
    """The folded words of a text that carry meaning (stop words dropped)."""
    return [w for w in fold(text).split() if w not in STOPWORDS]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """True if a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


class _Vocabulary:
    """Index words with exact, one-typo and prefix lookup."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = frozenset(terms)
        self.sorted = sorted(self.terms)
        self.by_delete: dict[str, list[str]] = defaultdict(list)
        for term in self.terms:
            if len(term) >= MIN_TYPO_LENGTH:
                for variant in _deletes(term):
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
        if len(word) >= MIN_TYPO_LENGTH:
            candidates = set(self.by_delete.get(word, ()))
            for variant in _deletes(word):
                if variant in self.terms:
                    candidates.add(variant)
                candidates.update(self.by_delete.get(variant, ()))
            for term in candidates:
                if within_one_edit(word, term):
                    found[term] = TYPO
        if len(word) >= MIN_PREFIX_LENGTH:
            start = bisect.bisect_left(self.sorted, word)
            for term in self.sorted[start : start + MAX_PREFIX_TERMS]:
                if not term.startswith(word):
                    break
                found.setdefault(term, PREFIX)
        return found


@dataclass(frozen=True)
class _RegionIndex:
    """Postings for the resources of one region, so a search never scores other regions."""

    resources: tuple[Resource, ...]
    postings: dict[str, tuple[tuple[int, float], ...]]
    by_need: dict[str, tuple[int, ...]]

    @classmethod
    def build(cls, resources: list[Resource]) -> _RegionIndex:
        """Postings and need lists for the resources of one region."""
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        by_need: dict[str, list[int]] = defaultdict(list)
        for index, resource in enumerate(resources):
            for need_id in resource.needs:
                by_need[need_id].append(index)
            fields = [(resource.name, NAME_WEIGHT), (resource.description, DESCRIPTION_WEIGHT)]
            if resource.organization:
                fields.append((resource.organization, ORGANIZATION_WEIGHT))
            for text, weight in fields:
                for value in text.all_values():
                    for word in words(value):
                        hits = postings[word]
                        if hits.get(index, 0.0) < weight:
                            hits[index] = weight
        # A word in a quarter of a large region's descriptions ("free", "gratis") tells the
        # places apart no better than a stop word, and scoring it would touch most of them.
        common = max(COMMON_TERM_MIN, int(len(resources) * COMMON_TERM_SHARE))
        kept: dict[str, tuple[tuple[int, float], ...]] = {}
        for term, hits in postings.items():
            pairs = tuple(hits.items())
            if len(pairs) > common:
                pairs = tuple((i, w) for i, w in pairs if w > DESCRIPTION_WEIGHT)
            if pairs:
                kept[term] = pairs
        return cls(
            resources=tuple(resources),
            postings=kept,
            by_need={need_id: tuple(ids) for need_id, ids in by_need.items()},
        )

    def score(
        self,
        word_matches: list[dict[str, float]],
        need_scores: dict[str, float],
        limit: int,
    ) -> list[tuple[float, Resource]]:
        """The best `limit` resources for the query's matched words and needs."""
        scores: dict[int, float] = defaultdict(float)
        for matches in word_matches:
            best: dict[int, float] = {}
            for term, quality in matches.items():
                for index, weight in self.postings.get(term, ()):
                    value = quality * weight
                    if best.get(index, 0.0) < value:
                        best[index] = value
            for index, value in best.items():
                scores[index] += value
        for need_id, need_score in need_scores.items():
            bonus = need_score * NEED_WEIGHT
            for index in self.by_need.get(need_id, ()):
                scores[index] += bonus
        top = heapq.nlargest(limit, ((score, -index) for index, score in scores.items()))
        return [(score, self.resources[-negative]) for score, negative in top]


@dataclass(frozen=True)
class SearchResult:
    """What a typed message matched, best first."""

    resources: tuple[Resource, ...]
    needs: tuple[Need, ...]
    neighbourhood: Neighbourhood | None
    urgent: bool
    pages: tuple[Page, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing at all matched."""
        return not (self.resources or self.needs or self.neighbourhood or self.urgent or self.pages)


class SearchIndex:
    """An immutable index over one `Content`; build once per load, query many times."""

    def __init__(self, content: Content) -> None:
        self._content = content
        by_region: dict[str, list[Resource]] = defaultdict(list)
        for resource in content.resources.values():
            by_region[resource.region_id].append(resource)
        self._regions = {rid: _RegionIndex.build(items) for rid, items in by_region.items()}
        self._resource_words = _Vocabulary(
            term for region in self._regions.values() for term in region.postings
        )
        need_words: dict[str, set[str]] = defaultdict(set)
        self._need_phrases: list[tuple[str, str]] = []
        for need in content.needs.values():
            phrases = [*need.name.all_values()]
            for locale_words in need.search_words.values():
                phrases.extend(locale_words)
            for phrase in phrases:
                # Phrases keep their small words: "help me" must not become "help".
                folded = fold(phrase)
                if " " in folded:
                    self._need_phrases.append((folded, need.id))
                elif folded and folded not in STOPWORDS:
                    need_words[folded].add(need.id)
        self._need_words = {term: frozenset(ids) for term, ids in need_words.items()}
        self._urgent_need_ids = frozenset(n.id for n in content.needs.values() if n.urgent)
        self._need_vocabulary = _Vocabulary(self._need_words)
        page_words: dict[str, set[str]] = defaultdict(set)
        for page in content.pages.values():
            for text in page.texts.values():
                for phrase in (text.title, *text.search_words):
                    for word in words(phrase):
                        page_words[word].add(page.id)
        self._page_words = {term: frozenset(ids) for term, ids in page_words.items()}
        self._page_vocabulary = _Vocabulary(self._page_words)
        self._places: dict[str, Neighbourhood] = {}
        for hood in content.neighbourhoods.values():
            for name in (*hood.name.all_values(), *hood.aliases):
                self._places[" ".join(words(name)) or fold(name)] = hood

    def search(self, query: str, region_id: str | None = None, limit: int = 20) -> SearchResult:
        """Resources (within `region_id` when given), needs, pages and a neighbourhood matching
        `query`."""
        query_words = words(query)
        joined = " ".join(query_words)
        padded_query = f" {fold(query)} "
        whole_place = self._whole_place(joined, region_id)
        if whole_place is not None:
            return SearchResult((), (), whole_place, urgent=False)
        need_scores: dict[str, float] = defaultdict(float)
        urgent_ids = self._urgent_need_ids
        urgent = False
        for phrase, need_id in self._need_phrases:
            if f" {phrase} " in padded_query:
                need_scores[need_id] += EXACT * len(phrase.split())
                urgent = urgent or need_id in urgent_ids
        for word in query_words:
            best_for_need: dict[str, float] = {}
            for term, quality in self._need_vocabulary.matches(word).items():
                for need_id in self._need_words[term]:
                    best_for_need[need_id] = max(best_for_need.get(need_id, 0.0), quality)
            for need_id, quality in best_for_need.items():
                need_scores[need_id] += quality
                # A word start alone ("ayuda" of "ayúdame") never makes a message urgent.
                urgent = urgent or (need_id in urgent_ids and quality > PREFIX)
        word_matches = [self._resource_words.matches(word) for word in query_words]
        if region_id is None:
            regions = list(self._regions.values())
        else:
            regions = [self._regions[region_id]] if region_id in self._regions else []
        scored = [
            hit for region in regions for hit in region.score(word_matches, need_scores, limit)
        ]
        scored.sort(key=lambda hit: -hit[0])
        needs = tuple(
            self._content.needs[need_id]
            for need_id, _score in sorted(need_scores.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        return SearchResult(
            resources=tuple(resource for _score, resource in scored[:limit]),
            needs=needs,
            neighbourhood=self.place(query, region_id),
            urgent=urgent,
            pages=self._pages(query_words),
        )

    def _pages(self, query_words: list[str]) -> tuple[Page, ...]:
        """Pages whose title or search words match, best first."""
        scores: dict[str, float] = defaultdict(float)
        for word in query_words:
            best: dict[str, float] = {}
            for term, quality in self._page_vocabulary.matches(word).items():
                for page_id in self._page_words[term]:
                    best[page_id] = max(best.get(page_id, 0.0), quality)
            for page_id, quality in best.items():
                scores[page_id] += quality
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(self._content.pages[page_id] for page_id, _score in ranked)

    def place(self, query: str, region_id: str | None = None) -> Neighbourhood | None:
        """The neighbourhood a message names ("fruitvale", "near downtown", "showers in uptown")."""
        key = " ".join(words(query))
        hood = self._whole_place(key, region_id)
        if hood is None:
            padded = f" {key} "
            inside = [n for n in self._places if len(n) >= MIN_TYPO_LENGTH and f" {n} " in padded]
            hood = self._places[max(inside, key=len)] if inside else None
        return hood if hood is None or self._in_region(hood, region_id) else None

    def _whole_place(self, key: str, region_id: str | None) -> Neighbourhood | None:
        """The neighbourhood whose name or alias is the whole (folded) message, one typo allowed."""
        hood = self._places.get(key)
        if hood is None and len(key) >= MIN_TYPO_LENGTH:
            close = [name for name in self._places if within_one_edit(key, name)]
            hood = self._places[min(close)] if close else None
        return hood if hood is None or self._in_region(hood, region_id) else None

    @staticmethod
    def _in_region(hood: Neighbourhood, region_id: str | None) -> bool:
        return region_id is None or hood.region_id == region_id
