"""What a button does, and the one versioned codec that packs it into callback data (<= 64 bytes).

Callback data comes back from the client, so it is outside input: `decode` accepts exactly what
`encode` produces and returns None for anything else, which the screens show as "out of date".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntFlag

from bot.domain.models import Section

VERSION = "1"
MAX_BYTES = 64
MAX_PAGE = 99


class Filter(IntFlag):
    """List filters a user can switch on."""

    NONE = 0
    OPEN_NOW = 1
    NO_POLICE = 2
    NO_ID = 4
    COMMUNITY_LED = 8


@dataclass(frozen=True)
class ShowMenu:
    pass


@dataclass(frozen=True)
class ShowNeeds:
    pass


@dataclass(frozen=True)
class ShowNeed:
    need_id: str
    filters: Filter = Filter.NONE
    page: int = 0


@dataclass(frozen=True)
class ShowPlaces:
    pass


@dataclass(frozen=True)
class ShowNearby:
    neighbourhood_id: str
    filters: Filter = Filter.NONE
    page: int = 0


@dataclass(frozen=True)
class ShowResource:
    resource_id: str
    back: ShowNeed | ShowNearby | None = None


@dataclass(frozen=True)
class ShowSection:
    section: Section


@dataclass(frozen=True)
class ShowPage:
    page_id: str


@dataclass(frozen=True)
class ChooseLanguage:
    pass


@dataclass(frozen=True)
class SetLanguage:
    locale: str


@dataclass(frozen=True)
class ChooseArea:
    pass


@dataclass(frozen=True)
class SetArea:
    region_id: str


@dataclass(frozen=True)
class ShowPrivacy:
    pass


Action = (
    ShowMenu
    | ShowNeeds
    | ShowNeed
    | ShowPlaces
    | ShowNearby
    | ShowResource
    | ShowSection
    | ShowPage
    | ChooseLanguage
    | SetLanguage
    | ChooseArea
    | SetArea
    | ShowPrivacy
)

_ID = r"[a-z0-9][a-z0-9_-]{0,31}"
_SHORT_ID = r"[a-z0-9][a-z0-9_-]{0,19}"
_LIST = rf"({_SHORT_ID})\.([0-9a-f])\.(0|[1-9][0-9]?)"
_PATTERNS = {
    "n": re.compile(rf"{_LIST}\Z"),
    "h": re.compile(rf"{_LIST}\Z"),
    "r": re.compile(rf"({_ID})\.(?:-|([nh])\.{_LIST})\Z"),
    "s": re.compile(r"(rights|spectrum|safety|urgent)\Z"),
    "p": re.compile(rf"({_ID})\Z"),
    "l": re.compile(r"([a-z]{2,3}(?:_[A-Za-z]{2,4})?)\Z"),
    "a": re.compile(rf"({_SHORT_ID})\Z"),
}
_SIMPLE: dict[str, Action] = {
    "m": ShowMenu(),
    "N": ShowNeeds(),
    "H": ShowPlaces(),
    "L": ChooseLanguage(),
    "A": ChooseArea(),
    "P": ShowPrivacy(),
}
_SIMPLE_CODES = {type(action): code for code, action in _SIMPLE.items()}


def _list_part(action: ShowNeed | ShowNearby) -> str:
    target = action.need_id if isinstance(action, ShowNeed) else action.neighbourhood_id
    return f"{target}.{int(action.filters):x}.{min(action.page, MAX_PAGE)}"


def encode(action: Action) -> str:
    """Callback data for an action. Raises ValueError if it would not fit in 64 bytes."""
    if type(action) in _SIMPLE_CODES:
        body = _SIMPLE_CODES[type(action)]
    elif isinstance(action, ShowNeed):
        body = f"n:{_list_part(action)}"
    elif isinstance(action, ShowNearby):
        body = f"h:{_list_part(action)}"
    elif isinstance(action, ShowResource):
        if action.back is None:
            back = "-"
        else:
            kind = "n" if isinstance(action.back, ShowNeed) else "h"
            back = f"{kind}.{_list_part(action.back)}"
        body = f"r:{action.resource_id}.{back}"
    elif isinstance(action, ShowSection):
        body = f"s:{action.section.value}"
    elif isinstance(action, ShowPage):
        body = f"p:{action.page_id}"
    elif isinstance(action, SetLanguage):
        body = f"l:{action.locale}"
    elif isinstance(action, SetArea):
        body = f"a:{action.region_id}"
    else:
        raise TypeError(f"not an action: {action!r}")
    data = f"{VERSION}:{body}"
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def _list_action(kind: str, target: str, filters: str, page: str) -> ShowNeed | ShowNearby:
    flags = Filter(int(filters, 16))
    if kind == "n":
        return ShowNeed(target, flags, int(page))
    return ShowNearby(target, flags, int(page))


def decode(data: object) -> Action | None:
    """The action packed in callback data, or None when it is not something `encode` makes."""
    if not isinstance(data, str) or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    if version != VERSION:
        return None
    if rest in _SIMPLE:
        return _SIMPLE[rest]
    code, sep, args = rest.partition(":")
    pattern = _PATTERNS.get(code)
    match = pattern.match(args) if sep and pattern else None
    if match is None:
        return None
    groups = match.groups()
    if code in ("n", "h"):
        return _list_action(code, *groups)
    if code == "r":
        resource_id, kind, target, filters, page = groups
        back = _list_action(kind, target, filters, page) if kind else None
        return ShowResource(resource_id, back)
    if code == "s":
        return ShowSection(Section(groups[0]))
    if code == "p":
        return ShowPage(groups[0])
    if code == "l":
        return SetLanguage(groups[0])
    return SetArea(groups[0])
