"""Folding text for matching: case, accents and apostrophes; words; one-typo comparison."""

from __future__ import annotations

import functools
import itertools
import operator
import re
import string
import unicodedata
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType

# Small words dropped from queries and listings (English, Spanish, Filipino, Korean, and Vietnamese
# without its accents: toi, ban, co, khong...); phrases keep them. Vietnamese syllables that
# fold into other words people search for ("dau": where / pain) are left out.
STOPWORDS = frozenset(
    {
        "a",
        "ako",
        "al",
        "an",
        "and",
        "ang",
        "anh",
        "any",
        "are",
        "at",
        "ay",
        "ayuda",
        "ba",
        "ban",
        "bi",
        "busco",
        "by",
        "cac",
        "can",
        "cerca",
        "chi",
        "cho",
        "co",
        "con",
        "cua",
        "dang",
        "de",
        "del",
        "di",
        "din",
        "donde",
        "duoc",
        "el",
        "em",
        "en",
        "es",
        "find",
        "for",
        "from",
        "get",
        "gi",
        "hay",
        "help",
        "i",
        "ikaw",
        "in",
        "is",
        "it",
        "ka",
        "kailangan",
        "kami",
        "kay",
        "khi",
        "khong",
        "ko",
        "la",
        "lang",
        "las",
        "lo",
        "looking",
        "los",
        "may",
        "me",
        "mga",
        "mi",
        "minh",
        "mis",
        "mo",
        "mot",
        "my",
        "na",
        "nao",
        "nay",
        "near",
        "necesito",
        "need",
        "ng",
        "nga",
        "nhung",
        "ni",
        "o",
        "of",
        "on",
        "or",
        "para",
        "please",
        "po",
        "por",
        "que",
        "quiero",
        "rin",
        "roi",
        "sa",
        "se",
        "si",
        "sila",
        "siya",
        "some",
        "su",
        "tayo",
        "the",
        "thi",
        "to",
        "toi",
        "tulong",
        "un",
        "una",
        "unas",
        "unos",
        "va",
        "voi",
        "want",
        "where",
        "with",
        "y",
        "you",
        "your",
        "곳",
        "나",
        "나는",
        "내",
        "내가",
        "수",
        "어디",
        "어디서",
        "어떻게",
        "있는",
        "있어",
        "있어요",
        "저",
        "저는",
        "제",
        "제가",
        "좀",
        "주세요",
        "필요",
        "필요해",
        "필요해요",
        "해주세요",
    }
)

# Not a letter, digit or combining mark: separates words. (Python's \w leaves out marks, which
# would cut Thai words apart at every vowel and tone mark.)
_WORD_MARKS = "\u0300-\u036f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0e81-\u0eff"
_SEPARATOR = rf"[^\w{_WORD_MARKS}]|_"
# An apostrophe inside a word joins its parts: "isn't" is one word "isnt", never "isn" and a
# stray "t" that matches "T visa". A run of them at once: "ʼ" is itself a letter to `\w`.
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ`´]+(?=\w)")
# Letters that do not decompose but people type without their stroke.
_LATIN_EXTRA = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ß": "ss"})
# Runs of one script inside a word: Chinese and Japanese, Thai, Hangul, anything else.
_RUNS = re.compile(
    r"(?P<cjk>[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
    r"|(?P<thai>[\u0e00-\u0e7f]+)"
    r"|(?P<hangul>[\uac00-\ud7af]+)"
    r"|(?P<other>[^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\uac00-\ud7af]+)"
)
# Korean particles stripped from the end of a word (longest first), so 숙소를 finds 숙소.
_PARTICLES = tuple(
    sorted(
        [
            "에서는",
            "으로는",
            "에게서",
            "이랑",
            "한테",
            "에게",
            "에서",
            "으로",
            "까지",
            "부터",
            "처럼",
            "보다",
            "이나",
            "을",
            "를",
            "이",
            "가",
            "은",
            "는",
            "에",
            "로",
            "의",
            "도",
            "만",
            "와",
            "과",
            "랑",
        ],
        key=len,
        reverse=True,
    )
)
_PARTICLES_BY_LAST = MappingProxyType(
    {last: tuple(p for p in _PARTICLES if p[-1] == last) for last in {p[-1] for p in _PARTICLES}}
)
MIN_KOREAN_STEM = 2
_JAMO_ONLY = re.compile(r"[\u1100-\u11ff\u3131-\u318e]+")
# A Thai character with the vowel and tone marks written above or below it: one unit.
_THAI_CLUSTER = re.compile(r"[\u0e00-\u0e7f][\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*")


def _is_mark(ch: str) -> bool:
    # Thai vowel signs are marks of combining class 0: a tone mark may sit on them.
    return unicodedata.category(ch).startswith("M")


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"


def _drops_marks(ch: str) -> bool:
    """Whether combining marks after `ch` (itself not one) are dropped by `fold`: after Latin
    letters, and after what is no letter at all (a space, a line separator), where a mark
    accents nothing and keeping it made folding the folded text give something else."""
    return _is_latin(ch) or not (ch.isalnum() or _is_mark(ch))


def _char_class(chars: Iterable[str]) -> str:
    """A regular-expression character class body matching exactly `chars`, as ranges."""
    codes = sorted(ord(ch) for ch in chars)
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


# The scripts of the content languages (Latin, Thai, Hangul jamo, kana, CJK punctuation) are
# classified here once, so that a text written only in them has its marks dropped by one
# regular expression instead of a loop over its characters. Ideographs are neither marks nor
# drop them (tests/test_fold_fast.py checks it), so they are listed without a scan.
_SCANNED = "".join(
    chr(code)
    for first, last in (
        (0x0000, 0x036F),
        (0x0E00, 0x0E7F),
        (0x1100, 0x11FF),
        (0x1E00, 0x1EFF),
        (0x2000, 0x206F),
        (0x3000, 0x30FF),
    )
    for code in range(first, last + 1)
)
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff"
_MARKS = _char_class(ch for ch in _SCANNED if unicodedata.combining(ch))
_MARK_DROPPERS = _char_class(
    ch for ch in _SCANNED if not unicodedata.combining(ch) and _drops_marks(ch)
)
# A mark kept after a character that then turns out to be a separator accents nothing: it goes
# with the separator, as folding the folded text would drop it after the space (idempotence).
_MARKS_ON_NOTHING = _char_class(
    ch
    for ch in map(chr, range(0x0300, 0x0F00))
    if re.match(f"[{_WORD_MARKS}]", ch) and unicodedata.combining(ch)
)
_SEPARATORS = re.compile(f"(?:(?:{_SEPARATOR})[{_MARKS_ON_NOTHING}]*)+")
_CLASSIFIED = re.compile(f"[{_char_class(_SCANNED)}{_IDEOGRAPHS}]*")
_DROPPED_MARKS = re.compile(f"(?<=[{_MARK_DROPPERS}])[{_MARKS}]+")
# Searched for first: a translation or substitution costs more than finding nothing to do.
_APOSTROPHE = re.compile("['’ʼ`´]")
_LATIN_EXTRA_FOUND = re.compile("[đłøß]")
# ASCII text (most text, once its accents are gone) folds by one table: capitals to small
# letters, anything but a letter or digit to a space (the underscore too, as _SEPARATORS does).
_ASCII_FOLD = str.maketrans(
    {chr(code): chr(code).lower() if chr(code).isalnum() else " " for code in range(128)}
)


# Folding and tokenising are pure functions of the text, and a reload in the bot's process
# sees the same content texts again (every file that did not change): the `content_` forms
# below remember them, which makes such a reload several times cheaper. Only for content: what
# people type goes through the plain forms and is never kept (DESIGN section 6).
TEXT_CACHE_SIZE = 1 << 16


def fold(text: str) -> str:
    """Lower-case; accents removed from Latin letters only (Thai vowels and tone marks, Korean
    and every other script stay whole); apostrophes inside words dropped; anything that is not
    a letter, digit or mark turned into spaces."""
    folded = text.casefold()
    if _APOSTROPHE.search(folded):
        folded = _INNER_APOSTROPHE.sub("", folded)
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        if _CLASSIFIED.fullmatch(decomposed):
            kept = _DROPPED_MARKS.sub("", decomposed)
        else:
            kept = _without_dropped_marks(decomposed)
        # Compatibility forms can decompose into capitals ("ᴬ" is "A"): fold case again.
        folded = unicodedata.normalize("NFC", kept).casefold()
        if _LATIN_EXTRA_FOUND.search(folded):
            folded = folded.translate(_LATIN_EXTRA)
        # A dropped mark can bring an apostrophe between letters ("0\u0300ʼ0"): join them now,
        # or folding the folded text would.
        if _APOSTROPHE.search(folded):
            folded = _INNER_APOSTROPHE.sub("", folded)
    if folded.isascii():
        return " ".join(folded.translate(_ASCII_FOLD).split())
    return _SEPARATORS.sub(" ", folded).strip()


def _without_dropped_marks(decomposed: str) -> str:
    """Combining marks dropped where `_drops_marks` says, one character at a time: for text
    in scripts `_CLASSIFIED` does not cover."""
    kept = []
    drop_marks = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if drop_marks:
                continue
        else:
            drop_marks = _drops_marks(ch)
        kept.append(ch)
    return "".join(kept)


def tokens(text: str) -> list[str]:
    """The folded words of a text, ready to match: Chinese, Japanese and Thai (written without
    spaces) as overlapping pairs of characters; Korean words without their particles."""
    return list(_tokens(text))


def _tokens(text: str) -> tuple[str, ...]:
    folded = fold(text)
    if folded.isascii():
        return tuple(folded.split())
    found: list[str] = []
    for word in folded.split():
        if word.isascii():
            found.append(word)
            continue
        for run in _RUNS.finditer(word):
            kind, value = run.lastgroup, run.group()
            if kind == "cjk":
                found.extend(_pairs(value))
            elif kind == "thai":
                found.extend(_pairs(_THAI_CLUSTER.findall(value)))
            elif kind == "hangul":
                found.append(_without_particle(value))
            elif not _JAMO_ONLY.fullmatch(value):  # ㅋㅋ, ㅠㅠ: laughter and tears, not words
                found.append(value)
    return tuple(found)


_PAIRED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")


def is_pair(token: str) -> bool:
    """Whether a token is a pair of Chinese, Japanese or Thai characters (see `tokens`)."""
    return bool(_PAIRED.match(token))


def paired_units(text: str) -> list[str]:
    """The Chinese, Japanese and Thai characters of a text in order (a Thai consonant with its
    marks as one), everything else left out: what a phrase in those scripts is matched on."""
    return list(_paired_units(text))


def _paired_units(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for run in _RUNS.finditer(fold(text).replace(" ", "")):
        if run.lastgroup == "cjk":
            found.extend(run.group())
        elif run.lastgroup == "thai":
            found.extend(_THAI_CLUSTER.findall(run.group()))
    return tuple(found)


def only_paired(text: str) -> bool:
    """Whether every letter of a text is Chinese, Japanese or Thai."""
    folded = fold(text).replace(" ", "")
    return bool(folded) and all(_PAIRED.match(ch) for ch in folded)


def _pairs(units: Sequence[str]) -> list[str]:
    """Overlapping pairs ("安全套" -> 安全, 全套); a single unit alone."""
    if len(units) < 2:
        return list(units)
    return list(map(operator.add, units, units[1:]))


def _without_particle(word: str) -> str:
    # Only the particles ending in the word's last letter can match: one look-up, not 27 tries.
    for particle in _PARTICLES_BY_LAST.get(word[-1:], ()):
        if word.endswith(particle) and len(word) - len(particle) >= MIN_KOREAN_STEM:
            return word[: -len(particle)]
    return word


# Too little to find anything by on its own: a stop word, or a lone Latin letter.
_WEAK = STOPWORDS | frozenset(string.ascii_letters)


def words(text: str) -> list[str]:
    """The tokens of a text that carry meaning (stop words and lone Latin letters dropped)."""
    return list(_words(text))


def meaningful(found: Iterable[str]) -> list[str]:
    """Of a text's `tokens`, those `words` keeps."""
    return [w for w in found if w not in _WEAK]


def _words(text: str) -> tuple[str, ...]:
    return tuple(meaningful(_tokens(text)))


def deletes(word: str) -> frozenset[str]:
    """Every form of `word` with one letter left out."""
    return frozenset(word[:i] + word[i + 1 :] for i in range(len(word)))


# The same, remembered: for content texts only (see TEXT_CACHE_SIZE).
content_fold = functools.lru_cache(maxsize=TEXT_CACHE_SIZE)(fold)
_content_tokens = functools.lru_cache(maxsize=TEXT_CACHE_SIZE)(_tokens)
_content_paired_units = functools.lru_cache(maxsize=TEXT_CACHE_SIZE)(_paired_units)
_content_words = functools.lru_cache(maxsize=TEXT_CACHE_SIZE)(_words)
content_deletes = functools.lru_cache(maxsize=TEXT_CACHE_SIZE)(deletes)


def content_tokens(text: str) -> list[str]:
    """`tokens` of a content text, remembered."""
    return list(_content_tokens(text))


def content_paired_units(text: str) -> list[str]:
    """`paired_units` of a content text, remembered."""
    return list(_content_paired_units(text))


def content_words(text: str) -> list[str]:
    """`words` of a content text, remembered."""
    return list(_content_words(text))


class LoadWords:
    """`words` of many texts for one load, with each distinct text, and each distinct piece
    between spaces, folded once. Listings repeat phrases, names and need words: 585,000 pieces
    of 44,000 distinct texts at 10,000 listings are 8,200 distinct pieces. Keep it only for the
    load (it holds the content's texts, never what people type)."""

    def __init__(self) -> None:
        # A piece's words depend on what precedes it only through the space before it (a
        # combining mark right after a space is dropped): the first piece of a text has none.
        self._first: dict[str, tuple[str, ...]] = {}
        self._later: dict[str, tuple[str, ...]] = {}
        self._texts = _TextWords(self._first, self._later)

    def words(self, text: str) -> tuple[str, ...]:
        """The same as `words(text)`, found piece by piece."""
        return self._texts[text]

    def all_words(self, texts: Iterable[str]) -> Iterator[str]:
        """The words of each of `texts` in turn, repeats and all (each text looked up in C:
        the index asks for 400,000 texts' words at 10,000 listings)."""
        return itertools.chain.from_iterable(map(self._texts.__getitem__, texts))

    def forget(self) -> None:
        """Drop everything found, one entry at a time: hundreds of thousands of objects freed
        in one go would hold the GIL for 10-20 ms, and a reload indexes in a thread beside the
        bot's event loop (see "Live reloads" in docs/performance.md)."""
        for found in (self._texts, self._first, self._later):
            while found:
                found.popitem()


class _TextWords(dict[str, tuple[str, ...]]):
    """The words of each text asked for, found from its pieces' when first asked (it refers
    to the pieces' tables, never to its `LoadWords`: no reference cycle to keep it alive)."""

    def __init__(self, first: dict[str, tuple[str, ...]], later: dict[str, tuple[str, ...]]):
        super().__init__()
        self._first = first
        self._later = later

    def __missing__(self, text: str) -> tuple[str, ...]:
        found = self[text] = self._from_pieces(text)
        return found

    def _from_pieces(self, text: str) -> tuple[str, ...]:
        pieces = text.split()
        if not pieces:
            return ()
        later = self._later
        found: list[str] = []
        if not text[0].isspace():
            first = pieces.pop(0)
            words_ = self._first.get(first)
            if words_ is None:
                words_ = self._first[first] = _words(first)
            found.extend(words_)
        for piece in pieces:
            words_ = later.get(piece)
            if words_ is None:
                words_ = later[piece] = _words(" " + piece)
            found.extend(words_)
        return tuple(found)


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
    word: str, terms: Container[str], by_delete: Mapping[str, Iterable[str]]
) -> set[str]:
    """The terms one edit from `word`, by symmetric deletes (`by_delete` maps each one-letter
    deletion of a term to the terms it came from), verified by edit distance."""
    candidates = set(by_delete.get(word, ()))
    for variant in deletes(word):
        if variant in terms:
            candidates.add(variant)
        candidates.update(by_delete.get(variant, ()))
    return {term for term in candidates if term != word and within_one_edit(word, term)}
