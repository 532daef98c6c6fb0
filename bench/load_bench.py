"""Benchmark content loading with the compiled cache: cold load, cached load, cache size, memory.

On a content folder generated as bench/search_bench.py generates it (``--resources`` listings
in ten regions, every content language), each measure runs in a fresh Python process, as the
bot's start does:

- cold: ``load_through_cache`` with an empty cache folder (read, validate, index), then
  writing the cache as the compiler process does (bot/cache_compiler.py; timed on its own);
- cached: ``load_through_cache`` again, now a hit (key, HMAC check and unpickling);
- the cache file's size, and each process's peak RSS (VmHWM) after its load (and write).

Cold and cached each run ``--runs`` times (median and best). It prints a Markdown table, or
with ``--json`` one JSON object. It reports and does not judge: the exit status is 0 whether
or not the aims (cached ≤ 0.5 s, cold ≤ 3 s) are met.

Run from the repository root:

    .venv/bin/python bench/load_bench.py
    .venv/bin/python bench/load_bench.py --resources 2000 --runs 2 --json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's bot

from search_bench import generate_content, machine

SECRET = b"load-bench secret, not a real one"
CACHED_AIM_S = 0.5
COLD_AIM_S = 3.0


def peak_rss_kib() -> int:
    """This process's peak RSS in KiB (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def child(root: Path, data_dir: Path) -> dict[str, object]:
    """One load through the cache in this (fresh) process; a miss also writes the cache."""
    from bot.content_cache import ContentCache, load_through_cache
    from bot.live import frozen_when_loaded

    cache = ContentCache.in_data_dir(data_dir, SECRET)
    started = time.perf_counter()
    with frozen_when_loaded():
        loaded = load_through_cache(root, cache)
    load_s = time.perf_counter() - started
    if loaded.catalog is None:
        raise SystemExit(f"the content does not load: {loaded.result.problems.errors[:3]}")
    write_s = None
    if loaded.fresh is not None:
        started = time.perf_counter()
        cache.write(loaded.key, loaded.fresh)  # as bot/cache_compiler.py does
        write_s = time.perf_counter() - started
    return {
        "hit": loaded.hit,
        "load_s": load_s,
        "write_s": write_s,
        "problems": len(loaded.result.problems.items),
        "listings": len(loaded.catalog.content.resources),
        "peak_rss_kib": peak_rss_kib(),
    }


def run_child(root: Path, data_dir: Path) -> dict[str, object]:
    """`child` in a fresh interpreter, as `python -m bot run` starts."""
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(root), str(data_dir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return result


def measure(resources: int, runs: int, seed: int) -> dict[str, object]:
    """Cold then cached loads of a generated folder, each in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="waypoint-load-bench-") as tmp:
        root = generate_content(Path(tmp) / "content", resources, seed).root
        cold, cached = [], []
        for run in range(runs):
            data_dir = Path(tmp) / f"data-{run}"
            data_dir.mkdir(mode=0o700)
            cold.append(run_child(root, data_dir))
            cached.append(run_child(root, data_dir))
            cache_bytes = (data_dir / "cache" / "catalog.bin").stat().st_size
    if not all(c["hit"] for c in cached) or any(c["hit"] for c in cold):
        raise SystemExit("the cache did not hit after a cold load (or hit before one)")

    def seconds(results: list[dict[str, object]], name: str) -> list[float]:
        return [float(r[name]) for r in results]  # type: ignore[arg-type]

    return {
        "resources": resources,
        "runs": runs,
        "cold_load_s": statistics.median(seconds(cold, "load_s")),
        "cold_load_best_s": min(seconds(cold, "load_s")),
        "cache_write_s": statistics.median(seconds(cold, "write_s")),
        "load_s": statistics.median(seconds(cached, "load_s")),
        "cached_load_best_s": min(seconds(cached, "load_s")),
        "cache_mib": cache_bytes / 2**20,
        "cold_peak_rss_mib": statistics.median(seconds(cold, "peak_rss_kib")) / 1024,
        "cached_peak_rss_mib": statistics.median(seconds(cached, "peak_rss_kib")) / 1024,
        "problems": cold[0]["problems"],
        "same_problems_cached": all(c["problems"] == cold[0]["problems"] for c in cached),
        "load_average": os.getloadavg()[0],
        "machine": machine(),
    }


def table(m: dict[str, object]) -> str:
    """The results as a Markdown table."""
    cold = f"{m['cold_load_s']:.2f} / {m['cold_load_best_s']:.2f} s"
    cached = f"{m['load_s']:.3f} / {m['cached_load_best_s']:.3f} s"
    rss = f"{m['cold_peak_rss_mib']:.0f} / {m['cached_peak_rss_mib']:.0f} MiB"
    rows = [
        ("listings / runs", f"{m['resources']:,} / {m['runs']}", "—"),
        ("cold load (from the files), median / best", cold, f"≤ {COLD_AIM_S:g} s"),
        ("writing the cache, median", f"{m['cache_write_s']:.2f} s", "—"),
        ("cached load, median / best", cached, f"≤ {CACHED_AIM_S:g} s"),
        ("cache file", f"{m['cache_mib']:.1f} MiB", "—"),
        ("peak RSS, cold load and write / cached load", rss, "—"),
        (
            "problems reported, cold (the same when cached)",
            f"{m['problems']} ({m['same_problems_cached']})",
            "—",
        ),
    ]
    lines = ["| measure | value | aim |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main() -> int:
    """Measure; print a table or one JSON object; exit 0 whether or not the aims are met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child", nargs=2, metavar=("CONTENT", "DATA_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]))))
        return 0
    results = measure(args.resources, args.runs, args.seed)
    if args.json:
        print(json.dumps(results))
    else:
        print(table(results))
        print()
        print(f"Machine: {results['machine']}, load average {results['load_average']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
