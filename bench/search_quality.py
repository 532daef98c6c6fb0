"""Scores of search on the judged query set (tests/search_judgements.yaml), for docs/search.md.

Run: python bench/search_quality.py [--misses]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain.catalog import load_catalog  # noqa: E402
from tests.conftest import SUNDAY_MORNING  # noqa: E402
from tests.judged_search import load_judgements, score  # noqa: E402


def main() -> int:
    """Print the scores as a Markdown table (and, with --misses, every query that missed)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every query that missed")
    args = parser.parse_args()
    catalog, result = load_catalog(ROOT / "content")
    if catalog is None:
        print("\n".join(str(p) for p in result.problems.errors), file=sys.stderr)
        return 1
    judgements = load_judgements()
    s = score(catalog, judgements, SUNDAY_MORNING)
    rows = [
        ("queries judged", f"{len(judgements)} ({sum(j.lang == 'en' for j in judgements)} en)"),
        ("urgent recall", f"{s.crisis_found}/{s.crisis} = {s.share(s.crisis_found, s.crisis):.1%}"),
        (
            "urgent precision",
            f"{s.flagged_right}/{s.flagged} = {s.share(s.flagged_right, s.flagged):.1%}",
        ),
        ("top-1 accuracy", f"{s.top1}/{s.judged} = {s.share(s.top1, s.judged):.1%}"),
        ("top-3 accuracy", f"{s.top3}/{s.judged} = {s.share(s.top3, s.judged):.1%}"),
        (
            "nothing offered for nonsense",
            f"{s.nothing_right}/{s.nothing} = {s.share(s.nothing_right, s.nothing):.1%}",
        ),
    ]
    print("| measure | score |\n|---|---|")
    print("\n".join(f"| {name} | {value} |" for name, value in rows))
    if args.misses:
        print("\n".join(s.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
