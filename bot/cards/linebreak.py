"""Line breaking that respects each script: Unicode line breaking (UAX #14) for Chinese, Thai
and Latin, whole words for Korean, and never inside a grapheme cluster."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from uniseg.graphemecluster import grapheme_clusters
from uniseg.linebreak import line_break_units

from bot.cards.fonts import script_of

# Thai writes no spaces between words and UAX #14 leaves Thai word breaks to a dictionary; the
# translation marks them with zero-width spaces instead (docs/translating.md). They are break
# opportunities only, never printed.
ZERO_WIDTH_SPACE = "\u200b"

Measure = Callable[[str], float]


def _units(text: str, locale: str) -> list[str]:
    """The pieces a line may end after, each with its trailing space."""
    if script_of(locale) == "Kore":
        # Korean print breaks between words (CSS word-break: keep-all), not between syllables.
        words = text.split(" ")
        return [word + " " for word in words[:-1]] + [words[-1]]
    return list(line_break_units(text))


def _visible(text: str) -> str:
    return text.replace(ZERO_WIDTH_SPACE, "").rstrip()


def _pieces(units: Iterable[str], measure: Measure, width: float) -> Iterable[str]:
    """The units, with any unit wider than a whole line cut between grapheme clusters."""
    for unit in units:
        if measure(_visible(unit)) <= width:
            yield unit
        else:
            yield from grapheme_clusters(unit)


def break_lines(text: str, locale: str, measure: Measure, width: float) -> list[str]:
    """`text` in lines no wider than `width` (as `measure` sees them), broken only where the
    script allows; a single cluster wider than `width` stays whole on its own line."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(_units(text, locale), measure, width):
        if line and measure(_visible(line + piece)) > width:
            lines.append(_visible(line))
            line = piece.lstrip(" ")
        else:
            line += piece
    if _visible(line):
        lines.append(_visible(line))
    return lines
