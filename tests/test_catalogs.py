"""DESIGN section 7: the template matches the code, and shipped locales are complete and exact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, available_locales

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def message_key(msgid: str | tuple[str, ...], context: str | None) -> tuple[str | None, str]:
    return context, msgid[0] if isinstance(msgid, tuple) else msgid


def code_messages() -> set[tuple[str | None, str]]:
    found = set()
    for _file, _line, msgid, _comments, context in extract_from_dir(
        str(ROOT / "bot"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message_key(msgid, context))
    return found


def read_catalog(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def test_template_is_current() -> None:
    template = read_catalog(LOCALES_DIR / "messages.pot")
    in_template = {message_key(m.id, m.context) for m in template if m.id}
    in_code = code_messages()
    assert in_code - in_template == set(), "new strings: run scripts/update-catalogs"
    assert in_template - in_code == set(), "stale strings: run scripts/update-catalogs"


@pytest.mark.parametrize("locale", [loc for loc in available_locales() if loc != "en"])
def test_locale_is_complete_exact_and_not_fuzzy(locale: str) -> None:
    template = read_catalog(LOCALES_DIR / "messages.pot")
    catalog = read_catalog(LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po", locale)
    wanted = {message_key(m.id, m.context) for m in template if m.id}
    present = {message_key(m.id, m.context): m for m in catalog if m.id}
    assert wanted - present.keys() == set(), "run scripts/update-catalogs"
    for key in wanted:
        message = present[key]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        assert not message.fuzzy, key
        assert all(strings), f"untranslated: {key}"
        expected = sorted(PLACEHOLDER.findall(sources[-1]))
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == expected, key
