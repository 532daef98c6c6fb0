"""Folding text for matching: case, accents and apostrophes; words; one-typo comparison."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

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

_SEPARATORS = re.compile(r"[\W_]+")
# An apostrophe inside a word joins its parts: "isn't" is one word "isnt", never "isn" and a
# stray "t" that matches "T visa".
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ`´](?=\w)")


def fold(text: str) -> str:
    """Lower-case, accents removed, apostrophes inside words dropped, anything else but letters
    and digits turned into spaces."""
    folded = _INNER_APOSTROPHE.sub("", text.casefold())
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        # Compatibility forms can decompose into capitals ("ᴬ" is "A"): fold case again.
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _SEPARATORS.sub(" ", folded).strip()


def _weak(word: str) -> bool:
    """A stop word, or a lone Latin letter: too little to find anything by on its own."""
    return word in STOPWORDS or (len(word) == 1 and word.isascii() and word.isalpha())


def words(text: str) -> list[str]:
    """The folded words of a text that carry meaning (stop words and lone letters dropped)."""
    return [w for w in fold(text).split() if not _weak(w)]


def deletes(word: str) -> set[str]:
    """Every form of `word` with one letter left out."""
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


def one_typo_away(
    word: str, terms: frozenset[str] | set[str], by_delete: Mapping[str, Iterable[str]]
) -> set[str]:
    """The terms one edit from `word`, by symmetric deletes (`by_delete` maps each one-letter
    deletion of a term to the terms it came from), verified by edit distance."""
    candidates = set(by_delete.get(word, ()))
    for variant in deletes(word):
        if variant in terms:
            candidates.add(variant)
        candidates.update(by_delete.get(variant, ()))
    return {term for term in candidates if term != word and within_one_edit(word, term)}
