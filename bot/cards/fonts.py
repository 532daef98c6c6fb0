"""Which Noto font prints which language on the cards, where Debian puts it, and which package
provides it: fonts are chosen by the language's script, never by trial."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global

NOTO_CORE = "fonts-noto-core"
NOTO_CJK = "fonts-noto-cjk"
_TRUETYPE = Path("/usr/share/fonts/truetype/noto")
_OPENTYPE = Path("/usr/share/fonts/opentype/noto")


class FontError(Exception):
    """A font the cards need is missing, or a language has no known font: say which."""


@dataclass(frozen=True)
class Face:
    """One font face: a file (a face inside a collection for CJK) and its Debian package."""

    family: str
    directory: Path
    filename: str
    package: str
    collection_index: int = 0


_LATIN = Face("noto-sans", _TRUETYPE, "NotoSans-Regular.ttf", NOTO_CORE)
_THAI = Face("noto-sans-thai", _TRUETYPE, "NotoSansThai-Regular.ttf", NOTO_CORE)
# NotoSansCJK-Regular.ttc holds one face per region (JP, KR, SC, TC, HK, in that order): the
# same character is drawn the way its readers expect, so Chinese, Japanese and Korean each get
# their own face rather than whichever the collection lists first.
_CJK = "NotoSansCJK-Regular.ttc"
_SCRIPT_FACES = {
    "Latn": _LATIN,
    "Cyrl": _LATIN,
    "Grek": _LATIN,
    "Thai": _THAI,
    "Jpan": Face("noto-sans-cjk-jp", _OPENTYPE, _CJK, NOTO_CJK, 0),
    "Kore": Face("noto-sans-cjk-kr", _OPENTYPE, _CJK, NOTO_CJK, 1),
    "Hans": Face("noto-sans-cjk-sc", _OPENTYPE, _CJK, NOTO_CJK, 2),
    "Hant": Face("noto-sans-cjk-tc", _OPENTYPE, _CJK, NOTO_CJK, 3),
}


def script_of(locale: str) -> str:
    """The ISO 15924 script a locale is written in ("zh_Hant" -> "Hant", "th" -> "Thai")."""
    try:
        parsed = Locale.parse(locale)
    except (ValueError, UnknownLocaleError) as error:
        raise FontError(f"{locale}: not a language Babel knows") from error
    if parsed.script:
        return str(parsed.script)
    # CLDR's likely subtags, e.g. "th" -> "th_Thai_TH": the four-letter part is the script.
    likely = str(get_global("likely_subtags").get(parsed.language, ""))
    scripts = [part for part in likely.split("_") if len(part) == 4 and part.istitle()]
    return scripts[0] if scripts else "Latn"


def latin_face() -> Face:
    """The face for links and for Latin letters inside other scripts."""
    return _LATIN


def face_for(locale: str) -> Face:
    """The face that prints `locale`'s script; FontError when none is known."""
    script = script_of(locale)
    if script not in _SCRIPT_FACES:
        raise FontError(f"{locale}: no font is set up for its script ({script})")
    return _SCRIPT_FACES[script]


def font_path(face: Face, font_dir: Path | None) -> Path:
    """Where `face` is: in `font_dir` when given (all files side by side), else where Debian
    installs it. FontError naming the file and the package when it is not there."""
    path = (font_dir or face.directory) / face.filename
    if not path.is_file():
        raise FontError(
            f"font not found: {path}; it comes with the Debian package {face.package}"
            f" (sudo apt-get install {face.package})"
            + (" or copy the file into that folder" if font_dir else "")
        )
    return path
