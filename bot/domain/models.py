"""Typed, validated content: what the bot knows about needs, places, resources and pages."""

from __future__ import annotations

import copyreg
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter
from typing import Any, TypeVar

from bot.domain.hours import OpeningSchedule

Model = TypeVar("Model", bound=type)
Reducer = Callable[[Any], tuple[Any, ...]]

# How the compiled content cache (bot/content_cache.py) pickles each `quickly_unpickled` class.
CACHE_REDUCERS: dict[type, Reducer] = {}


def quickly_unpickled(cls: Model) -> Model:
    """Let the compiled content cache (bot/content_cache.py) write a frozen, slotted dataclass
    as its class followed by its field values, as pickle writes a list's items, and read it back
    with one call to the class's `extend`. The usual state (a list of the values) is remembered
    by the reader until the whole cache is read: at 10,000 listings, 125,000 such lists took
    about 18 MiB, left as holes among the content once freed (peak RSS 162 -> 143 MiB). The
    dataclasses `__setstate__` was also slow: it looks the class's fields up for every object."""
    slots: tuple[str, ...] = vars(cls)["__slots__"]
    restore = object.__setattr__
    values = attrgetter(*slots) if len(slots) > 1 else lambda obj: (getattr(obj, slots[0]),)

    def extend(self: object, state: list[Any]) -> None:
        """Restore every field from the values read back from the cache, in field order."""
        for name, value in zip(slots, state, strict=True):
            restore(self, name, value)

    def reduce(obj: object) -> tuple[Any, ...]:
        return copyreg.__newobj__, (cls,), None, iter(values(obj))  # type: ignore[attr-defined]

    cls.extend = extend  # type: ignore[attr-defined]
    CACHE_REDUCERS[cls] = reduce
    return cls


@quickly_unpickled
@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class LocalizedText:
    """Text a user reads, in one or more locales, with the locale to fall back to.

    A proper name written once (an organisation's name) is the same in every locale.

    Kept as the locales and the texts in the same order, not as a dict per text: the compiled
    content cache shares equal tuples of locales, so at 10,000 listings in eight languages the
    44,500 texts take about 5 MiB less. Compared, shown and built from their values as before.
    """

    locales: tuple[str, ...]
    texts: tuple[str, ...]
    default_locale: str
    same_in_every_locale: bool

    def __init__(
        self, values: Mapping[str, str], default_locale: str, same_in_every_locale: bool = False
    ) -> None:
        """The text with its translation in each locale of `values`, in their order."""
        object.__setattr__(self, "locales", tuple(values))
        object.__setattr__(self, "texts", tuple(values.values()))
        object.__setattr__(self, "default_locale", default_locale)
        object.__setattr__(self, "same_in_every_locale", same_in_every_locale)

    @property
    def values(self) -> Mapping[str, str]:
        """Each locale's translation (a new dict: changing it changes nothing here)."""
        return dict(zip(self.locales, self.texts, strict=True))

    def get(self, locale: str) -> str:
        """The text in `locale`, else in the default locale."""
        locales = self.locales  # at most the eight content languages
        if locale in locales and (text := self.texts[locales.index(locale)]):
            return text
        if self.default_locale in locales:
            return self.texts[locales.index(self.default_locale)]
        raise KeyError(self.default_locale)

    def has(self, locale: str) -> bool:
        """Whether the text exists in `locale` itself (not by fallback)."""
        locales = self.locales
        return self.same_in_every_locale or (
            locale in locales and bool(self.texts[locales.index(locale)])
        )

    def all_values(self) -> tuple[str, ...]:
        """Every translation, for search indexing."""
        return self.texts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LocalizedText):
            return NotImplemented
        return (self.values, self.default_locale, self.same_in_every_locale) == (
            other.values,
            other.default_locale,
            other.same_in_every_locale,
        )

    def __repr__(self) -> str:
        return (
            f"LocalizedText(values={self.values!r}, default_locale={self.default_locale!r},"
            f" same_in_every_locale={self.same_in_every_locale!r})"
        )


class YesNo(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class InfoSharing(StrEnum):
    NEVER = "never"
    WITH_CONSENT = "with_consent"
    WHEN_REQUIRED_BY_LAW = "when_required_by_law"
    ROUTINELY = "routinely"
    UNKNOWN = "unknown"


class MandatoryReporter(StrEnum):
    NONE = "none"
    MINORS_ONLY = "minors_only"
    YES = "yes"
    UNKNOWN = "unknown"


class Fee(StrEnum):
    FREE = "free"
    SLIDING_SCALE = "sliding_scale"
    FEE = "fee"
    INSURANCE = "insurance"
    UNKNOWN = "unknown"


class Appointment(StrEnum):
    WALK_IN = "walk_in"
    APPOINTMENT = "appointment"
    EITHER = "either"
    UNKNOWN = "unknown"


class Community(StrEnum):
    SEX_WORKER_LED = "sex_worker_led"
    PEER_RUN = "peer_run"
    LGBTQIA_AFFIRMING = "lgbtqia_affirming"
    TRANS_LED = "trans_led"


class VerificationMethod(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    EMAIL = "email"
    WEBSITE = "website"
    PARTNER = "partner"


class DistanceUnit(StrEnum):
    KILOMETER = "kilometer"
    MILE = "mile"


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Access:
    """What a service asks of people. Every fact defaults to unknown, never to "no"."""

    requires_id: YesNo = YesNo.UNKNOWN
    requires_police_cooperation: YesNo = YesNo.UNKNOWN
    requires_victim_identification: YesNo = YesNo.UNKNOWN
    requires_leaving_sex_trade: YesNo = YesNo.UNKNOWN
    requires_religious_participation: YesNo = YesNo.UNKNOWN
    requires_treatment: YesNo = YesNo.UNKNOWN
    requires_sobriety: YesNo = YesNo.UNKNOWN
    shares_info_with_police: InfoSharing = InfoSharing.UNKNOWN
    shares_info_with_immigration: InfoSharing = InfoSharing.UNKNOWN
    mandatory_reporter: MandatoryReporter = MandatoryReporter.UNKNOWN
    fee: Fee = Fee.UNKNOWN
    serves_undocumented: YesNo = YesNo.UNKNOWN
    serves_minors: YesNo = YesNo.UNKNOWN
    anonymous_ok: YesNo = YesNo.UNKNOWN
    appointment: Appointment = Appointment.UNKNOWN

    @property
    def involves_police(self) -> bool | None:
        """True if the service may bring in police, False if known not to, None if unknown."""
        if (
            self.requires_police_cooperation is YesNo.YES
            or self.shares_info_with_police is InfoSharing.ROUTINELY
        ):
            return True
        if self.requires_police_cooperation is YesNo.NO and self.shares_info_with_police in (
            InfoSharing.NEVER,
            InfoSharing.WITH_CONSENT,
        ):
            return False
        return None


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class GeoPoint:
    latitude: float
    longitude: float


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Need:
    id: str
    name: LocalizedText
    search_words: Mapping[str, tuple[str, ...]]
    urgent: bool = False


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Neighbourhood:
    id: str
    region_id: str
    name: LocalizedText
    aliases: tuple[str, ...]
    center: GeoPoint


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Region:
    id: str
    name: LocalizedText
    sample: bool
    default_locale: str
    timezone: str
    distance_unit: DistanceUnit
    # Listings not checked for longer than this carry a "not checked recently" note.
    stale_after_days: int = 365
    # Where a law protects people who call for help during an overdose, in the region's words.
    good_samaritan: LocalizedText | None = None
    # ISO 3166 code: the shapes of phone numbers and postal codes the validator expects.
    country: str = "US"


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Address:
    address_1: str
    city: str
    state_province: str
    postal_code: str
    address_2: str = ""


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Location:
    address: Address
    point: GeoPoint


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Phone:
    number: str
    description: LocalizedText | None = None


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Verified:
    date: dt.date
    method: VerificationMethod


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Resource:
    id: str
    region_id: str
    name: LocalizedText
    description: LocalizedText
    needs: tuple[str, ...]
    neighbourhood_id: str
    access: Access
    organization: LocalizedText | None = None
    locations: tuple[Location, ...] = ()
    phones: tuple[Phone, ...] = ()
    url: str = ""
    email: str = ""
    languages: tuple[str, ...] = ()
    hours: OpeningSchedule | None = None
    fees_description: LocalizedText | None = None
    eligibility_description: LocalizedText | None = None
    required_documents: tuple[LocalizedText, ...] = ()
    community: frozenset[Community] = frozenset()
    confidential_address: bool = False
    verified: Verified | None = None
    sample: bool = False


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class PageText:
    """One page in one locale."""

    title: str
    body: str
    sources: tuple[str, ...]
    last_reviewed: dt.date
    search_words: tuple[str, ...] = ()


class Section(StrEnum):
    RIGHTS = "rights"
    SPECTRUM = "spectrum"
    SAFETY = "safety"
    URGENT = "urgent"


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Page:
    id: str
    section: Section
    order: int
    texts: Mapping[str, PageText]
    default_locale: str

    def text(self, locale: str) -> PageText:
        """The page in `locale`, else in the default locale."""
        return self.texts.get(locale) or self.texts[self.default_locale]


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Situation:
    """Something a typed message may be about ("overdose", "documents taken"), recognised by
    phrases in each locale; urgent ones bring urgent help first, then their pages and needs."""

    id: str
    urgent: bool
    pages: tuple[str, ...]
    needs: tuple[str, ...]
    phrases: Mapping[str, tuple[str, ...]]
    whole_message: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Phrases that mean something everyday despite a matching phrase ("die my hair").
    unless: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@quickly_unpickled
@dataclass(frozen=True, slots=True)
class Content:
    """Everything loaded from a content folder, already validated."""

    default_locale: str
    locales: tuple[str, ...]
    needs: Mapping[str, Need]
    regions: Mapping[str, Region]
    neighbourhoods: Mapping[str, Neighbourhood]
    resources: Mapping[str, Resource]
    pages: Mapping[str, Page] = field(default_factory=dict)
    situations: tuple[Situation, ...] = ()

    def pages_in(self, section: Section) -> tuple[Page, ...]:
        """The pages of one section, in their order."""
        return tuple(
            sorted((p for p in self.pages.values() if p.section is section), key=lambda p: p.order)
        )

    def resources_in(self, region_id: str) -> tuple[Resource, ...]:
        """Every resource of one region, in file order."""
        return tuple(r for r in self.resources.values() if r.region_id == region_id)
