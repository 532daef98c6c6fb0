"""Benchmark live reloads: how long the event loop stalls while content reloads.

The bot answers every update on one event loop; a reload must never hold it up for more than
20 ms. This runs `LiveContent.reload()` (the code the bot runs on a file change or /reload)
several times while a ticker task on the same loop wakes every millisecond and records how
late each wake-up is: the longest lateness is the longest time any update would have waited.
Each reload follows a real edit (a listing renamed), so each one loads, validates and indexes
the folder, swaps and drops the old catalog, as in service: with the compiled content cache,
the compiler process loads the folder and writes the cache, and the bot reads it (as the bot
does); with ``--no-cache``, the bot's worker thread loads the files itself.

Two contents: the sample content (content/), and a generated one with 10,000 listings
(as bench/search_bench.py generates it). For each it prints the reload wall time and the
99th percentile and longest stall, and the same while idle for as long as a baseline (on a
busy machine the operating system also stalls the loop; the baseline shows how much).

Run from the repository root:

    .venv/bin/python bench/reload_bench.py
    .venv/bin/python bench/reload_bench.py --resources 2000 --reloads 5
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's bot

from search_bench import generate_content, machine

from bot.content_cache import ContentCache
from bot.domain.catalog import Catalog, load_catalog
from bot.live import LiveContent

REPO_CONTENT = Path(__file__).resolve().parent.parent / "content"
TICK_S = 0.001
STALL_AIM_MS = 20.0
SECRET = b"reload-bench secret, not a real one"


@dataclass
class Ticker:
    """Wakes every TICK_S on the event loop and records how late each wake-up was."""

    lateness: list[float] = field(default_factory=list)
    running: bool = True

    async def run(self) -> None:
        while self.running:
            asked = time.perf_counter()
            await asyncio.sleep(TICK_S)
            self.lateness.append(time.perf_counter() - asked - TICK_S)

    def take(self) -> list[float]:
        """The lateness recorded since the last take, in milliseconds, sorted."""
        taken, self.lateness = self.lateness, []
        return sorted(late * 1000 for late in taken)


@dataclass(frozen=True)
class Result:
    """One content's measures, in milliseconds: reload wall times, and the lateness of every
    tick while reloading (and freeing the old catalog) and while idle for as long."""

    name: str
    listings: int
    reload_ms: list[float]
    busy: list[float]
    idle: list[float]


def percentile(ordered: list[float], p: float) -> float:
    """The p-th percentile of sorted values."""
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def edit(root: Path, number: int) -> None:
    """Change one listing's name in the first region file (a real edit to reload)."""
    path = sorted((root / "regions").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    marker = "  - id: "
    at = text.index(marker, text.index("resources:"))
    name_at = text.index("name: ", at) + len("name: ")
    end = text.index("\n", name_at)
    path.write_text(f"{text[:name_at]}Renamed listing {number}{text[end:]}", encoding="utf-8")


async def measure(name: str, root: Path, reloads: int, cache: ContentCache | None) -> Result:
    """Time `reloads` reloads of `root` with the ticker running, then as long idle."""
    catalog, result = load_catalog(root)
    if catalog is None:
        raise SystemExit(f"{name}: the content does not load: {result.problems.errors[:3]}")
    served: list[Catalog] = [catalog]
    live = LiveContent(root, catalog, lambda new: served.__setitem__(0, new), cache)
    # The edit is an admin saving a file: another process, neither the bot's loop nor its GIL
    # (started, and its worker forked, before the measuring begins).
    editor = ProcessPoolExecutor(max_workers=1)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(editor, time.time)
    ticker = Ticker()
    ticking = asyncio.create_task(ticker.run())
    await asyncio.sleep(0.2)
    ticker.take()
    reload_ms = []
    started_all = time.perf_counter()
    for number in range(reloads):
        await loop.run_in_executor(editor, edit, root, number)
        started = time.perf_counter()
        outcome = await live.reload()
        reload_ms.append((time.perf_counter() - started) * 1000)
        assert outcome.served, outcome.errors[:3]
        # The cache is compiled in another process meanwhile: count its time too.
        assert await live.cache_compiled() in (0, None)
        # The old catalog is freed after the swap, in the background: count that too.
        await asyncio.sleep(max(0.5, reload_ms[-1] / 1000))
    busy = ticker.take()
    await asyncio.sleep(time.perf_counter() - started_all)
    idle = ticker.take()
    editor.shutdown()
    ticker.running = False
    await ticking
    return Result(name, len(served[0].content.resources), reload_ms, busy, idle)


def row(result: Result) -> str:
    busy, idle = result.busy, result.idle
    return (
        f"| {result.name} | {statistics.median(result.reload_ms):.0f} ms"
        f" | {percentile(busy, 99):.1f} / {busy[-1]:.1f} ms"
        f" | {percentile(idle, 99):.1f} / {idle[-1]:.1f} ms | < {STALL_AIM_MS:g} ms |"
    )


def bench_cache(folder: Path, cached: bool) -> ContentCache | None:
    """A compiled content cache in `folder` (a data folder of its own), unless not `cached`."""
    if not cached:
        return None
    folder.mkdir(mode=0o700)
    return ContentCache.in_data_dir(folder, SECRET)


async def main_async(resources: int, reloads: int, seed: int, cached: bool) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="waypoint-reload-bench-") as tmp:
        sample = Path(tmp) / "sample"
        shutil.copytree(REPO_CONTENT, sample)
        cache = bench_cache(Path(tmp) / "data-sample", cached)
        results = [await measure("sample content", sample, reloads, cache)]
        print(row(results[0]), flush=True)
        generated = generate_content(Path(tmp) / "generated", resources, seed).root
        cache = bench_cache(Path(tmp) / "data-generated", cached)
        results.append(await measure(f"{resources:,} listings", generated, reloads, cache))
        print(row(results[1]), flush=True)
    return results


def main() -> int:
    """Measure and print a Markdown table; exit 0 whether or not the aim is met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--no-cache", action="store_true", help="reload without writing the compiled cache"
    )
    args = parser.parse_args()
    results = asyncio.run(main_async(args.resources, args.reloads, args.seed, not args.no_cache))
    print()
    print(
        "| content | reload, median | loop stall while reloading, p99 / max"
        " | loop stall idle, p99 / max | aim (max) |"
    )
    print("|---|---|---|---|---|")
    for result in results:
        print(row(result))
    print()
    print(f"Machine: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
