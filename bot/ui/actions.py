"""What a button does, and the one versioned codec that packs it into callback data (<= 64 bytes).

Callback data comes back from the client, so it is outside input: `decode` accepts exactly what
`encode` produces and returns None for anything else, which the screens show as "out of date".
Each action knows its own code and arguments; adding one means adding one class to `Action`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import IntFlag
from types import MappingProxyType
from typing import ClassVar, Self, get_args, get_type_hints

from bot.domain.models import Section
from bot.domain.text import fold
from bot.domain.upkeep import ReportReason

VERSION = "1"
MAX_BYTES = 64
MAX_PAGE = 99

_ID = r"[a-z0-9][a-z0-9_-]{0,31}"
_SHORT_ID = r"[a-z0-9][a-z0-9_-]{0,19}"
_FLAGS = r"([0-9a-f])"
_PAGE = r"(0|[1-9][0-9]?)"


class Filter(IntFlag):
    """List filters a user can switch on."""

    NONE = 0
    OPEN_NOW = 1
    NO_POLICE = 2
    NO_ID = 4
    COMMUNITY_LED = 8


def search_key(text: str) -> str:
    """Typed text as a search carried in a button: folded, single spaces (search gives the same
    answer for it as for the text)."""
    return " ".join(fold(text).split())


def byte_length(text: str) -> int:
    """The length of `text` in UTF-8 (an ASCII text, told in constant time, is not encoded).
    Raises UnicodeEncodeError for a lone surrogate, as encoding it always did."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def fit_text(text: str, budget: int) -> str:
    """`text` cut at a word boundary (or inside a single long word) to at most `budget` bytes."""
    if byte_length(text) <= budget:
        return text
    kept = ""
    for word in text.split():
        candidate = f"{kept} {word}" if kept else word
        if byte_length(candidate) > budget:
            break
        kept = candidate
    if kept:
        return kept
    return text.encode("utf-8")[:budget].decode("utf-8", "ignore")


class _Simple:
    """An action without arguments: its code is one capital letter."""

    CODE: ClassVar[str]

    def args(self) -> str:
        return ""

    @classmethod
    def parse(cls, args: str) -> Self | None:
        return cls() if args == "" else None


@dataclass(frozen=True)
class ShowMenu(_Simple):
    CODE: ClassVar[str] = "m"


@dataclass(frozen=True)
class ShowNeeds(_Simple):
    CODE: ClassVar[str] = "N"


@dataclass(frozen=True)
class ShowPlaces(_Simple):
    CODE: ClassVar[str] = "H"


@dataclass(frozen=True)
class ChooseLanguage(_Simple):
    CODE: ClassVar[str] = "L"


@dataclass(frozen=True)
class ChooseArea(_Simple):
    CODE: ClassVar[str] = "A"


@dataclass(frozen=True)
class ShowPrivacy(_Simple):
    CODE: ClassVar[str] = "P"


@dataclass(frozen=True)
class ClearChat(_Simple):
    CODE: ClassVar[str] = "C"


@dataclass(frozen=True)
class ChooseDisappearing(_Simple):
    CODE: ClassVar[str] = "D"


@dataclass(frozen=True)
class ShowAlerts(_Simple):
    """The safety alerts for the person's area, and the opt-in."""

    CODE: ClassVar[str] = "B"


@dataclass(frozen=True)
class AlertArea:
    """Turn alerts for one area on or off; `region_id` "-" stops them all."""

    region_id: str
    CODE: ClassVar[str] = "b"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"({_ID}|-)\Z")

    def args(self) -> str:
        return self.region_id

    @classmethod
    def parse(cls, args: str) -> AlertArea | None:
        return cls(args) if cls._PATTERN.match(args) else None


STOP_ALERTS = "-"


@dataclass(frozen=True)
class AdminPress:
    """A button on an admin's screen: a registered admin button name and its argument.

    Anyone can forge callback data, so the handlers act on it only after checking, on the
    server, that the presser is an admin; for anyone else it is an out-of-date button.
    """

    name: str
    argument: str = ""
    CODE: ClassVar[str] = "!"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(
        r"([a-z][a-z0-9_]{0,15})\.([A-Za-z0-9_.-]{0,40})\Z"
    )

    def args(self) -> str:
        return f"{self.name}.{self.argument}"

    @classmethod
    def parse(cls, args: str) -> AdminPress | None:
        match = cls._PATTERN.match(args)
        return cls(match[1], match[2]) if match else None


# Disappearing-message choices a person can make: off, 1 minute, 10 minutes, 1 hour.
DISAPPEAR_CHOICES = (0, 60, 600, 3600)


@dataclass(frozen=True)
class SetDisappearing:
    seconds: int
    CODE: ClassVar[str] = "d"

    def args(self) -> str:
        return str(self.seconds)

    @classmethod
    def parse(cls, args: str) -> SetDisappearing | None:
        allowed = {str(choice): choice for choice in DISAPPEAR_CHOICES}
        return cls(allowed[args]) if args in allowed else None


@dataclass(frozen=True)
class SetProtect:
    on: bool
    CODE: ClassVar[str] = "f"

    def args(self) -> str:
        return "1" if self.on else "0"

    @classmethod
    def parse(cls, args: str) -> SetProtect | None:
        return cls(args == "1") if args in ("0", "1") else None


class _Listing:
    """A list of places a person can filter and page through."""

    filters: Filter
    page: int

    def with_view(self, filters: Filter, page: int) -> Self:
        """The same list with other filters or on another page."""
        return replace(self, filters=filters, page=min(max(page, 0), MAX_PAGE))  # type: ignore[type-var]


@dataclass(frozen=True)
class ShowNeed(_Listing):
    need_id: str
    filters: Filter = Filter.NONE
    page: int = 0
    CODE: ClassVar[str] = "n"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"({_SHORT_ID})\.{_FLAGS}\.{_PAGE}\Z")

    def args(self) -> str:
        return f"{self.need_id}.{int(self.filters):x}.{self.page}"

    @classmethod
    def parse(cls, args: str) -> ShowNeed | None:
        match = cls._PATTERN.match(args)
        if match is None:
            return None
        need_id, flags, page = match.groups()
        return cls(need_id, Filter(int(flags, 16)), int(page))


@dataclass(frozen=True)
class ShowNearby(_Listing):
    """Places nearest a neighbourhood; with `need_id`, only those serving that need."""

    neighbourhood_id: str
    filters: Filter = Filter.NONE
    page: int = 0
    need_id: str = ""
    CODE: ClassVar[str] = "h"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(
        rf"({_SHORT_ID})\.{_FLAGS}\.{_PAGE}(?:\.({_SHORT_ID}))?\Z"
    )

    def args(self) -> str:
        need = f".{self.need_id}" if self.need_id else ""
        return f"{self.neighbourhood_id}.{int(self.filters):x}.{self.page}{need}"

    @classmethod
    def parse(cls, args: str) -> ShowNearby | None:
        match = cls._PATTERN.match(args)
        if match is None:
            return None
        hood, flags, page, need = match.groups()
        return cls(hood, Filter(int(flags, 16)), int(page), need or "")


@dataclass(frozen=True)
class ShowOpenNow(_Listing):
    """Places open now or around the clock, nearest a neighbourhood first when one is known."""

    neighbourhood_id: str = ""
    filters: Filter = Filter.NONE
    page: int = 0
    CODE: ClassVar[str] = "o"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"({_SHORT_ID}|-)\.{_FLAGS}\.{_PAGE}\Z")

    def args(self) -> str:
        return f"{self.neighbourhood_id or '-'}.{int(self.filters):x}.{self.page}"

    @classmethod
    def parse(cls, args: str) -> ShowOpenNow | None:
        match = cls._PATTERN.match(args)
        if match is None:
            return None
        hood, flags, page = match.groups()
        return cls("" if hood == "-" else hood, Filter(int(flags, 16)), int(page))


@dataclass(frozen=True)
class ShowSearch(_Listing):
    """A typed search again, with filters: the (folded) query rides in the button, so the bot
    keeps nothing. A long query is cut at a word boundary to fit."""

    query: str
    filters: Filter = Filter.NONE
    page: int = 0
    CODE: ClassVar[str] = "q"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"{_FLAGS}\.(.+)\Z", re.DOTALL)

    def args(self) -> str:
        return f"{int(self.filters):x}.{self.query}"

    @classmethod
    def parse(cls, args: str) -> ShowSearch | None:
        match = cls._PATTERN.match(args)
        if match is None or search_key(match.group(2)) != match.group(2):
            return None
        return cls(match.group(2), Filter(int(match.group(1), 16)))


ListAction = ShowNeed | ShowNearby | ShowOpenNow | ShowSearch
_LIST_TYPES: dict[str, type[ListAction]] = {
    t.CODE: t for t in (ShowNeed, ShowNearby, ShowOpenNow, ShowSearch)
}


@dataclass(frozen=True)
class ShowResource:
    resource_id: str
    back: ListAction | None = None
    CODE: ClassVar[str] = "r"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"({_ID})\.(?:-|([nhoq])\.(.+))\Z", re.DOTALL)

    def args(self) -> str:
        back = self.back
        if back is None or (isinstance(back, ShowSearch) and not back.query):
            return f"{self.resource_id}.-"
        head = f"{self.resource_id}.{back.CODE}."
        whole = f"{head}{back.args()}"
        if _fits(f"{self.CODE}:{whole}"):  # as nearly always: nothing to cut
            return whole
        if isinstance(back, ShowSearch):
            used = byte_length(f"{VERSION}:{self.CODE}:{head}{int(back.filters):x}.")
            query = fit_text(back.query, MAX_BYTES - used)
            if not query:
                return f"{self.resource_id}.-"
            if query != back.query:  # most queries fit: no copy of the action
                back = replace(back, query=query)
        if isinstance(back, ShowNearby) and not _fits(f"{self.CODE}:{head}{back.args()}"):
            # Long ids: the list near the place, without its need, still leads back.
            back = replace(back, need_id="")
        return f"{head}{back.args()}"

    @classmethod
    def parse(cls, args: str) -> ShowResource | None:
        match = cls._PATTERN.match(args)
        if match is None:
            return None
        resource_id, kind, rest = match.groups()
        if kind is None:
            return cls(resource_id)
        back = _LIST_TYPES[kind].parse(rest)
        return cls(resource_id, back) if back is not None else None


@dataclass(frozen=True)
class ReportWrong:
    """ "Something is wrong here" on a card: the reasons to pick from. It carries the card
    (with its way back to the list), so Back returns to the card as it was."""

    card: ShowResource
    CODE: ClassVar[str] = "w"

    def args(self) -> str:
        return self.card.args()

    @classmethod
    def parse(cls, args: str) -> ReportWrong | None:
        card = ShowResource.parse(args)
        return cls(card) if card is not None else None


@dataclass(frozen=True)
class SendReport:
    """One reason picked for one listing. Nothing about the person rides along."""

    resource_id: str
    reason: ReportReason
    CODE: ClassVar[str] = "x"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"([a-z]{{1,8}})\.({_ID})\Z")

    def args(self) -> str:
        return f"{self.reason.value}.{self.resource_id}"

    @classmethod
    def parse(cls, args: str) -> SendReport | None:
        match = cls._PATTERN.match(args)
        if match is None or match[1] not in {r.value for r in ReportReason}:
            return None
        return cls(match[2], ReportReason(match[1]))


@dataclass(frozen=True)
class ShowUrgent:
    """Urgent help; a known neighbourhood orders the places open now nearest first."""

    neighbourhood_id: str = ""
    CODE: ClassVar[str] = "u"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"({_SHORT_ID})?\Z")

    def args(self) -> str:
        return self.neighbourhood_id

    @classmethod
    def parse(cls, args: str) -> ShowUrgent | None:
        match = cls._PATTERN.match(args)
        return cls(match.group(1) or "") if match else None


@dataclass(frozen=True)
class ShowSection:
    section: Section
    CODE: ClassVar[str] = "s"

    def args(self) -> str:
        return self.section.value

    @classmethod
    def parse(cls, args: str) -> ShowSection | None:
        return cls(Section(args)) if args in {s.value for s in Section} else None


@dataclass(frozen=True)
class ShowPage:
    page_id: str
    CODE: ClassVar[str] = "p"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"{_ID}\Z")

    def args(self) -> str:
        return self.page_id

    @classmethod
    def parse(cls, args: str) -> ShowPage | None:
        return cls(args) if cls._PATTERN.match(args) else None


@dataclass(frozen=True)
class SetLanguage:
    locale: str
    CODE: ClassVar[str] = "l"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"[a-z]{2,3}(?:_[A-Za-z]{2,4})?\Z")

    def args(self) -> str:
        return self.locale

    @classmethod
    def parse(cls, args: str) -> SetLanguage | None:
        return cls(args) if cls._PATTERN.match(args) else None


@dataclass(frozen=True)
class SetArea:
    region_id: str
    CODE: ClassVar[str] = "a"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"{_SHORT_ID}\Z")

    def args(self) -> str:
        return self.region_id

    @classmethod
    def parse(cls, args: str) -> SetArea | None:
        return cls(args) if cls._PATTERN.match(args) else None


@dataclass(frozen=True)
class ShowShare:
    """The link (and QR code) to where the person is: their language and area, and a need, a
    section or a page when one is given (`kind` n, s or p; both empty for none)."""

    kind: str = ""
    topic: str = ""
    CODE: ClassVar[str] = "S"
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"(?:([nsp])\.({_ID}))?\Z")

    def args(self) -> str:
        return f"{self.kind}.{self.topic}" if self.kind else ""

    @classmethod
    def parse(cls, args: str) -> ShowShare | None:
        match = cls._PATTERN.match(args)
        if match is None:
            return None
        kind, topic = match.groups()
        if kind == "s" and topic not in {s.value for s in Section}:
            return None
        return cls(kind or "", topic or "")


@dataclass(frozen=True)
class BadDateStep:
    """A tap in the anonymous bad-date report: `move` is start, kind, area, when, keep (the
    description typed before), send, edit or cancel; kind, area and when carry the `choice`.
    Nothing the person typed ever rides in a button."""

    move: str
    choice: str = ""
    CODE: ClassVar[str] = "R"
    _CHOOSING: ClassVar[frozenset[str]] = frozenset({"kind", "area", "when"})
    _MOVES: ClassVar[frozenset[str]] = frozenset({"start", "keep", "send", "edit", "cancel"})
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"([a-z]{{1,6}})(?:\.({_SHORT_ID}))?\Z")

    def args(self) -> str:
        return f"{self.move}.{self.choice}" if self.choice else self.move

    @classmethod
    def parse(cls, args: str) -> BadDateStep | None:
        match = cls._PATTERN.match(args)
        if match is None:
            return None
        move, choice = match[1], match[2] or ""
        known = move in cls._CHOOSING or move in cls._MOVES
        # A choice exactly where one is wanted: "kind.violent", never "kind" or "send.x".
        if known and bool(choice) == (move in cls._CHOOSING):
            return cls(move, choice)
        return None


Action = (
    ShowMenu
    | ShowNeeds
    | ShowNeed
    | ShowPlaces
    | ShowNearby
    | ShowOpenNow
    | ShowSearch
    | ShowResource
    | ReportWrong
    | SendReport
    | ShowUrgent
    | ShowSection
    | ShowPage
    | ChooseLanguage
    | SetLanguage
    | ChooseArea
    | SetArea
    | ShowPrivacy
    | ClearChat
    | ChooseDisappearing
    | SetDisappearing
    | SetProtect
    | ShowShare
    | AdminPress
    | BadDateStep
    | ShowAlerts
    | AlertArea
)
_SIMPLE_TYPES = (
    ShowMenu,
    ShowNeeds,
    ShowPlaces,
    ChooseLanguage,
    ChooseArea,
    ShowPrivacy,
    ClearChat,
    ChooseDisappearing,
    ShowAlerts,
)
_WITH_ARGS = (
    ShowNeed,
    ShowNearby,
    ShowOpenNow,
    ShowSearch,
    ShowResource,
    ReportWrong,
    SendReport,
    ShowUrgent,
    ShowSection,
    ShowPage,
    SetLanguage,
    SetArea,
    SetDisappearing,
    SetProtect,
    ShowShare,
    AdminPress,
    BadDateStep,
    AlertArea,
)
_BY_CODE: dict[str, type[Action]] = {t.CODE: t for t in (*_SIMPLE_TYPES, *_WITH_ARGS)}


# Looked up by exact type: `isinstance` against the tuple tries each type in turn.
_SIMPLE = frozenset(_SIMPLE_TYPES)


def _fits(body: str) -> bool:
    return byte_length(f"{VERSION}:{body}") <= MAX_BYTES


def encode(action: Action) -> str:
    """Callback data for an action. Raises ValueError if it would not fit in 64 bytes."""
    if type(action) in _SIMPLE:
        data = f"{VERSION}:{action.CODE}"
    else:
        if isinstance(action, ShowSearch):
            budget = MAX_BYTES - len(f"{VERSION}:q:{int(action.filters):x}.")
            query = fit_text(action.query, budget)
            if query != action.query:  # most queries fit: no copy of the action
                action = replace(action, query=query)
        data = f"{VERSION}:{action.CODE}:{action.args()}"
    if byte_length(data) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def _holds_action(hint: object) -> bool:
    return hint in _BY_CODE.values() or any(_holds_action(arg) for arg in get_args(hint))


# Per action type, the fields that may hold another action (a way back), found once from the
# type hints: asked for every button of every screen, so looking through every field each time
# was a tenth of a keyboard's cost.
_NESTED: Mapping[type, tuple[str, ...]] = MappingProxyType(
    {
        kind: tuple(f.name for f in fields(kind) if _holds_action(get_type_hints(kind)[f.name]))
        for kind in _WITH_ARGS
    }
)


def carries_words(action: object) -> bool:
    """Whether an action holds a person's typed words: a search, or a way back to one."""
    if isinstance(action, ShowSearch):
        return True
    # A loop, not `any` over a generator: asked of every button of every keyboard sent, and
    # the generator cost more than the look (most actions hold one other action or none).
    for name in _NESTED.get(type(action), ()):  # noqa: SIM110
        if carries_words(getattr(action, name)):
            return True
    return False


def decode(data: object) -> Action | None:
    """The action packed in callback data, or None when it is not something `encode` makes."""
    if not isinstance(data, str) or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    if version != VERSION:
        return None
    code, sep, args = rest.partition(":")
    kind = _BY_CODE.get(code)
    if kind is None or (sep == "") != (kind in _SIMPLE_TYPES):
        return None
    return kind.parse(args)
