"""The loaded content together with its search index: what the bot serves at any moment."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain.geo import Distances
from bot.domain.load_result import LoadResult
from bot.domain.models import Content
from bot.domain.open_now import OpenNowBoard
from bot.domain.search import SearchIndex

if TYPE_CHECKING:
    from bot.domain.load_context import ParsedFiles


@dataclass(frozen=True)
class Catalog:
    content: Content
    index: SearchIndex
    # Open status per region per minute; a cache, filled as screens ask.
    open_now: OpenNowBoard
    # Each neighbourhood's region in order of distance from its centre; filled as lists ask.
    distances: Distances


def build_catalog(content: Content, previous: Catalog | None = None) -> Catalog:
    """Index content for search. Parts of `previous` (the catalog this one replaces) built
    from the very same content are reused: today the situation matcher."""
    situations = None
    if previous is not None and previous.content.situations == content.situations:
        situations = previous.index.situation_matcher
    return catalog_from(content, SearchIndex(content, situations))


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


def catalog_from(content: Content, index: SearchIndex) -> Catalog:
    """The catalog of content and its index compiled earlier (see bot/content_cache.py); its
    open-status board and distances start empty, as a fresh catalog's do."""
    return Catalog(content, index, OpenNowBoard(content), Distances(content))


def load_catalog(
    root: Path,
    parsed: ParsedFiles | None = None,
    previous: Catalog | None = None,
    *,
    today: dt.date | None = None,
) -> tuple[Catalog | None, LoadResult]:
    """Load, validate and index a content folder; the catalog is None when it has errors.
    `parsed` and `previous` make a reload cheaper: the YAML parsed by earlier loads, and the
    catalog in service (see `ParsedFiles` and `build_catalog`). `today` is as for
    `load_content`."""
    # Imported here: the running bot reads its catalog from the compiled cache and loads files
    # itself only when the compiler cannot (bot/live.py), so it seldom needs the loader.
    from bot.domain.loader import load_content

    with _collector_paused():
        result = load_content(root, today, parsed=parsed)
        content = result.content
        catalog = build_catalog(content, previous) if content is not None else None
    return catalog, result
