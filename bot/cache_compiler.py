"""Writes the compiled content cache in a separate process, never in the bot's.

Why a process: pickling 10,000 listings grows the pickler's table of objects already written
to millions of entries, and each time it doubles, one C call holds the GIL for 40-250 ms (no
update is answered meanwhile; the aim is 20 ms), and it adds about 100 MiB to the bot's peak
memory. A load from the files is no better in the bot's process: what it frees is never given
back, so the bot would stay at the load's peak for its whole life (250 MiB instead of 98 with
10,000 listings). A child process started with `python -m bot.cache_compiler CONTENT
CACHE_FOLDER` loads the content folder itself and writes the cache under the key of the files
it read, only when they did not change while it read them; the signing key comes on its
standard input, never on its command line. At a start, a reload or an upload's check that
the cache does not hold, the bot waits for it (`compile_first`, at the bot's own priority) and
then reads the cache: a start with no cache answers about 1.2 s later, and a reload of a small
folder takes a Python process's start more. Only when it could not write the cache (no process
left, files changing under it) does the bot load the files itself; it then has the cache
compiled at a low CPU priority while it answers, waiting for it off the event loop.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

import bot
from bot.content_cache import ContentCache, load_through_cache

logger = logging.getLogger(__name__)

# Niceness added to the child: the bot answering people comes first.
CHILD_NICENESS = 10
# The last argument of a child the bot waits for (a start, a reload, an upload's check): it
# keeps its priority, as at the lowest one a busy machine could keep them waiting for good.
WAITED_FOR = "--waited-for"
# How long stopping waits for a child before ending it (it then leaves no file behind).
STOP_PATIENCE_S = 10.0


class CacheCompiler:
    """Starts the child that writes `cache` for the folder `root`; one at a time."""

    def __init__(self, root: Path, cache: ContentCache) -> None:
        self.root = root
        self.cache = cache
        self._child: subprocess.Popen[bytes] | None = None

    def start(self, *, waited_for: bool = False) -> None:
        """Compile the folder as it is now, ending a compile still running (it is older).
        `waited_for`: the bot waits for it, so it does not step aside (see WAITED_FOR)."""
        self.stop(patience=0.0)
        try:
            command = ["-m", "bot.cache_compiler", str(self.root), str(self.cache.folder)]
            if waited_for:
                command.append(WAITED_FOR)
            self._child = subprocess.Popen(
                [sys.executable, *command],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                env=_same_bot_first(os.environ),
            )
            if self._child.stdin is not None:  # always: asked for above
                with self._child.stdin as given:
                    given.write(self.cache.mac_key.hex().encode() + b"\n")
        except OSError as error:  # no cache this time; the bot works the same
            logger.warning("Content cache not compiled: %s", type(error).__name__)

    def compile_first(self) -> bool:
        """Compile the folder as it is now and wait for it: whether the cache now holds it
        (its catalog or its errors). Starts, reloads and uploads' checks load through this,
        then read the cache: a load from the files leaves a process larger for its whole life
        (with 10,000 listings, 250 MiB instead of 98), as what the load freed is never given
        back."""
        self.start(waited_for=True)
        try:
            return self.wait() == 0
        finally:
            self.stop(patience=0.0)  # ends the child only when the wait was interrupted

    def wait(self) -> int | None:
        """Block until the running child ends; its exit status (None when none ran)."""
        return None if self._child is None else self._child.wait()

    def stop(self, patience: float = STOP_PATIENCE_S) -> None:
        """Let a running child finish within `patience` seconds, else end it."""
        child, self._child = self._child, None
        if child is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=patience)
            return
        child.terminate()  # its handler removes the half-written file
        try:
            child.wait(timeout=STOP_PATIENCE_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _same_bot_first(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for the child, finding this very `bot` package first (its code version
    is part of the key: another copy of the bot would compile for another key)."""
    here = str(Path(bot.__file__).resolve().parent.parent)
    paths = [here, *filter(None, environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**environ, "PYTHONPATH": os.pathsep.join(paths)}


def compile_cache(root: Path, cache: ContentCache) -> bool:
    """Load `root` through `cache` and write it (its catalog, or its errors) when it was not
    there; whether the cache now holds the folder as it was read (False when it changed
    meanwhile)."""
    gc.disable()  # a one-off load of long-lived objects, as the bot's loads
    loaded = load_through_cache(root, cache)
    if loaded.fresh is not None:
        cache.write(loaded.key, loaded.fresh)
        return True
    return loaded.hit


def _step_aside() -> None:
    """Run only when a CPU is otherwise idle (Linux's SCHED_IDLE), else at a lower priority:
    on a small machine the bot answering people must never wait for a CPU because of us."""
    os.nice(CHILD_NICENESS)
    with contextlib.suppress(AttributeError, OSError):  # SCHED_IDLE is Linux only
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _stop_now(_signal: int, _frame: FrameType | None) -> None:
    raise SystemExit(1)  # unwinds through ContentCache.write, which removes its temporary


def main(argv: list[str]) -> int:
    """`python -m bot.cache_compiler CONTENT CACHE_FOLDER [--waited-for]`, the signing key in
    hex on stdin: 0 when the cache holds the folder (its catalog or its errors), 1 when it
    could not (a change meanwhile). With --waited-for it keeps its priority (see WAITED_FOR)."""
    waited_for = argv[2:] == [WAITED_FOR]
    if len(argv) != 2 and not waited_for:
        sys.stderr.write(
            f"usage: python -m bot.cache_compiler CONTENT CACHE_FOLDER [{WAITED_FOR}]\n"
        )
        return 2
    try:
        mac_key = bytes.fromhex(sys.stdin.readline().strip())
    except ValueError:
        sys.stderr.write("bot.cache_compiler: expected the signing key in hex on stdin\n")
        return 2
    signal.signal(signal.SIGTERM, _stop_now)
    if not waited_for:
        _step_aside()
    return 0 if compile_cache(Path(argv[0]), ContentCache(Path(argv[1]), mac_key)) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
