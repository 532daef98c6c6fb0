"""The fast paths of folding and tokenising give exactly what the plain per-character versions
gave (kept here as the oracle), on any text: marks on spaces and separators, underscores,
apostrophes, Thai, Hangul, Chinese and Japanese, and every other script."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from bot.domain import text as text_module
from bot.domain.text import STOPWORDS, fold, tokens, words

_SEPARATORS = re.compile(r"(?:[^\w\u0300-\u036f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0e81-\u0eff]|_)+")
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ`´]+(?=\w)")
_LATIN_EXTRA = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ß": "ss"})


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"


def oracle_fold(text: str) -> str:
    """`fold` as it was before its fast paths (2cc05dd), one character at a time, with marks
    left on a space dropped and apostrophes joined again after marks are dropped."""
    folded = _INNER_APOSTROPHE.sub("", text.casefold())
    if not folded.isascii():
        kept = []
        drop_marks = False
        for ch in unicodedata.normalize("NFKD", folded):
            if unicodedata.combining(ch):
                if drop_marks:
                    continue
            else:
                is_mark = unicodedata.category(ch).startswith("M")
                drop_marks = _is_latin(ch) or not (ch.isalnum() or is_mark)
            kept.append(ch)
        folded = unicodedata.normalize("NFC", "".join(kept)).casefold().translate(_LATIN_EXTRA)
        folded = _INNER_APOSTROPHE.sub("", folded)
    return _without_marks_on_spaces(_SEPARATORS.sub(" ", folded))


def _without_marks_on_spaces(spaced: str) -> str:
    """Marks that, once separators are spaces, sit on a space are dropped (since the fix for
    `"ʹ\u3099\u0e48"`, where a mark turned separator left the next mark on a space)."""
    kept = []
    on_space = False
    for ch in spaced:
        if unicodedata.combining(ch):
            if on_space:
                continue
        else:
            on_space = ch == " "
        kept.append(ch)
    return " ".join("".join(kept).split())


def oracle_without_particle(word: str) -> str:
    """Korean particle stripping as it was: every particle tried, longest first."""
    for particle in sorted(text_module._PARTICLES, key=len, reverse=True):
        if word.endswith(particle) and len(word) - len(particle) >= text_module.MIN_KOREAN_STEM:
            return word[: -len(particle)]
    return word


def oracle_tokens(text: str) -> list[str]:
    """`tokens` as it was (on `fold`, checked on its own above): one word at a time, pairs
    made by index."""
    found: list[str] = []
    for word in fold(text).split():
        if word.isascii():
            found.append(word)
            continue
        for run in text_module._RUNS.finditer(word):
            kind, value = run.lastgroup, run.group()
            if kind in ("cjk", "thai"):
                units = list(value) if kind == "cjk" else text_module._THAI_CLUSTER.findall(value)
                pairs = [units[i] + units[i + 1] for i in range(len(units) - 1)]
                found.extend(pairs if len(units) >= 2 else units)
            elif kind == "hangul":
                found.append(oracle_without_particle(value))
            elif not text_module._JAMO_ONLY.fullmatch(value):
                found.append(value)
    return found


def oracle_words(text: str) -> list[str]:
    """`words` as it was: stop words and lone Latin letters dropped one test at a time."""
    return [
        w
        for w in oracle_tokens(text)
        if not (w in STOPWORDS or (len(w) == 1 and w.isascii() and w.isalpha()))
    ]


# Pieces that exercise every branch: Latin with accents, marks on spaces and separators,
# apostrophes, underscores, Thai with its vowel and tone marks, Hangul and its particles,
# Chinese, kana with voicing marks, compatibility forms, and stop words.
PIECES = st.sampled_from(
    [
        "a",
        "Á",
        "ệ",
        "Đ",
        "ß",
        "ᴬ",
        "ﬁ",
        "²",
        " ",
        "_",
        "__",
        "'",
        "’",
        "ʼ",
        "`",
        "´",
        "\u0300",
        "\u0301",
        "\u0323",
        "\u20d0",
        "\u2028",
        "\u200b",
        "\u00a0",
        "-",
        "ที่",
        "ก",
        "\u0e31",
        "\u0e48",
        "\u0e38",
        "숙소",
        "를",
        "에서는",
        "ㅋㅋ",
        "\u1100",
        "安全",
        "が",
        "\u3099",
        "ʹ",
        "Ω",
        "ж",
        "\u0915\u093c",
        "🙂",
        "the",
        "x",
        "0",
    ]
)
MIXED = st.lists(PIECES | st.text(max_size=3), max_size=12).map("".join)
ANY_TEXT = st.text() | MIXED


@given(ANY_TEXT)
@example("0\u2028\u0300")
@example("x\u200b\u0301y")
@example("\u0301a\u0301")  # a mark before any letter is kept
@example("ก\u0e48 \u0e48a\u0e48")  # a Thai tone mark after a space or a Latin letter goes
@example("isn't_it´s")
@example("ʹ\u3099\u0e48")  # a mark turned separator leaves a tone mark on the space
def test_fold_as_before(text: str) -> None:
    assert fold(text) == oracle_fold(text)


@given(ANY_TEXT)
@example("ʹ\u3099\u0e48")
@example("0'ʼ0")  # two apostrophes, one a letter to \w
@example("0\u0300ʼ0")  # an apostrophe brought next to a letter by a dropped mark
def test_folding_twice_changes_nothing(text: str) -> None:
    # Buttons carry a folded search and refuse one that folds to something else.
    assert fold(fold(text)) == fold(text)


@given(ANY_TEXT)
def test_tokens_as_before(text: str) -> None:
    assert tokens(text) == oracle_tokens(text)


@given(ANY_TEXT)
def test_words_as_before(text: str) -> None:
    assert words(text) == oracle_words(text)


@given(
    st.text(
        alphabet=st.sampled_from("숙소를이가은는에서으로까지부터처럼보다랑과와도만의아"), max_size=8
    )
)
def test_korean_particles_as_before(word: str) -> None:
    assert text_module._without_particle(word) == oracle_without_particle(word)


def test_ideographs_neither_marks_nor_drop_them() -> None:
    # fold lists them as such without looking at each one (see _IDEOGRAPHS).
    for first, last in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF)):
        for code in range(first, last + 1):
            ch = chr(code)
            assert not unicodedata.combining(ch)
            assert not text_module._drops_marks(ch)
