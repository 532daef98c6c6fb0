"""An alert's text file (YAML: the text per language) read strictly, with `file:line` errors.

Apart from bot/domain/alerts.py because it reads YAML, which only the alert commands need
(not the running bot, which sends alerts already stored)."""

from __future__ import annotations

import re

from bot.domain.alerts import MAX_TEXT_CHARS
from bot.domain.problems import Problems
from bot.domain.strict_yaml import STR, MappingNode, Node, ScalarNode, node_line, parse_yaml

_LOCALE = re.compile(r"[a-z]{2,3}(_[A-Za-z]{2,4})?\Z")


def read_alert_texts(
    text: str, file: str, locales: tuple[str, ...], problems: Problems
) -> dict[str, str]:
    """The texts of an alert file (`es: "..."` per language); every problem goes to
    `problems` with its line. Languages must be among `locales`."""
    root = parse_yaml(text, file, problems)
    if root is None:
        if not problems.errors:
            problems.error(file, 1, "the file is empty; write one line per language, like: en: ...")
        return {}
    if not isinstance(root, MappingNode):
        problems.error(file, node_line(root), "write one line per language, like: en: ...")
        return {}
    texts: dict[str, str] = {}
    for key, value in root.value:
        locale = _locale(key, file, locales, problems)
        if locale is None:
            continue
        if locale in texts:
            problems.error(file, node_line(key), f"{locale} is given twice; keep one")
            continue
        body = _body(value, file, locale, problems)
        if body is not None:
            texts[locale] = body
    if not texts and not problems.errors:
        problems.error(file, root.line, "no text: write one line per language, like: en: ...")
    return texts


def _locale(key: Node, file: str, locales: tuple[str, ...], problems: Problems) -> str | None:
    if not isinstance(key, ScalarNode) or not _LOCALE.match(key.value):
        problems.error(
            file, node_line(key), "each key must be a language code, such as en or zh_Hant"
        )
        return None
    if key.value not in locales:
        problems.error(
            file,
            key.line,
            f"{key.value} is not a language the bot speaks; use one of {', '.join(locales)}",
        )
        return None
    return key.value


def _body(value: Node, file: str, locale: str, problems: Problems) -> str | None:
    if not isinstance(value, ScalarNode) or value.tag != STR:
        problems.error(
            file, node_line(value), f"{locale}: the text must be plain text (put it in quotes)"
        )
        return None
    body = value.value.strip()
    if not body:
        problems.error(file, value.line, f"{locale}: the text is empty")
        return None
    if len(body) > MAX_TEXT_CHARS:
        problems.error(
            file, value.line, f"{locale}: the text is longer than {MAX_TEXT_CHARS} characters"
        )
        return None
    return body
