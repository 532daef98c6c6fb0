"""No avoided term (docs/glossary.md) in what the bot writes, in any language: interface
catalogs, need names, pages and sample listings. Search words and situation phrases mirror what
people type and are not checked."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.domain.catalog import Catalog
from bot.i18n import available_locales
from tests.conftest import ROOT

GLOSSARY = ROOT / "docs" / "glossary.md"
SECTION = re.compile(r"^## .*\((?P<code>[a-zA-Z_]+)\)\s*$", re.MULTILINE)


def avoided_terms() -> dict[str, list[str]]:
    """Per locale, the terms of its "Avoided terms" line."""
    text = GLOSSARY.read_text(encoding="utf-8")
    sections = SECTION.split(text)[1:]
    terms: dict[str, list[str]] = {}
    for code, body in zip(sections[::2], sections[1::2], strict=True):
        line = next(line for line in body.splitlines() if line.startswith("Avoided terms: "))
        terms[code] = re.findall(r"`([^`]+)`", line)
    return terms


def written_texts(catalog: Catalog, locale: str) -> list[str]:
    """Everything the bot itself writes in `locale`."""
    content = catalog.content
    texts = [need.name.values.get(locale, "") for need in content.needs.values()]
    for page in content.pages.values():
        if locale in page.texts:
            text = page.texts[locale]
            texts.extend((text.title, text.body))
    for resource in content.resources.values():
        for field in (
            resource.description,
            resource.fees_description,
            resource.eligibility_description,
        ):
            if field is not None:
                texts.append(field.values.get(locale, ""))
    po = ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po"
    if po.exists():
        with po.open("rb") as handle:
            for message in read_po(handle):
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                texts.extend(s for s in strings if s)
    return texts


def test_every_shipped_language_has_a_glossary_section(sample_catalog: Catalog) -> None:
    shipped = set(available_locales()) & set(sample_catalog.content.locales)
    assert shipped <= set(avoided_terms())


@pytest.mark.parametrize("locale", sorted(avoided_terms()))
def test_no_avoided_term_in_what_the_bot_writes(sample_catalog: Catalog, locale: str) -> None:
    terms = avoided_terms()[locale]
    assert terms
    texts = written_texts(sample_catalog, locale)
    for term in terms:
        # Whole words in spaced scripts; anywhere in scripts without spaces.
        pattern = re.compile(
            rf"(?<!\w){re.escape(term)}(?!\w)" if term.isascii() else re.escape(term), re.IGNORECASE
        )
        hits = [text for text in texts if pattern.search(text)]
        assert not hits, (term, hits[:2])
