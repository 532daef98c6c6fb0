"""One listing (a resource) of a region file, read field by field; each reader gives a `Read`."""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from bot.domain.hours import HoursError, OpeningSchedule, load_zone
from bot.domain.hours_check import explain_hours
from bot.domain.load_context import LoadContext
from bot.domain.models import (
    Access,
    Address,
    Community,
    GeoPoint,
    LocalizedText,
    Location,
    Need,
    Neighbourhood,
    Phone,
    Resource,
    VerificationMethod,
    Verified,
)
from bot.domain.places import Area, far_off
from bot.domain.reader import NodeReader, did_you_mean, known_choice
from bot.domain.shapes import phone_problem, postal_problem
from bot.domain.strict_yaml import MappingNode, Node, ScalarNode

T = TypeVar("T")
RESOURCE_ID_MAX = 32
PHONE_PATTERN = re.compile(r"\+?[0-9A-Z ().-]{3,30}\Z")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}\Z")
REQUIRED = ("id", "name", "description", "needs", "neighbourhood")
FIELDS = (
    *REQUIRED,
    "organization",
    "locations",
    "phones",
    "url",
    "email",
    "languages",
    "opening_hours",
    "timezone",
    "fees_description",
    "eligibility_description",
    "required_documents",
    "access",
    "community",
    "confidential_address",
    "verified",
)
_ACCESS_FIELDS = tuple(Access.__dataclass_fields__)
# The closed list each access fact takes its value from.
_ACCESS_KINDS = {name: type(getattr(Access(), name)) for name in _ACCESS_FIELDS}
_ADDRESS_PARTS = ("address_1", "address_2", "city", "state_province", "postal_code")
_LOCATION_FIELDS = (*_ADDRESS_PARTS, "latitude", "longitude")
# The same names as sets, for `NodeReader.mapping` to check each key against in one look-up.
_FIELD_SET, _ACCESS_SET, _LOCATION_SET, _REQUIRED_SET = map(
    frozenset, (FIELDS, _ACCESS_FIELDS, _LOCATION_FIELDS, REQUIRED)
)


class Read(NamedTuple, Generic[T]):
    """What a field reader found: its value, and whether the field was usable. (A named
    tuple: nineteen are made per listing, and a frozen dataclass is slower to make.)"""

    value: T
    ok: bool = True


INVALID: Read[Any] = Read(None, ok=False)
_VALUE, _OK = operator.itemgetter(0), operator.itemgetter(1)


@dataclass(frozen=True)
class RegionFrame:
    """What a region file's listings need from its header, even when the header is wrong."""

    id: str
    default_locale: str
    timezone: str | None
    country: str
    sample: bool


@dataclass(frozen=True)
class Surroundings:
    """Everything a listing is checked against besides its own fields."""

    needs: Mapping[str, Need]
    # False when needs.yaml stopped at a syntax error: an unknown need may be one it lost.
    needs_complete: bool
    neighbourhoods: Mapping[str, Neighbourhood]
    # This region's neighbourhoods that have errors of their own (already reported).
    broken_hoods: frozenset[str]
    # Every region's neighbourhoods by id, with the file:line that declares them.
    declared_hoods: Mapping[str, tuple[Neighbourhood, str]]
    areas: Mapping[str, Area]
    today: dt.date


@dataclass(frozen=True)
class Listing:
    """One listing's fields with what they are checked against."""

    ctx: LoadContext
    reader: NodeReader
    node: Node
    fields: dict[str, Node]
    where: str
    frame: RegionFrame
    around: Surroundings

    def error(self, name: str, message: str) -> None:
        """An error about field `name` of this listing, named in the message, at the line of
        the value (or of the field name, when the value is a block below it)."""
        self.reader.error(self.place(name), f"{self.where}.{name}: {message}")

    def place(self, name: str) -> Node:
        """The value of field `name`, or its key when the value is a list or mapping."""
        value = self.fields[name]
        if isinstance(value, ScalarNode) or not isinstance(self.node, MappingNode):
            return value
        keys = (k for k, v in self.node.value if v is value)
        return next(keys, value)

    def warning(self, node: Node, message: str) -> None:
        """A warning about this listing, named in the message."""
        self.reader.warning(node, f"{self.where}: {message}")


def listing_label(reader: NodeReader, fields: dict[str, Node], where: str) -> str:
    """`resources[3] (night-owl)`: the position and the id (or the name when the id is bad)."""
    for name in ("id", "name"):
        node = fields.get(name)
        if isinstance(node, ScalarNode) and node.value.strip():
            return f"{where} ({node.value.strip()})"
    return where


def read_listing(
    ctx: LoadContext,
    reader: NodeReader,
    node: Node,
    where: str,
    frame: RegionFrame,
    around: Surroundings,
) -> Resource | None:
    """One listing, or None after recording why it cannot be used."""
    fields = reader.mapping(node, where, _FIELD_SET, REQUIRED)
    if fields is None:
        return None
    label = listing_label(reader, fields, where)
    listing = Listing(ctx, reader, node, fields, label, frame, around)
    reads = [read(listing) for read in _READERS.values()]
    if not all(map(_OK, reads)) or not fields.keys() >= _REQUIRED_SET:
        return None
    values = dict(zip(_READERS, map(_VALUE, reads), strict=True))
    resource = Resource(region_id=frame.id, sample=frame.sample, **values)
    _warn_unreachable(listing, resource)
    return resource


def _warn_unreachable(listing: Listing, resource: Resource) -> None:
    if not (resource.phones or resource.locations or resource.url or resource.email):
        listing.warning(
            listing.fields.get("id", listing.node),
            "no phones, locations, url or email: people cannot reach this listing; add at"
            " least a phone number (a confidential place too)",
        )


def _id(listing: Listing) -> Read[str]:
    if "id" not in listing.fields:
        return INVALID
    value = listing.reader.identifier(listing.fields["id"], f"{listing.where}.id", RESOURCE_ID_MAX)
    return INVALID if value is None else Read(value)


def _text(name: str, *, proper_name: bool = False) -> Callable[[Listing], Read[Any]]:
    def read(listing: Listing) -> Read[LocalizedText | None]:
        if name not in listing.fields:
            return Read(None, ok=name not in REQUIRED)
        value = listing.ctx.localized(
            listing.reader,
            listing.fields[name],
            f"{listing.where}.{name}",
            listing.frame.default_locale,
            proper_name=proper_name,
        )
        return INVALID if value is None else Read(value)

    return read


def _needs(listing: Listing) -> Read[tuple[str, ...]]:
    if "needs" not in listing.fields:
        return INVALID
    node = listing.fields["needs"]
    ids = listing.reader.text_list(node, f"{listing.where}.needs")
    if ids is None:
        return INVALID
    known = listing.around.needs
    unknown = [need for need in ids if need not in known and listing.around.needs_complete]
    for need in unknown:
        listing.error(
            "needs",
            f"unknown need {need!r}{did_you_mean(need, known)}; the needs in needs.yaml are:"
            f" {', '.join(known)}",
        )
    if not ids:
        listing.error("needs", "list at least one need from needs.yaml")
    return INVALID if unknown or not ids else Read(tuple(ids))


def _neighbourhood(listing: Listing) -> Read[str]:
    if "neighbourhood" not in listing.fields:
        return INVALID
    hood_id = listing.reader.text(listing.fields["neighbourhood"], f"{listing.where}.neighbourhood")
    if hood_id is None:
        return INVALID
    if hood_id in listing.around.neighbourhoods:
        return Read(hood_id)
    if hood_id in listing.around.broken_hoods:
        return INVALID
    listing.error("neighbourhood", _unknown_hood(listing, hood_id))
    return INVALID


def _unknown_hood(listing: Listing, hood_id: str) -> str:
    """Why a neighbourhood is not found, with the likeliest intended id of this region."""
    own = listing.around.neighbourhoods
    elsewhere = listing.around.declared_hoods.get(hood_id)
    if elsewhere is not None and elsewhere[0].region_id != listing.frame.id:
        return (
            f"{hood_id!r} is a neighbourhood of region {elsewhere[0].region_id!r} ({elsewhere[1]});"
            f" a listing can only use its own region's neighbourhoods: add one under"
            f" neighbourhoods in this file (ids are unique across regions)"
        )
    by_name = {
        word.casefold(): hood.id
        for hood in own.values()
        for word in (*hood.name.all_values(), *hood.aliases)
    }
    guess = by_name.get(hood_id.strip().casefold())
    hint = f' (did you mean "{guess}"?)' if guess else did_you_mean(hood_id, own)
    ids = ", ".join(own) or "none yet"
    return (
        f"unknown neighbourhood {hood_id!r}{hint}; use the id of one of this region's"
        f" neighbourhoods ({ids}), or add it under neighbourhoods first"
    )


def _confidential(listing: Listing) -> Read[bool]:
    if "confidential_address" not in listing.fields:
        return Read(False)
    node = listing.fields["confidential_address"]
    flag = listing.reader.flag(node, f"{listing.where}.confidential_address")
    return INVALID if flag is None else Read(flag)


def _is_confidential(listing: Listing) -> bool:
    node = listing.fields.get("confidential_address")
    return isinstance(node, ScalarNode) and node.value == "true"


def _locations(listing: Listing) -> Read[tuple[Location, ...]]:
    if "locations" not in listing.fields:
        return Read(())
    if _is_confidential(listing):
        listing.error(
            "locations",
            "this listing has confidential_address: true, so its address must never be"
            " written here: delete the whole locations block (the bot shows only the"
            " neighbourhood, and measures distance from its centre)",
        )
        return INVALID
    return _item_list(listing, "locations", _location)


def _item_list(
    listing: Listing, name: str, read_item: Callable[[Listing, Node, str], T | None]
) -> Read[tuple[T, ...]]:
    """An optional list field: () when absent, invalid if any item is."""
    if name not in listing.fields:
        return Read(())
    items = listing.reader.sequence(listing.fields[name], f"{listing.where}.{name}")
    if items is None:
        return INVALID
    values = [
        read_item(listing, item, f"{listing.where}.{name}[{i}]") for i, item in enumerate(items)
    ]
    if None in values:
        return INVALID
    return Read(tuple(v for v in values if v is not None))


def read_point(reader: NodeReader, fields: dict[str, Node], where: str) -> GeoPoint | None:
    """latitude and longitude of a mapping's fields, each in range."""
    if "latitude" not in fields or "longitude" not in fields:
        return None
    if _looks_swapped(fields):
        reader.error(
            fields["latitude"],
            f"{where}.latitude: is out of range (-90 to 90): latitude and longitude look"
            " swapped; latitude is the first number",
        )
        return None
    latitude = reader.number(fields["latitude"], f"{where}.latitude", -90, 90)
    longitude = reader.number(fields["longitude"], f"{where}.longitude", -180, 180)
    if latitude is None or longitude is None:
        return None
    if latitude == 0 and longitude == 0:
        reader.warning(
            fields["latitude"],
            f"{where}: latitude 0, longitude 0 is a placeholder in the ocean; write the real"
            " coordinates (see docs/admins.md, finding coordinates)",
        )
    return GeoPoint(latitude, longitude)


def _looks_swapped(fields: dict[str, Node]) -> bool:
    """A latitude beyond ±90 with a longitude that would be a fine latitude."""
    try:
        latitude = float(getattr(fields["latitude"], "value", ""))
        longitude = float(getattr(fields["longitude"], "value", ""))
    except (TypeError, ValueError):  # a list or mapping: the number check says what is wrong
        return False
    return abs(latitude) > 90 and abs(latitude) <= 180 and abs(longitude) <= 90


def _location(listing: Listing, item: Node, at: str) -> Location | None:
    required = ("address_1", "city", "latitude", "longitude")
    reader = listing.reader
    loc = reader.mapping(item, at, _LOCATION_SET, required)
    if loc is None or not set(required) <= loc.keys():
        return None
    parts = {name: reader.text(loc[name], f"{at}.{name}") for name in _ADDRESS_PARTS if name in loc}
    point = read_point(reader, loc, at)
    if point is None or None in parts.values():
        return None
    postal = parts.get("postal_code") or ""
    shape = postal and postal_problem(postal, listing.frame.country)
    if shape:
        reader.warning(loc["postal_code"], f"{at}.postal_code: {shape}")
    _warn_far_off(listing, loc, at, point)
    address = Address(
        address_1=parts["address_1"] or "",
        city=parts["city"] or "",
        state_province=parts.get("state_province") or "",
        postal_code=postal,
        address_2=parts.get("address_2") or "",
    )
    return Location(address, point)


def _warn_far_off(listing: Listing, loc: dict[str, Node], at: str, point: GeoPoint) -> None:
    centres = [hood.center for hood in listing.around.neighbourhoods.values()]
    found = far_off(point, listing.frame.id, listing.around.areas, centres)
    if found is not None:
        which, why = found
        listing.reader.warning(loc[which], f"{at}.{which}: {why} (see docs/admins.md)")


def _phone(listing: Listing, item: Node, at: str) -> Phone | None:
    reader = listing.reader
    phone = reader.mapping(item, at, ("number", "description"), ("number",))
    if phone is None or "number" not in phone:
        return None
    number = reader.text(phone["number"], f"{at}.number")
    if number is not None and not PHONE_PATTERN.match(number):
        reader.error(
            phone["number"],
            f'{at}.number: {number!r} is not a phone number; write it like "510-555-0123"',
        )
        return None
    shape = number and phone_problem(number, listing.frame.country)
    if shape:
        reader.warning(phone["number"], f"{at}.number: {shape}")
    description = None
    if "description" in phone:
        description = listing.ctx.localized(
            reader, phone["description"], f"{at}.description", listing.frame.default_locale
        )
        if description is None:
            return None
    return None if number is None else Phone(number, description)


def _phones(listing: Listing) -> Read[tuple[Phone, ...]]:
    return _item_list(listing, "phones", _phone)


def _documents(listing: Listing) -> Read[tuple[LocalizedText, ...]]:
    def one(listing: Listing, item: Node, at: str) -> LocalizedText | None:
        return listing.ctx.localized(listing.reader, item, at, listing.frame.default_locale)

    return _item_list(listing, "required_documents", one)


def _url(listing: Listing) -> Read[str]:
    if "url" not in listing.fields:
        return Read("")
    url = listing.reader.text(listing.fields["url"], f"{listing.where}.url")
    if url is not None and not url.startswith(("https://", "http://")):
        listing.error("url", f"{url!r} is not a web address; start it with https://")
        return INVALID
    return INVALID if url is None else Read(url)


def _email(listing: Listing) -> Read[str]:
    if "email" not in listing.fields:
        return Read("")
    email = listing.reader.text(listing.fields["email"], f"{listing.where}.email")
    if email is not None and "@" not in email:
        listing.error("email", f"{email!r} is not an email address")
        return INVALID
    return INVALID if email is None else Read(email)


def _languages(listing: Listing) -> Read[tuple[str, ...]]:
    if "languages" not in listing.fields:
        return Read(())
    codes = listing.reader.text_list(listing.fields["languages"], f"{listing.where}.languages")
    if codes is None:
        return INVALID
    bad = [code for code in codes if not LANGUAGE_PATTERN.match(code)]
    for code in bad:
        listing.error(
            "languages", f"{code!r} is not a language code; use two letters like en, es, zh"
        )
    return INVALID if bad else Read(tuple(codes))


def _timezone(listing: Listing) -> str | None:
    """The listing's own time zone, else the region's; None when it is unusable."""
    if "timezone" not in listing.fields:
        return listing.frame.timezone
    return read_timezone(listing.reader, listing.fields["timezone"], f"{listing.where}.timezone")


def read_timezone(reader: NodeReader, node: Node, where: str) -> str | None:
    """An IANA time zone name."""
    value = reader.text(node, where)
    if value is None:
        return None
    try:
        load_zone(value)
    except HoursError:
        reader.error(
            node,
            f"{where}: unknown time zone {value!r}; use an IANA name like America/Los_Angeles"
            " or Europe/Madrid",
        )
        return None
    return value


def _hours(listing: Listing) -> Read[OpeningSchedule | None]:
    timezone = _timezone(listing)
    if "opening_hours" not in listing.fields:
        return Read(None, ok="timezone" not in listing.fields or timezone is not None)
    node = listing.fields["opening_hours"]
    expression = listing.reader.text(node, f"{listing.where}.opening_hours")
    if expression is None or timezone is None:
        return INVALID
    try:
        hours = listing.ctx.schedule(expression, timezone)
    except HoursError as error:
        listing.error("opening_hours", explain_hours(expression, str(error)))
        return INVALID
    for slip in listing.ctx.hour_slips(expression):
        listing.warning(node, f"opening_hours: {slip}")
    return Read(hours)


def _access(listing: Listing) -> Read[Access]:
    if "access" not in listing.fields:
        if isinstance(listing.node, MappingNode) and listing.node.cut:
            return Read(Access())  # its access facts may be after the syntax error
        listing.warning(
            listing.fields.get("id", listing.node),
            "no access facts; every one will show as unknown. Add an access: section"
            " (see docs/content.md)",
        )
        return Read(Access())
    at = f"{listing.where}.access"
    facts = listing.reader.mapping(listing.fields["access"], at, _ACCESS_SET)
    if facts is None:
        return INVALID
    values = {
        name: known_choice(node, _ACCESS_KINDS[name])
        or listing.reader.choice(node, f"{at}.{name}", _ACCESS_KINDS[name])
        for name, node in facts.items()
    }
    chosen = {name: value for name, value in values.items() if value is not None}
    return INVALID if len(chosen) < len(values) else Read(Access(**chosen))


def _community(listing: Listing) -> Read[frozenset[Community]]:
    if "community" not in listing.fields:
        return Read(frozenset())
    at = f"{listing.where}.community"
    items = listing.reader.sequence(listing.fields["community"], at)
    if items is None:
        return INVALID
    marks = [listing.reader.choice(item, at, Community) for item in items]
    return INVALID if None in marks else Read(frozenset(m for m in marks if m is not None))


def _verified(listing: Listing) -> Read[Verified | None]:
    if "verified" not in listing.fields:
        return Read(None)
    at = f"{listing.where}.verified"
    node = listing.fields["verified"]
    if not isinstance(node, MappingNode):
        listing.error(
            "verified",
            "write `date:` and `method:` on their own lines underneath `verified:`, indented"
            " two more spaces: `date: 2026-11-20`, then `method: phone` (phone, visit, email,"
            " website or partner)",
        )
        return INVALID
    parts = listing.reader.mapping(node, at, ("date", "method"), ("date", "method"))
    if parts is None or not {"date", "method"} <= parts.keys():
        return INVALID
    date = listing.reader.date(parts["date"], f"{at}.date")
    method = listing.reader.choice(parts["method"], f"{at}.method", VerificationMethod)
    if date is None or method is None:
        return INVALID
    if date > listing.around.today + dt.timedelta(days=1):
        listing.reader.warning(
            parts["date"], f"{at}.date: {date} is in the future; write the day it was checked"
        )
    return Read(Verified(date, method))


_READERS: dict[str, Callable[[Listing], Read[Any]]] = {
    "id": _id,
    "name": _text("name", proper_name=True),
    "description": _text("description"),
    "needs": _needs,
    "neighbourhood_id": _neighbourhood,
    "access": _access,
    "organization": _text("organization", proper_name=True),
    "locations": _locations,
    "phones": _phones,
    "url": _url,
    "email": _email,
    "languages": _languages,
    "hours": _hours,
    "fees_description": _text("fees_description"),
    "eligibility_description": _text("eligibility_description"),
    "required_documents": _documents,
    "community": _community,
    "confidential_address": _confidential,
    "verified": _verified,
}
