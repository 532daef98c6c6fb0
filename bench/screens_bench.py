"""How long a need list takes to draw at 1,000 listings per region.

Generates the same fictional content as `search_bench.py` (10 regions of `--resources / 10`
listings), loads it, then draws need lists (random region, need, locale, page and filters) at
a clock that moves on by 0-10 seconds between requests: a quiet bot, where most lists are the
first of their kind in their minute. Prints the median, p99 and mean in microseconds over all
draws, and over the draws after the first of each region and language (which puts that region's
lists in their lasting order, once per catalogue), or one JSON object with `--json`. Reports;
never fails on a missed aim.

    .venv/bin/python bench/screens_bench.py
    .venv/bin/python bench/screens_bench.py --resources 2000 --draws 2000 --json

Then draws as many resource cards (random listing and locale), the other screen that costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path.cwd()))

from search_bench import generate_content, load_clean

from bot.i18n import available_locales
from bot.ui.actions import Filter, ShowNeed, ShowResource
from bot.ui.conversation import Conversation
from bot.ui.screens import need_list, resource_card
from bot.ui.state import UserState

START = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
FILTERS = (Filter.NONE, Filter.NONE, Filter.NONE, Filter.OPEN_NOW, Filter.NO_ID)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=10_000, help="resources to generate")
    parser.add_argument("--draws", type=int, default=5_000, help="need lists to draw")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args()


def time_need_lists(
    conversation: Conversation, draws: int, seed: int, start: dt.datetime, seen: set[object]
) -> tuple[list[tuple[float, bool]], dt.datetime]:
    """Microseconds per need list, drawn at a clock moving 0-10 s per request from `start`,
    each marked whether it was the first list of its region and language (`seen` holds those
    drawn before); and where the clock stopped."""
    rng = random.Random(seed)
    content = conversation.catalog.content
    regions = sorted(content.regions)
    needs = sorted(content.needs)
    locales = available_locales()
    now = start
    timings = []
    for _ in range(draws):
        now += dt.timedelta(seconds=rng.uniform(0, 10))
        state = UserState(rng.choice(locales), rng.choice(regions))
        view = conversation.view(state, now)
        action = ShowNeed(rng.choice(needs), rng.choice(FILTERS), rng.choice((0, 0, 0, 1)))
        first = (state.locale, state.region_id) not in seen
        seen.add((state.locale, state.region_id))
        began = time.perf_counter_ns()
        need_list(view, action)
        timings.append(((time.perf_counter_ns() - began) / 1000, first))
    return timings, now


def time_cards(conversation: Conversation, draws: int, seed: int, now: dt.datetime) -> list[float]:
    """Microseconds per resource card (random listing and locale)."""
    rng = random.Random(seed)
    content = conversation.catalog.content
    resources = sorted(content.resources.values(), key=lambda r: r.id)
    locales = available_locales()
    timings = []
    for _ in range(draws):
        now += dt.timedelta(seconds=rng.uniform(0, 10))
        resource = rng.choice(resources)
        view = conversation.view(UserState(rng.choice(locales), resource.region_id), now)
        began = time.perf_counter_ns()
        resource_card(view, ShowResource(resource.id, ShowNeed(resource.needs[0])))
        timings.append((time.perf_counter_ns() - began) / 1000)
    return timings


def summary(name: str, timings: list[float]) -> dict[str, float]:
    """Median, p99 and mean of some timings, named."""
    ordered = sorted(timings)
    return {
        f"{name}_median_us": round(statistics.median(ordered), 1),
        f"{name}_p99_us": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 1),
        f"{name}_mean_us": round(statistics.fmean(ordered), 1),
    }


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory() as folder:
        generated = generate_content(Path(folder) / "content", args.resources, args.seed)
        catalog, _result = load_clean(generated.root)
    conversation = Conversation(catalog, available_locales())
    # As the bot does after a load (bot/live.py): the catalogue out of the collector's sight,
    # so a full collection over it does not land in one of the timed draws.
    gc.collect()
    gc.freeze()
    # Warm up translations and formats (a few region/language pairs only); the timed draws go
    # on from where the clock stopped.
    seen: set[object] = set()
    _warm, now = time_need_lists(conversation, 20, args.seed + 1, START, seen)
    timings, end = time_need_lists(conversation, args.draws, args.seed, now, seen)
    time_cards(conversation, 50, args.seed + 2, end)  # warm up
    cards = time_cards(conversation, args.draws, args.seed + 3, end)
    results: dict[str, float] = {
        "resources": args.resources,
        "per_region": args.resources // 10,
        "draws": args.draws,
        "first_of_region_and_language": sum(first for _t, first in timings),
    }
    results.update(summary("need_list", [t for t, _first in timings]))
    results.update(summary("need_list_later", [t for t, first in timings if not first]))
    results.update(summary("resource_card", cards))
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:30} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
