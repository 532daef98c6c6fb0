"""Negotiating Telegram's language_code (an IETF tag from the phone) to a shipped locale."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import available_locales, negotiate

EN_ES = ("en", "es")
WITH_CHINESE = ("en", "es", "zh_Hans")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("es-MX", "es"),
        ("es", "es"),
        ("ES", "es"),
        ("es-mx", "es"),
        ("en-US", "en"),
        ("en", "en"),
        ("en-GB", "en"),
        ("EN_us", "en"),
        ("es_419", "es"),
        ("es-419", "es"),
        ("es-Latn-MX", "es"),
        ("pt-BR", None),
        ("fr", None),
        ("zh-hans", None),
    ],
)
def test_negotiate_en_es(code: str, expected: str | None):
    assert negotiate(code, EN_ES) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh-hans", "zh_Hans"),
        ("zh-Hans-CN", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh_hans", "zh_Hans"),
        ("zh-hant", None),
        ("zh-TW", None),
        ("es-MX", "es"),
    ],
)
def test_negotiate_with_script(code: str, expected: str | None):
    assert negotiate(code, WITH_CHINESE) == expected


@pytest.mark.parametrize(
    "code",
    [None, "", "-", "_", "x", "a" * 40, "es-" + "x" * 40, " es", "es ", "es\n", "en-", "-en"],
)
def test_malformed_codes_give_none(code: str | None):
    assert negotiate(code, WITH_CHINESE) is None


def test_nothing_available():
    assert negotiate("es-MX", ()) is None


def test_shipped_locales_negotiate_to_themselves():
    shipped = available_locales()
    assert "en" in shipped
    for locale in shipped:
        assert negotiate(locale.replace("_", "-"), shipped) == locale


@pytest.mark.parametrize("code", ["no", "NO", "no-NO"])
def test_norwegian_phones_do_not_break_negotiation(code: str) -> None:
    # CLDR's likely subtags expand "no" to a locale Babel has no data for.
    assert negotiate(code, WITH_CHINESE) is None


@settings(max_examples=300)
@given(st.text(max_size=50))
def test_never_raises_on_any_text(code: str):
    result = negotiate(code, WITH_CHINESE)
    assert result is None or result in WITH_CHINESE


@settings(max_examples=300)
@given(st.from_regex(r"[A-Za-z]{1,8}([-_][A-Za-z0-9]{1,8}){0,4}", fullmatch=True))
def test_never_raises_on_tag_shaped_text(code: str):
    result = negotiate(code, WITH_CHINESE)
    assert result is None or result in WITH_CHINESE
    assert negotiate(code, EN_ES) in (None, *EN_ES)
