"""Live content: reload the content folder off the event loop and swap the whole catalog at once.

Loading, validating and indexing run in a worker thread (see docs/performance.md for why a
thread and not a process: the event loop stalls for a few milliseconds at most, while a
process would hand back a catalog that must be unpickled on the loop). When the new content
has errors, the last good catalog stays in service. Either way the caller learns what
happened, as a `ReloadOutcome`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from watchfiles import DefaultFilter, awatch

from bot.content_files import staged_copy
from bot.domain.catalog import Catalog, load_catalog
from bot.domain.changes import ContentChanges, content_changes
from bot.domain.load_context import Coverage, ParsedFiles
from bot.domain.problems import Problem

logger = logging.getLogger(__name__)

# An editor saves with several writes (a temporary file, a rename, a backup); a quiet spell of
# this long ends one save, and changes are never held back longer than DEBOUNCE_MS.
QUIET_MS = 300
DEBOUNCE_MS = 2000


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
    changed for people. `unchanged` when the files were byte for byte those already served."""

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


def fingerprint(root: Path) -> str:
    """A hash of every file's name and bytes under `root` (hidden files left out): equal
    fingerprints mean the loader would read exactly the same content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not _hidden(p, root)):
        digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest()


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


class LiveContent:
    """The catalog in service and how to replace it. One load runs at a time; `publish` is
    called with each new catalog (it must only assign a reference)."""

    def __init__(self, root: Path, catalog: Catalog, publish: Callable[[Catalog], None]) -> None:
        self.root = root
        self.catalog = catalog
        self._publish = publish
        self._parsed = ParsedFiles()
        self._lock = asyncio.Lock()
        # The fingerprint of the files the served catalog was loaded from; unknown (None) until
        # the first reload, so the first change always loads.
        self._served_fingerprint: str | None = None

    async def check_with(self, relative: PurePosixPath, data: bytes) -> Checked:
        """Load and validate the content folder as it would be with `data` as the file
        `relative`, in a temporary copy, without serving it or touching the folder."""
        async with self._lock:
            return await asyncio.to_thread(self._load_with, relative, data)

    def _load_with(self, relative: PurePosixPath, data: bytes) -> Checked:
        with staged_copy(self.root, relative, data) as staging:
            return self._load(staging)

    async def reload(self, *, skip_if_unchanged: bool = False) -> ReloadOutcome:
        """Load the content folder and serve it when it has no errors. With
        `skip_if_unchanged`, files identical to those already served are not loaded again."""
        async with self._lock:
            current = await asyncio.to_thread(fingerprint, self.root)
            if skip_if_unchanged and current == self._served_fingerprint:
                return ReloadOutcome(served=True, unchanged=True)
            checked = await asyncio.to_thread(self._load, self.root)
            if checked.catalog is None:
                logger.warning("Reload refused: %d error(s) in the content", len(checked.errors))
                return ReloadOutcome(served=False, errors=checked.errors)
            old, new = self.catalog, checked.catalog
            changes = await asyncio.to_thread(content_changes, old.content, new.content)
            self.catalog = new
            self._publish(new)
            self._served_fingerprint = current
            logger.info("Reloaded the content (%d listings)", len(new.content.resources))
            return ReloadOutcome(served=True, changes=changes)

    def _load(self, root: Path) -> Checked:
        catalog, result = load_catalog(root, self._parsed, self.catalog)
        coverage = _coverage_by_locale(result.coverage, catalog)
        return Checked(catalog, relative_problems(result.problems.errors, root), coverage)

    async def watch(
        self, stop: asyncio.Event, announce: Callable[[ReloadOutcome], Awaitable[None]]
    ) -> None:
        """Reload after every change under the content folder (one reload per burst of
        writes) until `stop`; `announce` hears of each reload that was not a no-op."""
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


def _coverage_by_locale(coverage: Coverage, catalog: Catalog | None) -> dict[str, float]:
    if catalog is None:
        return {}
    return {locale: coverage.percent(locale) for locale in catalog.content.locales}
