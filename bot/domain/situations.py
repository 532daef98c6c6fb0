"""Recognising situations (overdose, violence, documents taken, ...) in a typed message.

Phrases come from `content/situations.yaml`, in every content locale; a message in any of them
is matched against all (people mix languages). A phrase matches when its words appear in order
with at most MAX_GAP other words between two of them. A word ending in `*` matches any word it
starts; a word of MIN_TYPO_LENGTH letters or more also matches with one typo (a one-word phrase
only from MIN_LONE_TYPO_LENGTH letters, so that "taped" never reads as a danger word).
A situation's `unless` phrases cancel it ("want to die" unless "die my hair").
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from bot.domain.models import Situation, quickly_unpickled
from bot.domain.text import (
    content_deletes,
    content_paired_units,
    content_tokens,
    is_pair,
    one_typo_away,
    only_paired,
    paired_units,
    tokens,
)

MAX_GAP = 2
# In Chinese, Japanese and Thai a phrase matches character by character, with at most this many
# other characters between two of its characters ("不呼吸" finds "不能呼吸", "他不呼吸了").
MAX_CHARACTER_GAP = 1
MIN_TYPO_LENGTH = 5
MIN_LONE_TYPO_LENGTH = 6


class PatternWord(NamedTuple):
    """One word of a phrase: folded text, and whether any word it starts matches too. A pair,
    so that looking one up (a message's words are, several times each) hashes it in C."""

    text: str
    prefix: bool = False


@functools.lru_cache(maxsize=1 << 14)
def parse_phrase(phrase: str) -> tuple[PatternWord, ...]:
    """A phrase as written in the content file, as pattern words (empty when nothing is left)."""
    found: list[PatternWord] = []
    for raw in phrase.split():
        parts = content_tokens(raw)
        if not parts:
            continue
        found.extend(PatternWord(part) for part in parts[:-1])
        found.append(PatternWord(parts[-1], prefix=raw.endswith("*")))
    return tuple(found)


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class _Phrase:
    words: tuple[PatternWord, ...]
    situation: Situation
    cancels: bool = False  # an `unless` phrase: a match cancels its situation


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class _CharacterPhrase:
    units: tuple[str, ...]
    situation: Situation
    cancels: bool = False


class SituationMatcher:
    """Every situation's phrases, indexed for matching short messages quickly."""

    def __init__(self, situations: Iterable[Situation]) -> None:
        self._situations = tuple(situations)
        self._by_first: dict[PatternWord, list[_Phrase]] = defaultdict(list)
        self._whole: dict[tuple[str, ...], list[Situation]] = defaultdict(list)
        self._by_first_unit: dict[str, list[_CharacterPhrase]] = defaultdict(list)
        exact: dict[str, PatternWord] = {}
        prefixes: dict[str, PatternWord] = {}
        for situation in self._situations:
            for cancels, by_locale in ((False, situation.phrases), (True, situation.unless)):
                for phrase in (p for phrases in by_locale.values() for p in phrases):
                    units = content_paired_units(phrase)
                    if len(units) > 1 and only_paired(phrase):
                        entry = _CharacterPhrase(tuple(units), situation, cancels)
                        self._by_first_unit[units[0]].append(entry)
                        continue
                    pattern = parse_phrase(phrase)
                    if not pattern:
                        continue
                    self._by_first[pattern[0]].append(_Phrase(pattern, situation, cancels))
                    for word in pattern:
                        (prefixes if word.prefix else exact)[word.text] = word
            for phrases in situation.whole_message.values():
                for phrase in phrases:
                    key = tuple(content_tokens(phrase))
                    if key and situation not in self._whole[key]:
                        self._whole[key].append(situation)
        # Each pattern word by its text, made once: a message's words are looked up in them.
        self._exact_words = exact
        self._prefix_words = prefixes
        by_delete: dict[str, set[str]] = defaultdict(set)
        for term in exact:
            if len(term) >= MIN_TYPO_LENGTH and not is_pair(term):
                for variant in content_deletes(term):
                    by_delete[variant].add(term)
        # Kept as tuples: most hold one term, and a set of one takes four times a tuple's
        # memory (1.1 MiB over 6,600 of them).
        self._by_delete = {variant: tuple(sorted(terms)) for variant, terms in by_delete.items()}

    def match(self, text: str, words: list[str] | None = None) -> tuple[Situation, ...]:
        """The situations a message reads as: urgent ones first, then in file order. `words`:
        the message's `tokens`, when they are at hand."""
        words = tokens(text) if words is None else words
        if not words:
            return ()
        found: set[str] = {s.id for s in self._whole.get(tuple(words), ())}
        cancelled: set[str] = set()
        hits = [self._word_hits(word) for word in words]
        for start, token_hits in enumerate(hits):
            for first in token_hits:
                for phrase in self._by_first.get(first, ()):
                    into = cancelled if phrase.cancels else found
                    if phrase.situation.id in into:
                        continue
                    if self._phrase_at(phrase.words, hits, start, token_hits[first]):
                        into.add(phrase.situation.id)
        self._match_characters(text, found, cancelled)
        ordered = [s for s in self._situations if s.id in found - cancelled]
        return tuple(sorted(ordered, key=lambda s: not s.urgent))

    def _match_characters(self, text: str, found: set[str], cancelled: set[str]) -> None:
        """Phrases in Chinese, Japanese or Thai, character by character."""
        units = paired_units(text) if self._by_first_unit else []
        # Most phrases sharing a first character have a second one the message lacks: looked
        # up in a set, without walking the message (a phrase has at least two units).
        present = set(units)
        for start, unit in enumerate(units):
            for phrase in self._by_first_unit.get(unit, ()):
                if phrase.units[1] not in present:
                    continue
                into = cancelled if phrase.cancels else found
                if phrase.situation.id not in into and _units_follow(phrase.units, 1, units, start):
                    into.add(phrase.situation.id)

    def _word_hits(self, token: str) -> dict[PatternWord, bool]:
        """The pattern words a message word matches, each with whether it took a typo."""
        hits: dict[PatternWord, bool] = {}
        exact, prefixes = self._exact_words, self._prefix_words
        word = exact.get(token)
        if word is not None:
            hits[word] = False
        for end in range(1, len(token) + 1):
            word = prefixes.get(token[:end])
            if word is not None:
                hits[word] = False
        if len(token) >= MIN_TYPO_LENGTH and not is_pair(token):
            for term in one_typo_away(token, exact, self._by_delete):
                hits.setdefault(exact[term], True)
        return hits

    @staticmethod
    def _phrase_at(
        pattern: tuple[PatternWord, ...],
        hits: list[dict[PatternWord, bool]],
        start: int,
        first_typo: bool,
    ) -> bool:
        """Whether the phrase starting at message word `start` continues in order."""
        if len(pattern) == 1:
            return not first_typo or len(pattern[0].text) >= MIN_LONE_TYPO_LENGTH
        return _continues(pattern, 1, hits, start)


def _continues(
    pattern: tuple[PatternWord, ...], index: int, hits: list[dict[PatternWord, bool]], at: int
) -> bool:
    """Whether pattern[index:] follows message word `at`, each within MAX_GAP words."""
    if index == len(pattern):
        return True
    window = range(at + 1, min(len(hits), at + 2 + MAX_GAP))
    return any(
        pattern[index] in hits[i] and _continues(pattern, index + 1, hits, i) for i in window
    )


def _units_follow(wanted: tuple[str, ...], index: int, units: list[str], at: int) -> bool:
    """Whether wanted[index:] follows units[at], each within MAX_CHARACTER_GAP characters."""
    if index == len(wanted):
        return True
    window = range(at + 1, min(len(units), at + 2 + MAX_CHARACTER_GAP))
    return any(
        units[i] == wanted[index] and _units_follow(wanted, index + 1, units, i) for i in window
    )
