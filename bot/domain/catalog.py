"""The loaded content together with its search index: what the bot serves at any moment."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.domain.load_context import ParsedFiles
from bot.domain.loader import LoadResult, load_content
from bot.domain.models import Content
from bot.domain.search import SearchIndex


@dataclass(frozen=True)
class Catalog:
    content: Content
    index: SearchIndex


def build_catalog(content: Content) -> Catalog:
    """Index content for search."""
    return Catalog(content, SearchIndex(content))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: loading makes only acyclic, long-lived objects, and
    on a large catalogue repeated full collections over them cost a third of the load time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_catalog(
    root: Path, parsed: ParsedFiles | None = None
) -> tuple[Catalog | None, LoadResult]:
    """Load, validate and index a content folder; the catalog is None when it has errors.
    `parsed` reuses the YAML parsed by earlier loads (see `ParsedFiles`)."""
    with _collector_paused():
        result = load_content(root, parsed)
        catalog = build_catalog(result.content) if result.content is not None else None
    return catalog, result
