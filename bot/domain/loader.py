"""Loads and validates a content folder into `Content`, collecting every problem on the way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.domain.load_context import LoadContext, ParsedFiles
from bot.domain.load_result import LoadResult
from bot.domain.models import Content, Need
from bot.domain.page_loader import PageLoader
from bot.domain.reader import LOCALE_PATTERN, NodeReader
from bot.domain.region_loader import SHORT_ID_MAX, RegionLoader
from bot.domain.situation_loader import SituationLoader
from bot.domain.stray_files import warn_stray_files
from bot.domain.strict_yaml import MappingNode, Node, ScalarNode


class _ContentLoader(LoadContext):
    """Settings and needs, then the regions and pages, then the missing-translation report."""

    def __init__(self, root: Path, today: dt.date, parsed: ParsedFiles | None = None) -> None:
        super().__init__(root, parsed)
        self.today = today
        # False when needs.yaml stopped at a syntax error (its later needs are unknown).
        self.needs_complete = True

    def _load_settings(self) -> None:
        path = self.root / "settings.yaml"
        if not path.exists():
            self.problems.error(
                str(path), 1, "missing; it names the default locale and the locales"
            )
            return
        reader, node = self.read(path)
        if node is None:
            return
        fields = reader.mapping(node, "settings", ("default_locale", "locales"), ("locales",))
        if fields is None:
            return
        locales = reader.text_list(fields["locales"], "locales") if "locales" in fields else None
        if locales:
            bad = [loc for loc in locales if not LOCALE_PATTERN.match(loc)]
            for loc in bad:
                reader.error(fields["locales"], f"locales: {loc!r} is not a locale code like es")
            self.locales = tuple(loc for loc in locales if loc not in bad) or self.locales
        if "default_locale" in fields:
            default = self.known_locale(reader, fields["default_locale"], "default_locale")
            self.default_locale = default or self.default_locale
        else:
            self.default_locale = self.locales[0]

    def _load_needs(self) -> dict[str, Need]:
        path = self.root / "needs.yaml"
        needs: dict[str, Need] = {}
        # Until needs.yaml is read whole, an id missing from it may be one it lost.
        self.needs_complete = False
        if not path.exists():
            self.problems.error(str(path), 1, "missing; the bot needs a list of needs")
            return needs
        reader, node = self.read(path)
        if node is None:
            return needs
        self.needs_complete = not _has_cut(node)
        top = reader.mapping(node, "needs.yaml", ("needs",), ("needs",))
        self.collect(
            reader, top or {}, "needs", needs, lambda item, at: self._load_need(reader, item, at)
        )
        urgent = [n for n in needs.values() if n.urgent]
        if len(urgent) > 1:
            reader.error(node, "needs: only one need may have `urgent: true`")
        elif not urgent and needs:
            reader.warning(node, "needs: no need has `urgent: true`; urgent words will not work")
        return needs

    def _load_need(self, reader: NodeReader, node: Node, where: str) -> Need | None:
        fields = reader.mapping(
            node, where, ("id", "name", "search_words", "urgent"), ("id", "name")
        )
        if fields is None:
            return None
        need_id = (
            reader.identifier(fields["id"], f"{where}.id", SHORT_ID_MAX) if "id" in fields else None
        )
        name = (
            self.localized(reader, fields["name"], f"{where}.name", self.default_locale)
            if "name" in fields
            else None
        )
        words: dict[str, tuple[str, ...]] = {}
        if "search_words" in fields:
            by_locale = reader.mapping(
                fields["search_words"], f"{where}.search_words", self.locales
            )
            for locale, words_node in (by_locale or {}).items():
                words[locale] = reader.text_list(words_node, f"{where}.search_words.{locale}") or ()
        urgent = reader.flag(fields["urgent"], f"{where}.urgent") if "urgent" in fields else False
        if need_id is None or name is None or urgent is None:
            return None
        return Need(id=need_id, name=name, search_words=words, urgent=urgent)

    def load(self) -> LoadResult:
        """Everything in the folder, or no content and the problems that stop it."""
        if not self.root.is_dir():
            self.problems.error(str(self.root), 1, "no such content folder")
            return LoadResult(None, self.problems, self.coverage)
        self._load_settings()
        needs = self._load_needs()
        region_files = sorted((self.root / "regions").glob("*.yaml"))
        if not region_files:
            self.problems.error(str(self.root / "regions"), 1, "no region files (regions/*.yaml)")
        loaded = RegionLoader(self, self.today).load_regions(
            region_files, needs, self.needs_complete
        )
        pages = PageLoader(self).load_pages()
        situations = SituationLoader(self, needs, pages, self.needs_complete).load()
        warn_stray_files(self.root, self.problems)
        self._warn_missing_translations()
        if self.problems.errors:
            return LoadResult(None, self.problems, self.coverage, loaded.files)
        content = Content(
            default_locale=self.default_locale,
            locales=self.locales,
            needs=needs,
            regions=loaded.regions,
            neighbourhoods=loaded.neighbourhoods,
            resources=loaded.resources,
            pages=pages,
            situations=situations,
        )
        return LoadResult(content, self.problems, self.coverage, loaded.files)

    def _warn_missing_translations(self) -> None:
        for (file, locale), lines in sorted(self.coverage.missing.items()):
            count = self.coverage.missing_count[(file, locale)]
            shown_lines = ", ".join(str(n) for n in lines) + (" ..." if count > len(lines) else "")
            self.problems.warning(
                file,
                lines[0],
                f"translation missing: {count} text(s) have no {locale!r} version"
                f" (lines {shown_lines}); users will see the default language with a note",
            )


def _has_cut(node: Node) -> bool:
    """Whether a syntax error cut the file short (its top two levels show it)."""
    if isinstance(node, ScalarNode):
        return False
    children = [v for _k, v in node.value] if isinstance(node, MappingNode) else node.value
    return node.cut or any(not isinstance(c, ScalarNode) and c.cut for c in children)


def load_content(
    root: Path, today: dt.date | None = None, parsed: ParsedFiles | None = None
) -> LoadResult:
    """Load and validate every file under `root`; the content is None if anything is wrong.
    `today` (default: the current date) is what a verified date may not be later than;
    `parsed` reuses the YAML parsed by earlier loads for files whose text did not change."""
    if parsed is not None:
        parsed.next_load()
    return _ContentLoader(Path(root), today or dt.date.today(), parsed).load()
