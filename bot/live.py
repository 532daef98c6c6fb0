"""Live content: reload the content folder off the event loop and swap the whole catalog at once.

Loading, validating and indexing run in a worker thread (see docs/performance.md for why a
thread and not a process: the event loop stalls for a few milliseconds at most, while a
process would hand back a catalog that must be unpickled on the loop). When the new content
has errors, the last good catalog stays in service. Either way the caller learns what
happened, as a `ReloadOutcome`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from watchfiles import DefaultFilter, awatch

from bot.cache_compiler import CacheCompiler
from bot.content_cache import (
    CACHE_FOLDER,
    CachedLoad,
    ContentCache,
    load_from_cache,
    load_through_cache,
)
from bot.content_files import fingerprint, staged_copy
from bot.domain.catalog import Catalog, load_catalog
from bot.domain.changes import ContentChanges, content_changes
from bot.domain.load_result import Coverage, LoadResult
from bot.domain.models import Content
from bot.domain.problems import Problem

if TYPE_CHECKING:
    from bot.domain.load_context import ParsedFiles

logger = logging.getLogger(__name__)

# An editor saves with several writes (a temporary file, a rename, a backup); a quiet spell of
# this long ends one save, and changes are never held back longer than DEBOUNCE_MS.
QUIET_MS = 300
DEBOUNCE_MS = 2000
# A retired catalog is freed once the updates that began before the swap are done: checked
# this often, and freed anyway after this long (an update never takes that long).
RELEASE_CHECK_S = 0.2
RELEASE_PATIENCE_S = 120.0
# The cache is compiled once a retired catalog is freed, or after this long in any case.
COMPILE_AFTER_RELEASE_S = 5.0
# Compiles tried before a reload loads the files itself: a `git pull` or an editor's several
# writes may change files while the compiler reads them.
COMPILE_TRIES = 3
LOADING_SWITCH_INTERVAL_S = 0.0005
NORMAL_SWITCH_INTERVAL_S = 0.005  # CPython's default


@dataclass(frozen=True)
class Checked:
    """A content folder loaded and validated: its catalog (None when it has errors), every
    error with file paths relative to the folder, and translation coverage per language."""

    catalog: Catalog | None
    errors: tuple[Problem, ...]
    coverage: dict[str, float]


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload did: whether the new content is served, its errors otherwise, and what
    changed for people. `unchanged` when the files were byte for byte those already served
    (or already refused: then `served` is False and nothing was loaded)."""

    served: bool
    errors: tuple[Problem, ...] = ()
    changes: ContentChanges = field(default_factory=ContentChanges)
    unchanged: bool = False


def relative_problems(problems: list[Problem], root: Path) -> tuple[Problem, ...]:
    """Problems with their files named relative to the content folder, as admins know them."""
    return tuple(replace(p, file=_relative(p.file, root)) for p in problems)


def _relative(file: str, root: Path) -> str:
    try:
        return Path(file).relative_to(root).as_posix() or "."
    except ValueError:
        return file


@contextlib.contextmanager
def yielding_often() -> Iterator[None]:
    """While a worker thread loads or frees a catalog, hand the GIL back to the event loop
    within LOADING_SWITCH_INTERVAL_S of it asking (Python's default is 5 ms, and answering an
    update asks for the GIL several times). Restored to the default afterwards, also when a
    load and a release overlap."""
    sys.setswitchinterval(LOADING_SWITCH_INTERVAL_S)
    try:
        yield
    finally:
        sys.setswitchinterval(NORMAL_SWITCH_INTERVAL_S)


@contextlib.contextmanager
def frozen_when_loaded() -> Iterator[None]:
    """Keep the garbage collector off while loading, then move everything alive (the new
    catalog above all) out of its sight with `gc.freeze` before it runs again.

    Why: a load makes hundreds of thousands of objects. Left to the collector, they soon
    trigger a full collection over the whole heap, which holds the GIL (in whichever thread)
    for half a second with 10,000 listings: every update waits. Frozen objects are still freed
    when nothing refers to them (a catalog has no reference cycles), they are only no longer
    scanned. See docs/performance.md."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with yielding_often():
            yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


class Handover:
    """A catalog on its way from the code that loads it to the code that serves it, which
    takes it once. Why: the functions that start the bot wait, holding what they hold, for as
    long as it runs; one of them holding the first catalog would keep it alive (about 40 MiB
    with 10,000 listings) beside every catalog served after a reload."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog: Catalog | None = catalog

    @property
    def content(self) -> Content:
        """The content of the catalog, not yet taken (to read only, never to keep)."""
        if self._catalog is None:
            raise RuntimeError("the catalog was handed over already")
        return self._catalog.content

    def take(self) -> Catalog:
        """The catalog, which this no longer holds (it can be taken once)."""
        catalog, self._catalog = self._catalog, None
        if catalog is None:
            raise RuntimeError("the catalog was handed over already")
        return catalog


class LiveContent:
    """The catalog in service and how to replace it. One load runs at a time; `publish` is
    called with each new catalog (it must only assign a reference). With a `cache`, reloads
    read it when the files match it, and after serving a load from the files have a fresh one
    compiled in another process (see bot/cache_compiler.py)."""

    def __init__(
        self,
        root: Path,
        catalog: Catalog,
        publish: Callable[[Catalog], None],
        cache: ContentCache | None = None,
    ) -> None:
        self.root = root
        self.catalog = catalog
        self._publish = publish
        self._cache = cache
        self._compiler = None if cache is None else CacheCompiler(root, cache)
        self._compiling: asyncio.Task[None] | None = None
        self._parsed: ParsedFiles | None = None  # see `_parsed_files`
        self._lock = asyncio.Lock()
        # The fingerprint of the files the served catalog was loaded from; unknown (None) until
        # the first reload, so the first change always loads.
        self._served_fingerprint: str | None = None
        # The last refused folder: an editor touching it again is not reported again.
        self._refused_fingerprint: str | None = None
        self._releasing: set[asyncio.Task[None]] = set()

    async def check_with(self, relative: PurePosixPath, data: bytes) -> Checked:
        """Load and validate the content folder as it would be with `data` as the file
        `relative`, in a temporary copy, without serving it or touching the folder."""
        async with self._lock:
            return await asyncio.to_thread(self._load_with, relative, data)

    def _load_with(self, relative: PurePosixPath, data: bytes) -> Checked:
        with staged_copy(self.root, relative, data) as staging:
            if self._cache is not None:
                # Compiled in a cache of the staged copy's own, thrown away with it.
                staged = ContentCache(staging.parent / CACHE_FOLDER, self._cache.mac_key)
                loaded = compiled_first(staging, staged, CacheCompiler(staging, staged))
                if loaded is not None:
                    return _checked(loaded.catalog, loaded.result, staging)
            return self._load(staging)

    async def reload(self, *, skip_if_unchanged: bool = False) -> ReloadOutcome:
        """Load the content folder and serve it when it has no errors. With
        `skip_if_unchanged`, files identical to those already served are not loaded again."""
        async with self._lock:
            current = await asyncio.to_thread(fingerprint, self.root)
            if skip_if_unchanged and current == self._served_fingerprint:
                return ReloadOutcome(served=True, unchanged=True)
            if skip_if_unchanged and current == self._refused_fingerprint:
                return ReloadOutcome(served=False, unchanged=True)
            checked, loaded = await asyncio.to_thread(self._load_live)
            if checked.catalog is None:
                self._refused_fingerprint = current
                logger.warning("Reload refused: %d error(s) in the content", len(checked.errors))
                return ReloadOutcome(served=False, errors=checked.errors)
            new = checked.catalog
            changes = await asyncio.to_thread(_changes_yielding, self.catalog.content, new.content)
            retired = [self.catalog]
            self.catalog = new
            self._publish(new)
            self._served_fingerprint = current
            released = self._release_later(retired)
            logger.info("Reloaded the content (%d listings)", len(new.content.resources))
            if loaded is not None and loaded.fresh is not None:
                self._compile_after(released)
            return ReloadOutcome(served=True, changes=changes)

    def _release_later(self, retired: list[Catalog]) -> asyncio.Task[None]:
        """Free a retired catalog off the loop once no update in hand uses it any more."""
        task = asyncio.create_task(_release(retired))
        self._releasing.add(task)
        task.add_done_callback(self._releasing.discard)
        return task

    def _compile_after(self, released: asyncio.Task[None]) -> None:
        """Have the cache compiled once the retired catalog is freed (or after
        COMPILE_AFTER_RELEASE_S, whichever comes first). Why not at once: the
        compiler takes a CPU, and while a worker thread of ours frees the old catalog a busy
        machine may keep that thread (holding the GIL) waiting for a CPU: the loop with it."""
        compiler = self._compiler
        if compiler is None:
            return

        async def compile_when_released() -> None:
            # An update holding the old catalog for long only delays the release; not this.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(released), COMPILE_AFTER_RELEASE_S)
            await asyncio.to_thread(compiler.start)

        self._compiling = asyncio.create_task(compile_when_released())

    def _parsed_files(self) -> ParsedFiles:
        """The YAML parsed by this process's earlier loads, which makes the next one cheaper.
        Made (and the loader imported) at the first load from the files in this process: with
        a cache the compiler's process loads them, and the bot seldom does."""
        if self._parsed is None:
            from bot.domain.load_context import ParsedFiles

            self._parsed = ParsedFiles()
        return self._parsed

    def _load(self, root: Path) -> Checked:
        parsed = self._parsed_files()
        with frozen_when_loaded():
            catalog, result = load_catalog(root, parsed, self.catalog)
            # The node trees of texts that changed: freed one object at a time, not in one
            # cascade that would keep the event loop waiting.
            dismantle([parsed.take_forgotten()])
        return _checked(catalog, result, root)

    def _load_live(self) -> tuple[Checked, CachedLoad | None]:
        """The content folder loaded, through the cache when there is one (then also how:
        its `fresh` is what to write to the cache once served)."""
        if self._cache is None or self._compiler is None:
            return self._load(self.root), None
        loaded = compiled_first(self.root, self._cache, self._compiler)
        if loaded is None:
            parsed = self._parsed_files()
            with frozen_when_loaded():
                loaded = load_through_cache(self.root, self._cache, parsed, self.catalog)
                dismantle([parsed.take_forgotten()])
        return _checked(loaded.catalog, loaded.result, self.root), loaded

    async def cache_compiled(self) -> int | None:
        """Wait for the cache being compiled after the last reload; the compiler's exit
        status (0: the cache holds the folder), None when none was started."""
        if self._compiler is None:
            return None
        if self._compiling is not None:
            await self._compiling
        return await asyncio.to_thread(self._compiler.wait)

    async def watch(
        self, stop: asyncio.Event, announce: Callable[[ReloadOutcome], Awaitable[None]]
    ) -> None:
        """Reload after every change under the content folder (one reload per burst of
        writes) until `stop`; `announce` hears of each reload that was not a no-op. At the
        end, a cache still being compiled is given a few seconds to finish."""
        try:
            await self._watch(stop, announce)
        finally:
            if self._compiling is not None:
                self._compiling.cancel()
            if self._compiler is not None:
                await asyncio.to_thread(self._compiler.stop)

    async def _watch(
        self, stop: asyncio.Event, announce: Callable[[ReloadOutcome], Awaitable[None]]
    ) -> None:
        async for _changes in awatch(
            self.root,
            stop_event=stop,
            step=QUIET_MS,
            debounce=DEBOUNCE_MS,
            watch_filter=DefaultFilter(),
            recursive=True,
        ):
            try:
                outcome = await self.reload(skip_if_unchanged=True)
                if not outcome.unchanged:
                    await announce(outcome)
            except Exception as error:  # a reload must never stop the watcher
                logger.error("Reload failed: %s", type(error).__name__)


def compiled_first(root: Path, cache: ContentCache, compiler: CacheCompiler) -> CachedLoad | None:
    """The folder `root` (or its errors) read from `cache`, which `compiler` writes first when
    it does not hold the folder as it is: the files are loaded in the compiler's process, never
    in the bot's, which would keep that load's peak memory for good (see
    `CacheCompiler.compile_first`). None when the compiler could not write it, or the files
    kept changing under it."""
    with frozen_when_loaded():
        loaded = load_from_cache(root, cache)
    for _attempt in range(COMPILE_TRIES):
        if loaded is not None:
            break
        # A compile fails when files change while it reads them: then it is tried again.
        if compiler.compile_first():
            with frozen_when_loaded():
                loaded = load_from_cache(root, cache)
    return loaded


def _checked(catalog: Catalog | None, result: LoadResult, root: Path) -> Checked:
    coverage = _coverage_by_locale(result.coverage, catalog)
    return Checked(catalog, relative_problems(result.problems.errors, root), coverage)


async def _release(retired: list[Catalog]) -> None:
    """Wait until `retired` holds the only reference to the old catalog (updates that began
    before the swap still answer from it), then free it piece by piece in a worker thread.

    Why: dropping a catalog frees every object in it in one C call that holds the GIL:
    about 100 ms with 10,000 listings, during which no update is answered. `dismantle`
    frees it in small steps, so the event loop gets the GIL back every few milliseconds."""
    deadline = time.monotonic() + RELEASE_PATIENCE_S
    # References: the list, and getrefcount's own argument.
    while sys.getrefcount(retired[0]) > 2 and time.monotonic() < deadline:
        await asyncio.sleep(RELEASE_CHECK_S)
    if sys.getrefcount(retired[0]) > 2:
        # No update takes that long: something keeps the old content, and its memory, alive.
        logger.warning("A replaced catalog is still referred to after %.0f s", RELEASE_PATIENCE_S)
    await asyncio.to_thread(_dismantle_yielding, retired)


def _changes_yielding(old: Content, new: Content) -> ContentChanges:
    # Comparing 10,000 listings takes tens of milliseconds of GIL: hand it back often.
    with yielding_often():
        return content_changes(old, new)


def _dismantle_yielding(retired: list[Catalog]) -> None:
    with yielding_often():
        dismantle(retired)


# What `dismantle` never looks inside, and what it takes apart by iterating; made once, not
# (as `str | int | ...` would be) once per object of a catalog.
_ATOMS = (str, int, float, bool, bytes)
_SEQUENCES = (tuple, frozenset, set)


def dismantle(holder: list[Any]) -> None:
    """Free what `holder` holds one object at a time, depth first, without cascades: every
    object's parts are taken on a stack before it is dropped. Only containers nothing else
    refers to are emptied; anything shared (with the catalog in service, a cache) is only let
    go of, untouched."""
    stack = list(holder)
    holder.clear()
    while stack:
        item = stack.pop()
        # References: `item`, and getrefcount's own argument; more means someone shares it.
        if sys.getrefcount(item) > 2 or isinstance(item, _ATOMS):
            continue
        if isinstance(item, dict):
            while item:
                stack.extend(item.popitem())
        elif isinstance(item, list):
            stack.extend(item)
            item.clear()
        elif isinstance(item, _SEQUENCES):
            stack.extend(item)
        else:
            stack.extend(_attributes(item))
        del item


def _attributes(item: object) -> list[object]:
    """The values an object holds in its __dict__ and its __slots__."""
    values = list(getattr(item, "__dict__", {}).values())
    for cls in type(item).__mro__:
        for name in getattr(cls, "__slots__", ()):
            value = getattr(item, name, None)
            if value is not None:
                values.append(value)
    return values


def _coverage_by_locale(coverage: Coverage, catalog: Catalog | None) -> dict[str, float]:
    if catalog is None:
        return {}
    return {locale: coverage.percent(locale) for locale in catalog.content.locales}
