"""Count the instructions Waypoint and the fair echo bot run per update: a measure that does not
drift with the machine.

On a shared VM the speed of the CPU drifts by 10-15% over minutes, more than most changes
move the wall-clock ratio (docs/performance.md, "Sixth pass"). Instruction counts do not drift:
each bot answers the same recorded walk (bench/telegram_mix.py) in a fresh process under
valgrind's callgrind, with counting switched on (``callgrind_control -i on``) only around
``--updates`` updates that follow ``--warm-up`` others, and the counts agree from run to run
within about 0.02% (``PYTHONHASHSEED=0``, in the recording process too, so that every run
records the same walk). They say nothing of cache misses or waiting, so they judge a change's
work, and the wall-clock benchmark (bench/telegram_bench.py) still gives the ratio.

Each counted process reads the catalogue from the compiled cache, as a bot in service does
(written once by the first). Needs valgrind (Debian's ``valgrind``). Run from the repository
root; about a minute, on the sample content or with ``--resources 10000``:

    .venv/bin/python bench/instructions.py
    .venv/bin/python bench/instructions.py --resources 10000 --json
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.*

from search_bench import generate_content, machine
from telegram_bench import CLOCK, SEED, Bot, Round, echo_bot, feed, typical_keyboard, walked
from telegram_mix import stream

from bot.content_cache import ContentCache, load_through_cache
from bot.domain.catalog import Catalog
from bot.live import frozen_when_loaded
from tests.app_harness import running_bot

ROOT = Path(__file__).resolve().parent.parent
SECRET = b"instructions bench secret, not a real one"
BOTS = ("waypoint", "echo")
_COLLECTED = re.compile(r"Collected : (\d+)")


@dataclass(frozen=True)
class Job:
    """What a counted process needs: the content, its compiled cache's folder, the recorded
    walk, and how many updates to answer before and while counting."""

    content: Path
    data_dir: Path
    walk_file: Path
    updates: int
    warm_up: int


def load(content: Path, data_dir: Path) -> Catalog:
    """The catalogue through the compiled cache (written on a miss), out of the collector's
    sight as the bot keeps it."""
    cache = ContentCache.in_data_dir(data_dir, SECRET)
    with frozen_when_loaded():
        loaded = load_through_cache(content, cache)
    if loaded.catalog is None:
        raise SystemExit(f"{content} does not load: run `python -m bot validate`")
    if loaded.fresh is not None:
        cache.write(loaded.key, loaded.fresh)
    return loaded.catalog


async def record(content: Path, data_dir: Path, walk_file: Path, updates: int) -> None:
    """Walk the bot's screens once and keep the updates (and the calls, for the echo bot's
    keyboard)."""
    catalog = load(content, data_dir)
    with tempfile.TemporaryDirectory(prefix="waypoint-instructions-") as tmp:
        walk = await walked(catalog, Path(tmp), updates, 1)
    walk_file.write_bytes(
        pickle.dumps((list(stream(walk.warm_up)), list(stream(walk.rounds[0])), walk.calls))
    )


async def answer(job: Job, which: str) -> None:
    """In the counted process: answer the warm-up, then the counted updates with counting on."""
    warm_up, timed, calls = pickle.loads(job.walk_file.read_bytes())
    catalog = load(job.content, job.data_dir)
    with tempfile.TemporaryDirectory(prefix="waypoint-instructions-") as tmp:
        async with running_bot(catalog, Path(tmp), lambda: CLOCK) as harness:
            bot = Bot(which, harness.application, harness.request)
            if which == "echo":
                bot = await echo_bot(
                    which, typical_keyboard(calls, harness.application.bot), fair=True
                )
            await feed(bot, warm_up[: job.warm_up])
            gc.collect()
            control = ["callgrind_control", "-i"]
            subprocess.run([*control, "on", str(os.getpid())], check=True, capture_output=True)
            await feed(bot, timed[: job.updates], Round({}, 0))
            subprocess.run([*control, "off", str(os.getpid())], check=True, capture_output=True)


def counted(job: Job, which: str) -> int:
    """Instructions `which` ran for the counted updates, in a fresh process under callgrind."""
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--child", which, "--content", str(job.content),
        "--data", str(job.data_dir), "--walk", str(job.walk_file),
        "--updates", str(job.updates), "--warm-up", str(job.warm_up),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"callgrind run of {which} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=0, help="generated listings (0: sample)")
    parser.add_argument("--updates", type=int, default=1000, help="updates counted")
    parser.add_argument("--warm-up", type=int, default=600, help="updates answered first")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child", choices=BOTS, help=argparse.SUPPRESS)
    parser.add_argument("--content", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--walk", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if os.environ.get("PYTHONHASHSEED") != "0":
        # The recorded walk depends on the order of sets and dicts of strings: recorded under
        # another seed, it is another walk.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    if args.child:
        job = Job(args.content, args.data, args.walk, args.updates, args.warm_up)
        asyncio.run(answer(job, args.child))
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="waypoint-instructions-") as scratch:
        content = ROOT / "content"
        if args.resources:
            content = Path(scratch) / "content"
            generate_content(content, args.resources, SEED)
        job = Job(
            content,
            Path(scratch) / "data",
            Path(scratch) / "walk.pickle",
            args.updates,
            args.warm_up,
        )
        # As DATA_DIR is for the bot: the cache is written in it, and each counted process
        # reads the catalogue from the cache as a bot in service does.
        job.data_dir.mkdir(mode=0o700)
        asyncio.run(record(job.content, job.data_dir, job.walk_file, max(args.updates, 1)))
        counts = {which: counted(job, which) for which in BOTS}
    per_update = {which: counts[which] / args.updates for which in BOTS}
    results = {
        "instructions_per_update": round(per_update["waypoint"]),
        "echo_instructions_per_update": round(per_update["echo"]),
        "instruction_ratio": round(per_update["waypoint"] / per_update["echo"], 3),
        "updates": args.updates,
        "warm_up": args.warm_up,
        "listings": args.resources or "sample",
        "machine": machine(),
    }
    if args.json:
        print(json.dumps(results))
        return
    print("| measure | value |\n|---|---|")
    for key, value in results.items():
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
