"""The judged query set (tests/search_judgements.yaml) and how search scores on it.

Shared by the test that holds the line (tests/test_search_judgements.py) and the report in
docs/search.md (`python bench/search_quality.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.domain.catalog import Catalog
from bot.i18n import translator
from bot.ui import screens
from bot.ui.actions import ShowSearch, search_key
from bot.ui.screens import View
from bot.ui.state import UserState

JUDGEMENTS = Path(__file__).resolve().parent / "search_judgements.yaml"
URGENT_PAGE = "page:urgent"
LOCALES = ("en", "es", "fil", "ko", "th", "vi", "zh_Hans", "zh_Hant")


@dataclass(frozen=True)
class Judgement:
    q: str
    lang: str
    urgent: bool
    expect: tuple[str, ...] = ()
    nothing: bool = False
    note: str = ""


@dataclass
class Scores:
    """Counts over the judged set, and the queries that missed, for the report."""

    crisis: int = 0
    crisis_found: int = 0
    flagged: int = 0
    flagged_right: int = 0
    judged: int = 0
    top1: int = 0
    top3: int = 0
    nothing: int = 0
    nothing_right: int = 0
    misses: list[str] = field(default_factory=list)

    def share(self, part: int, whole: int) -> float:
        """part/whole, 1.0 for an empty whole."""
        return part / whole if whole else 1.0


def load_judgements(path: Path = JUDGEMENTS) -> list[Judgement]:
    """Every judged query."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Judgement(
            q=str(item["q"]),
            lang=item["lang"],
            urgent=bool(item["urgent"]),
            expect=tuple(item.get("expect", ())),
            nothing=bool(item.get("nothing", False)),
            note=item.get("note", ""),
        )
        for item in raw
    ]


def offered(catalog: Catalog, query: str, lang: str, now: dt.datetime) -> list[str]:
    """What typing `query` offers in Oakland, as kind:id, in order."""
    view = View(catalog, UserState(lang, "oakland"), translator(lang), now, LOCALES)
    found = screens.answer(view, ShowSearch(search_key(query)))
    return [f"{ref.kind}:{ref.id}" for ref in screens.ordered(view, found)]


def score(catalog: Catalog, judgements: list[Judgement], now: dt.datetime) -> Scores:
    """Urgent recall and precision, top-1 and top-3 accuracy, nothing-found accuracy."""
    scores = Scores()
    for judgement in judgements:
        refs = offered(catalog, judgement.q, judgement.lang, now)
        urgent_first = bool(refs) and refs[0] == URGENT_PAGE
        scores.crisis += judgement.urgent
        scores.crisis_found += judgement.urgent and urgent_first
        scores.flagged += urgent_first
        scores.flagged_right += urgent_first and judgement.urgent
        if urgent_first != judgement.urgent:
            scores.misses.append(f"urgent={judgement.urgent}: {judgement.q!r} -> {refs[:3]}")
        rest = [r for r in refs if r != URGENT_PAGE]
        if judgement.expect:
            scores.judged += 1
            scores.top1 += bool(rest) and rest[0] in judgement.expect
            hit3 = any(r in judgement.expect for r in rest[:3])
            scores.top3 += hit3
            if not hit3:
                scores.misses.append(f"top3: {judgement.q!r} -> {rest[:3]} not {judgement.expect}")
        if judgement.nothing:
            scores.nothing += 1
            scores.nothing_right += not refs
            if refs:
                scores.misses.append(f"nothing: {judgement.q!r} -> {refs[:3]}")
    return scores
