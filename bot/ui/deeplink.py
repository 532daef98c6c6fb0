"""Deep-link payloads (`t.me/<bot>?start=<payload>`): what outreach links can preset.

A payload is outside input: at most 64 characters of A-Za-z0-9_-, made of `key-value` parts
joined by `__` in any order, each key at most once: `l` language, `a` area, one topic (`n` need,
`s` section, `p` page or `r` one resource, as inline cards link to) and `c` an outreach
campaign code (only ever counted, per day, never linked to the person). Example:
`l-es__a-oakland__n-food__c-flyer1`. Anything else decodes to None, which behaves like a plain
/start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.models import Section

MAX_LENGTH = 64
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}\Z")
_LOCALE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z]{2,4})?\Z")
_CAMPAIGN = re.compile(r"[a-z0-9][a-z0-9-]{0,15}\Z")
_KEYS = frozenset("lansprc")
_TOPIC_KEYS = frozenset("nspr")


@dataclass(frozen=True)
class DeepLink:
    """What a link presets; every field may be absent."""

    locale: str | None = None
    region_id: str | None = None
    need_id: str | None = None
    section: Section | None = None
    page_id: str | None = None
    campaign: str | None = None
    resource_id: str | None = None


def encode_link(link: DeepLink) -> str:
    """The payload for `link`. Raises ValueError when it is empty, over 64 characters or
    holds an id the grammar cannot carry."""
    parts = [
        f"{key}-{value}"
        for key, value in (
            ("l", link.locale),
            ("a", link.region_id),
            ("n", link.need_id),
            ("s", link.section.value if link.section else None),
            ("p", link.page_id),
            ("r", link.resource_id),
            ("c", link.campaign),
        )
        if value
    ]
    payload = "__".join(parts)
    if len(payload) > MAX_LENGTH or decode_link(payload) != link:
        raise ValueError(f"cannot be a deep link: {link!r}")
    return payload


def decode_link(payload: object) -> DeepLink | None:
    """The presets in a payload, or None when it does not follow the grammar above."""
    if not isinstance(payload, str) or not _PAYLOAD.match(payload):
        return None
    values: dict[str, str] = {}
    for part in payload.split("__"):
        key, dash, value = part.partition("-")
        if not dash or key in values or key not in _KEYS:
            return None
        pattern = {"l": _LOCALE, "c": _CAMPAIGN}.get(key, _ID)
        if not pattern.match(value):
            return None
        values[key] = value
    if len(_TOPIC_KEYS & values.keys()) > 1:
        return None
    section = values.get("s")
    if section is not None and section not in {s.value for s in Section}:
        return None
    return DeepLink(
        locale=values.get("l"),
        region_id=values.get("a"),
        need_id=values.get("n"),
        section=Section(section) if section else None,
        page_id=values.get("p"),
        campaign=values.get("c"),
        resource_id=values.get("r"),
    )
