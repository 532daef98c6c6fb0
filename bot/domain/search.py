"""Free-text search over needs, neighbourhoods and resources, in any content language.

Text is folded (case, accents, punctuation) and split into words. Each query word matches index
words exactly, with one typo (symmetric-delete lookup, verified by edit distance), or as a
prefix. Needs match through their search words; neighbourhoods through names and aliases;
resources through their name, organisation, description and the needs they serve.
"""

from __future__ import annotations

import bisect
import heapq
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.models import Content, Need, Neighbourhood, Resource

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "by",
        "can",
        "for",
        "from",
        "get",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "near",
        "need",
        "of",
        "on",
        "or",
        "some",
        "the",
        "to",
        "where",
        "want",
        "with",
        "you",
        "your",
        "any",
        "find",
        "looking",
        "please",
        "al",
        "con",
        "cerca",
        "de",
        "del",
        "donde",
        "el",
        "en",
        "es",
        "hay",
        "la",
        "las",
        "lo",
        "los",
        "me",
        "mi",
        "mis",
        "necesito",
        "para",
        "por",
        "que",
        "quiero",
        "su",
        "un",
        "una",
        "unos",
        "unas",
        "y",
        "o",
        "busco",
        "cerca",
    ]
)

EXACT, TYPO, PREFIX = 1.0, 0.75, 0.6
NAME_WEIGHT, ORGANIZATION_WEIGHT, NEED_WEIGHT, DESCRIPTION_WEIGHT = 3.0, 2.0, 2.0, 1.0
MIN_TYPO_LENGTH = 4
MIN_PREFIX_LENGTH = 3
MAX_PREFIX_TERMS = 24


def fold(text: str) -> str:
    """Lower-case, accents removed, anything but letters and digits turned into spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(kept).split())


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
        """Index words matching `word`, each with the quality of the match."""
        found: dict[str, float] = {}
        if word in self.terms:
            found[word] = EXACT
        if len(word) >= MIN_TYPO_LENGTH:
            candidates = set(self.by_delete.get(word, ()))
            for variant in _deletes(word):
                if variant in self.terms:
                    candidates.add(variant)
                candidates.update(self.by_delete.get(variant, ()))
            for term in candidates:
                if term not in found and within_one_edit(word, term):
                    found[term] = TYPO
        if len(word) >= MIN_PREFIX_LENGTH:
            start = bisect.bisect_left(self.sorted, word)
            for term in self.sorted[start : start + MAX_PREFIX_TERMS]:
                if not term.startswith(word):
                    break
                found.setdefault(term, PREFIX)
        return found


@dataclass(frozen=True)
class SearchResult:
    """What a typed message matched, best first."""

    resources: tuple[Resource, ...]
    needs: tuple[Need, ...]
    neighbourhood: Neighbourhood | None
    urgent: bool

    @property
    def empty(self) -> bool:
        return not (self.resources or self.needs or self.neighbourhood or self.urgent)


class SearchIndex:
    """An immutable index over one `Content`; build once per load, query many times."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self._resources = list(content.resources.values())
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for index, resource in enumerate(self._resources):
            fields = [(resource.name.all_values(), NAME_WEIGHT)]
            if resource.organization:
                fields.append((resource.organization.all_values(), ORGANIZATION_WEIGHT))
            fields.append((resource.description.all_values(), DESCRIPTION_WEIGHT))
            for texts, weight in fields:
                for text in texts:
                    for word in words(text):
                        if postings[word].get(index, 0.0) < weight:
                            postings[word][index] = weight
        self._postings = {term: tuple(hits.items()) for term, hits in postings.items()}
        self._resource_words = _Vocabulary(self._postings)

        need_words: dict[str, set[str]] = defaultdict(set)
        self._need_phrases: list[tuple[str, str]] = []
        for need in content.needs.values():
            phrases = [*need.name.all_values()]
            for locale_words in need.search_words.values():
                phrases.extend(locale_words)
            for phrase in phrases:
                folded = words(phrase)
                if len(folded) == 1:
                    need_words[folded[0]].add(need.id)
                elif len(folded) > 1:
                    self._need_phrases.append((" ".join(folded), need.id))
        self._need_words = {term: frozenset(ids) for term, ids in need_words.items()}
        self._need_vocabulary = _Vocabulary(self._need_words)
        self._resources_by_need: dict[str, tuple[int, ...]] = {
            need_id: tuple(i for i, r in enumerate(self._resources) if need_id in r.needs)
            for need_id in content.needs
        }
        self._places: dict[str, Neighbourhood] = {}
        for hood in content.neighbourhoods.values():
            for name in (*hood.name.all_values(), *hood.aliases):
                self._places[" ".join(words(name)) or fold(name)] = hood

    def search(self, query: str, region_id: str | None = None, limit: int = 20) -> SearchResult:
        """Resources (within `region_id` when given), needs and a neighbourhood matching `query`."""
        query_words = words(query)
        joined = " ".join(query_words)
        whole_place = self._whole_place(joined, region_id)
        if whole_place is not None:
            return SearchResult((), (), whole_place, urgent=False)
        need_scores: dict[str, float] = defaultdict(float)
        for phrase, need_id in self._need_phrases:
            if f" {phrase} " in f" {joined} ":
                need_scores[need_id] += EXACT * len(phrase.split())
        resource_scores: dict[int, float] = defaultdict(float)
        for word in query_words:
            best_for_need: dict[str, float] = {}
            for term, quality in self._need_vocabulary.matches(word).items():
                for need_id in self._need_words[term]:
                    best_for_need[need_id] = max(best_for_need.get(need_id, 0.0), quality)
            for need_id, quality in best_for_need.items():
                need_scores[need_id] += quality
            best_for_resource: dict[int, float] = {}
            for term, quality in self._resource_words.matches(word).items():
                for index, weight in self._postings[term]:
                    score = quality * weight
                    if best_for_resource.get(index, 0.0) < score:
                        best_for_resource[index] = score
            for index, score in best_for_resource.items():
                resource_scores[index] += score
        for need_id, score in need_scores.items():
            for index in self._resources_by_need[need_id]:
                resource_scores[index] += score * NEED_WEIGHT

        resources = self._resources
        ranked = heapq.nlargest(
            limit,
            (
                (score, -index)
                for index, score in resource_scores.items()
                if region_id is None or resources[index].region_id == region_id
            ),
        )
        needs = tuple(
            self._content.needs[need_id]
            for need_id, _score in sorted(need_scores.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        return SearchResult(
            resources=tuple(resources[-negative] for _score, negative in ranked),
            needs=needs,
            neighbourhood=self.place(query, region_id),
            urgent=any(need.urgent for need in needs),
        )

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
