"""Pages: one Markdown-like file per page per locale, with a YAML front matter block."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from bot.domain.load_context import LoadContext
from bot.domain.models import Page, PageText, Section
from bot.domain.reader import NodeReader


class PageLoader:
    """Reads pages/<locale>/<id>.md and checks that each page's locales agree."""

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx

    def load_pages(self) -> dict[str, Page]:
        """Every page, by id, from pages/<locale>/<id>.md."""
        folder = self.ctx.root / "pages"
        found: dict[str, dict[str, tuple[Section, int, PageText, str]]] = defaultdict(dict)
        for path in sorted(folder.glob("*/*.md")) if folder.is_dir() else []:
            locale = path.parent.name
            shown = str(path)
            if locale not in self.ctx.locales:
                self.ctx.problems.error(
                    shown,
                    1,
                    f"folder {locale!r} is not a locale in settings.yaml"
                    f" ({', '.join(self.ctx.locales)})",
                )
                continue
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,23}", path.stem):
                self.ctx.problems.error(
                    shown,
                    1,
                    "page file names are ids: at most 24 lower-case letters, digits, - or _",
                )
                continue
            loaded = self._load_page_file(path, shown)
            if loaded is not None:
                found[path.stem][locale] = (*loaded, shown)
        pages: dict[str, Page] = {}
        for page_id, by_locale in found.items():
            if self.ctx.default_locale not in by_locale:
                any_file = next(iter(by_locale.values()))[3]
                self.ctx.problems.error(
                    any_file,
                    1,
                    f"page {page_id!r} has no {self.ctx.default_locale!r} version; add"
                    f" pages/{self.ctx.default_locale}/{page_id}.md",
                )
                continue
            section, order, _text, main_file = by_locale[self.ctx.default_locale]
            for other_section, other_order, _t, other_file in by_locale.values():
                if (other_section, other_order) != (section, order):
                    self.ctx.problems.error(
                        other_file,
                        2,
                        f"section and order must match {main_file} ({section.value}, {order})",
                    )
            for locale in self.ctx.locales:
                if locale in by_locale:
                    continue
                self.ctx.problems.warning(
                    main_file, 1, f"translation missing: no pages/{locale}/{page_id}.md"
                )
            pages[page_id] = Page(
                id=page_id,
                section=section,
                order=order,
                texts={loc: value[2] for loc, value in by_locale.items()},
                default_locale=self.ctx.default_locale,
            )
        if not any(p.section is Section.URGENT for p in pages.values()):
            self.ctx.problems.error(
                str(folder),
                1,
                "no page has section: urgent; the urgent-help card needs one",
            )
        return pages

    def _load_page_file(self, path: Path, shown: str) -> tuple[Section, int, PageText] | None:
        text = self.ctx.read_text(path, shown)
        if text is None:
            return None
        lines = text.splitlines()
        fences = [i for i, line in enumerate(lines) if line.strip() == "---"]
        if len(fences) < 2 or fences[0] != 0:
            self.ctx.problems.error(
                shown, 1, "a page starts with a front matter block between two --- lines"
            )
            return None
        end = fences[1]
        front = "\n" + "\n".join(lines[1:end])
        node = self.ctx.parsed.parse(front, shown, self.ctx.problems)
        if node is None:
            return None
        reader = NodeReader(shown, self.ctx.problems)
        keys = ("title", "section", "order", "sources", "last_reviewed")
        fields = reader.mapping(node, "front matter", (*keys, "search_words"), keys)
        if fields is None or not set(keys) <= fields.keys():
            return None
        search_words: tuple[str, ...] | None = ()
        if "search_words" in fields:
            search_words = reader.text_list(fields["search_words"], "search_words")
        title = reader.text(fields["title"], "title")
        section = reader.choice(fields["section"], "section", Section)
        order = reader.integer(fields["order"], "order")
        sources = reader.text_list(fields["sources"], "sources")
        reviewed = reader.date(fields["last_reviewed"], "last_reviewed")
        body = "\n".join(lines[end + 1 :]).strip()
        if not body:
            self.ctx.problems.error(shown, end + 1, "the page has no text after the front matter")
            return None
        if not sources:
            reader.error(fields["sources"], "sources: list at least one source")
            return None
        if (
            title is None
            or section is None
            or order is None
            or reviewed is None
            or search_words is None
        ):
            return None
        return section, order, PageText(title, body, sources, reviewed, search_words)
