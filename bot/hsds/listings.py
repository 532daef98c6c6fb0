"""HSDS services as our listings: what maps, what the admin must check, what was dropped."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.domain.hours import HoursError, OpeningSchedule, load_zone
from bot.domain.listing_reader import LANGUAGE_PATTERN, PHONE_PATTERN, RESOURCE_ID_MAX
from bot.domain.models import (
    Access,
    Address,
    Community,
    Content,
    DistanceUnit,
    GeoPoint,
    LocalizedText,
    Location,
    Neighbourhood,
    Phone,
    Region,
    Resource,
    VerificationMethod,
    Verified,
)
from bot.domain.region_loader import SHORT_ID_MAX
from bot.domain.text import fold
from bot.hsds import taxonomy as tx
from bot.hsds.schedules import ScheduleError, from_hsds
from bot.hsds.schema import service_errors


@dataclass(frozen=True)
class ImportOptions:
    """Where the listings go and what the source did not say."""

    region_id: str
    source: str
    today: dt.date
    name: str | None = None
    timezone: str | None = None
    lang: str | None = None
    default_need: str | None = None
    distance_unit: DistanceUnit = DistanceUnit.KILOMETER


@dataclass
class Notes:
    """Comments for the admin (in the file) and what was dropped (in the report), per listing."""

    check: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HoodHint:
    """Where a listing is: one of our neighbourhoods as exported, or a city to group by."""

    key: str
    neighbourhood: Neighbourhood | None = None
    city_point: GeoPoint | None = None


@dataclass(frozen=True)
class Mapped:
    """One service read as a listing (neighbourhood still to settle) with its notes."""

    resource: Resource
    hood: HoodHint | None
    notes: Notes
    record: str
    sample: bool
    zone_tag: str


class Skipped(ValueError):
    """A service that cannot become a listing at all (the message says why)."""


# Every access term of our taxonomy: its fact and value.
_ACCESS_TERMS: dict[str, tuple[str, StrEnum]] = {
    tx.access_code(fact, member.value): (fact, member)
    for fact in Access.__dataclass_fields__
    for member in type(getattr(Access(), fact))
}
_COMMUNITY_TERMS = {tx.community_code(mark.value): mark for mark in Community}
_ID_CHARS = re.compile(r"[^a-z0-9]+")
_GEO_POINT = re.compile(
    r'\s*\{\s*"type"\s*:\s*"Point"\s*,\s*"coordinates"\s*:\s*\[\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*\]'
)


def slug(text: str, limit: int) -> str:
    """An id made of a text's letters and digits: "Casa Azul (East)" is casa-azul-east."""
    made = _ID_CHARS.sub("-", fold(text)).strip("-")[:limit].strip("-")
    return made or "listing"


def unique(wanted: str, taken: set[str], limit: int) -> str:
    """`wanted`, or wanted-2, wanted-3 ... when taken; the result is added to `taken`."""
    candidate, number = wanted[:limit], 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate, number = wanted[: limit - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate


class ServiceMapper:
    """Maps one validated HSDS service to a listing, noting every loss and guess."""

    def __init__(self, content: Content, options: ImportOptions, taken_ids: set[str]) -> None:
        self.content = content
        self.options = options
        self.lang = options.lang or content.default_locale
        self.taken_ids = taken_ids

    def map(self, service: dict[str, Any]) -> Mapped:
        """The listing for `service`, or Skipped."""
        notes = Notes()
        tags = tx.read_tags(service)
        ours = any(tag.code == tx.LISTING_ID for tag in tags)
        status = service.get("status")
        if status in ("inactive", "defunct"):
            raise Skipped(f"status is {status}")
        if status == "temporarily closed":
            notes.check.append("CHECK: the source says this service is temporarily closed")
        confidential = any(tag.code == tx.CONFIDENTIAL for tag in tags)
        if confidential and service.get("service_at_locations"):
            notes.dropped.append("locations: the listing's address is confidential")
        zone_tag = next((t.value for t in tags if t.code == tx.TIMEZONE), "")
        resource = Resource(
            **self._texts(service, tags, notes),
            id="",
            region_id=self.options.region_id,
            needs=self._needs(service, tags, notes),
            neighbourhood_id="",
            access=self._access(tags, notes),
            locations=() if confidential else self._locations(service, notes),
            phones=self._phones(service, notes),
            url=self._url(service, notes),
            email=self._email(service, notes),
            languages=self._languages(service, notes),
            hours=self._hours(service, zone_tag, notes),
            required_documents=self._documents(service, notes),
            community=frozenset(
                _COMMUNITY_TERMS[t.code] for t in tags if t.code in _COMMUNITY_TERMS
            ),
            confidential_address=confidential,
            verified=self._verified(service, tags, notes, ours),
        )
        resource = dataclasses.replace(resource, id=self._listing_id(tags, resource.name))
        if not ours:
            notes.check.append(
                "CHECK: every access fact is unknown; confirm each with the service first"
            )
        sample = any(tag.code == tx.SAMPLE for tag in tags)
        hood = self._hood(service, resource)
        return Mapped(resource, hood, notes, str(service.get("id")), sample, zone_tag)

    # --- texts -----------------------------------------------------------------------------

    def _texts(
        self, service: dict[str, Any], tags: Sequence[tx.Tag], notes: Notes
    ) -> dict[str, Any]:
        """The listing's texts: name, description, organization, fees and eligibility."""
        name = self._text(service.get("name"), tags, "name", notes, proper_name=True)
        if name is None:
            raise Skipped("no name")
        description = self._text(service.get("description"), tags, "description", notes)
        if description is None:
            description = LocalizedText({self.lang: name.get(self.lang)}, self.lang)
            notes.check.append("CHECK: the source has no description; the name stands in for it")
        texts: dict[str, Any] = {"name": name, "description": description}
        texts["organization"] = self._organization(service, notes)
        for key in ("fees_description", "eligibility_description"):
            texts[key] = self._text(service.get(key), tags, key, notes)
        return texts

    def _text(
        self,
        main: object,
        tags: Sequence[tx.Tag],
        field_name: str,
        notes: Notes,
        proper_name: bool = False,
    ) -> LocalizedText | None:
        """The main text (in the import language) plus any `waypoint:text:<locale>` versions."""
        values: dict[str, str] = {}
        for tag in tags:
            if tag.link_type != field_name or not tag.code.startswith(tx.TEXT_PREFIX):
                continue
            locale = tag.code.removeprefix(tx.TEXT_PREFIX)
            if locale in self.content.locales and tag.value.strip():
                values[locale] = tag.value
            else:
                notes.dropped.append(f"{field_name} in {locale!r}: not a language of the content")
        text = main.strip() if isinstance(main, str) else ""
        if values:
            values.setdefault(self.lang, text)
            if not values[self.lang]:
                return None
            return LocalizedText(values, self.lang)
        if not text:
            return None
        return LocalizedText({self.lang: text}, self.lang, proper_name)

    def _listing_id(self, tags: Sequence[tx.Tag], name: LocalizedText) -> str:
        given = next((t.value for t in tags if t.code == tx.LISTING_ID), "")
        if given and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", given) and given not in self.taken_ids:
            return unique(given, self.taken_ids, RESOURCE_ID_MAX)
        return unique(slug(name.get(self.lang), RESOURCE_ID_MAX), self.taken_ids, RESOURCE_ID_MAX)

    def _organization(self, service: dict[str, Any], notes: Notes) -> LocalizedText | None:
        organization = service.get("organization")
        if not isinstance(organization, dict):
            return None
        tags = tx.read_tags(organization)
        if any(tag.code == tx.STANDS_IN for tag in tags):
            return None  # our export's stand-in for a listing without an organization
        return self._text(organization.get("name"), tags, "name", notes, proper_name=True)

    # --- needs, access, verification ---------------------------------------------------------

    def _needs(
        self, service: dict[str, Any], tags: Sequence[tx.Tag], notes: Notes
    ) -> tuple[str, ...]:
        needs = []
        for tag in tags:
            if tag.code.startswith(tx.NEED_PREFIX):
                need_id = tag.code.removeprefix(tx.NEED_PREFIX)
                if need_id in self.content.needs:
                    needs.append(need_id)
                else:
                    notes.dropped.append(f"need {need_id!r}: not in needs.yaml")
        if needs:
            return tuple(dict.fromkeys(needs))
        guessed = self._guess_needs(service)
        if guessed:
            notes.check.append(
                f"CHECK: needs guessed from the words of the name and description: "
                f"{', '.join(guessed)}"
            )
            return guessed
        if self.options.default_need:
            notes.check.append(
                f"CHECK: no need recognised; given the default need {self.options.default_need}"
            )
            return (self.options.default_need,)
        raise Skipped("no need recognised in its name, description or terms (see --default-need)")

    def _guess_needs(self, service: dict[str, Any]) -> tuple[str, ...]:
        """The needs whose search words the service's texts use most (never the urgent one)."""
        words = [str(service.get(key) or "") for key in ("name", "description", "alternate_name")]
        haystack = f" {fold(' '.join([*words, *tx.other_terms(service)]))} "
        hits = {}
        for need in self.content.needs.values():
            if need.urgent:
                continue  # only a person should put a place under urgent help
            phrases = {fold(w) for ws in need.search_words.values() for w in ws}
            phrases |= {fold(name) for name in need.name.values.values()}
            hits[need.id] = sum(1 for p in phrases if p and f" {p} " in haystack)
        best = max(hits.values(), default=0)
        return tuple(need for need, count in hits.items() if best and count == best)

    def _access(self, tags: Sequence[tx.Tag], notes: Notes) -> Access:
        chosen: dict[str, StrEnum] = {}
        conflicting: set[str] = set()
        for tag in tags:
            if not tag.code.startswith(tx.ACCESS_PREFIX):
                continue
            term = _ACCESS_TERMS.get(tag.code)
            if term is None:
                notes.dropped.append(f"{tag.code}: not a term of our taxonomy")
                continue
            fact, value = term
            if chosen.get(fact, value) != value:
                conflicting.add(fact)
            chosen[fact] = value
        for fact in sorted(conflicting):
            notes.dropped.append(f"access.{fact}: two different values; left unknown")
            chosen.pop(fact)
        return Access(**chosen)  # type: ignore[arg-type]  # each value is its field's enum

    def _verified(
        self, service: dict[str, Any], tags: Sequence[tx.Tag], notes: Notes, ours: bool
    ) -> Verified | None:
        date = _date(service.get("assured_date"))
        method = next(
            (
                VerificationMethod(m.value)
                for m in VerificationMethod
                for t in tags
                if t.code == tx.verified_code(m.value)
            ),
            None,
        )
        if ours:
            return Verified(date, method or VerificationMethod.PARTNER) if date else None
        source_date = date or _date(service.get("last_modified")) or _metadata_date(service)
        if source_date:
            notes.check.append(
                f"CHECK: verified is the source's date ({source_date}); we have not checked it"
            )
            return Verified(source_date, method or VerificationMethod.PARTNER)
        notes.check.append("CHECK: imported, not yet checked (verified is the import date)")
        return Verified(self.options.today, VerificationMethod.PARTNER)

    # --- where, how to reach, when ---------------------------------------------------------

    def _locations(self, service: dict[str, Any], notes: Notes) -> tuple[Location, ...]:
        locations = []
        for link in service.get("service_at_locations") or ():
            location = link.get("location") if isinstance(link, dict) else None
            if not isinstance(location, dict):
                notes.dropped.append("a service_at_location without its location record")
                continue
            read = _location(location)
            if isinstance(read, str):
                notes.dropped.append(f"location {location.get('id')}: {read}")
            else:
                locations.append(read)
        return tuple(locations)

    def _phones(self, service: dict[str, Any], notes: Notes) -> tuple[Phone, ...]:
        records = list(service.get("phones") or ())
        for link in service.get("service_at_locations") or ():
            records += list(link.get("phones") or ())
            location = link.get("location") or {}
            records += list(location.get("phones") or ())
        phones: dict[str, Phone] = {}
        for record in records:
            number = str(record.get("number", "")).strip()
            if not PHONE_PATTERN.match(number):
                notes.dropped.append(f"phone {number!r}: not a phone number the bot can dial")
                continue
            if record.get("extension") not in (None, ""):
                notes.dropped.append(f"phone {number}: extension {record['extension']}")
            description = self._text(
                record.get("description"), tx.read_tags(record), "description", notes
            )
            phones.setdefault(number, Phone(number, description))
        return tuple(phones.values())

    def _url(self, service: dict[str, Any], notes: Notes) -> str:
        url = str(service.get("url") or "").strip()
        if url and not url.startswith(("https://", "http://")):
            notes.dropped.append(f"url {url!r}: not a web address")
            return ""
        return url

    def _email(self, service: dict[str, Any], notes: Notes) -> str:
        email = str(service.get("email") or "").strip()
        if email and "@" not in email:
            notes.dropped.append(f"email {email!r}: not an email address")
            return ""
        return email

    def _languages(self, service: dict[str, Any], notes: Notes) -> tuple[str, ...]:
        codes = []
        for record in service.get("languages") or ():
            raw = str(record.get("code") or "").strip()
            code = re.split(r"[-_]", raw.lower())[0]
            if LANGUAGE_PATTERN.match(code):
                codes.append(code)
            else:
                notes.dropped.append(
                    f"language {record.get('name') or raw!r}: no two- or three-letter code"
                )
        return tuple(dict.fromkeys(codes))

    def _hours(
        self, service: dict[str, Any], zone_tag: str, notes: Notes
    ) -> OpeningSchedule | None:
        schedules = list(service.get("schedules") or ())
        if not schedules:
            for link in service.get("service_at_locations") or ():
                schedules += list(link.get("schedules") or ())
                schedules += list((link.get("location") or {}).get("schedules") or ())
        if not schedules:
            return None
        # Without a zone of its own, the region's (settled once every record is read) replaces UTC.
        zone = zone_tag or self.options.timezone or "UTC"
        try:
            return OpeningSchedule(from_hsds(schedules), zone)
        except (ScheduleError, HoursError) as error:
            texts = "; ".join(str(s.get("description") or "") for s in schedules).strip("; ")
            notes.dropped.append(f"opening hours: {error}")
            notes.check.append(
                "CHECK: opening hours not imported; write them as opening_hours"
                + (f" (the source says: {texts})" if texts else "")
            )
            return None

    def _documents(self, service: dict[str, Any], notes: Notes) -> tuple[LocalizedText, ...]:
        documents = []
        for record in service.get("required_documents") or ():
            text = self._text(record.get("document"), tx.read_tags(record), "document", notes)
            if text is not None:
                documents.append(text)
        return tuple(documents)

    def _hood(self, service: dict[str, Any], resource: Resource) -> HoodHint | None:
        for area in service.get("service_areas") or ():
            tags = tx.read_tags(area)
            hood_id = next((t.value for t in tags if t.code == tx.NEIGHBOURHOOD), "")
            point = _geojson_point(area.get("extent"))
            name = self._text(area.get("name"), tags, "name", Notes(), proper_name=True)
            if hood_id and point and name:
                aliases = tuple(t.value for t in tags if t.code == tx.ALIAS)
                hood = Neighbourhood(hood_id, self.options.region_id, name, aliases, point)
                return HoodHint(hood_id, neighbourhood=hood)
        if resource.locations:
            first = resource.locations[0]
            return HoodHint(fold(first.address.city), city_point=first.point)
        return None


def _location(location: dict[str, Any]) -> Location | str:
    """The location as ours, or why it cannot be one."""
    addresses = [a for a in location.get("addresses") or () if isinstance(a, dict)]
    addresses.sort(key=lambda a: a.get("address_type") != "physical")
    address = next((a for a in addresses if a.get("address_type") != "postal"), None)
    if address is None or not address.get("address_1") or not address.get("city"):
        return "no street address"
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if not isinstance(latitude, int | float) or not isinstance(longitude, int | float):
        return "no latitude and longitude (the bot measures distances from them)"
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return "latitude or longitude out of range"
    return Location(
        Address(
            address_1=str(address["address_1"]).strip(),
            city=str(address["city"]).strip(),
            state_province=str(address.get("state_province") or "").strip(),
            postal_code=str(address.get("postal_code") or "").strip(),
            address_2=str(address.get("address_2") or "").strip(),
        ),
        GeoPoint(float(latitude), float(longitude)),
    )


def _geojson_point(extent: object) -> GeoPoint | None:
    match = _GEO_POINT.match(extent) if isinstance(extent, str) else None
    if match is None:
        return None
    try:
        longitude, latitude = float(match.group(1)), float(match.group(2))
    except ValueError:
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return GeoPoint(latitude, longitude)
    return None


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _metadata_date(service: dict[str, Any]) -> dt.date | None:
    dates = [_date(m.get("last_action_date")) for m in service.get("metadata") or ()]
    known = [d for d in dates if d is not None]
    return max(known) if known else None


@dataclass(frozen=True)
class Imported:
    """The region file's contents and, per record, what could not be mapped."""

    region: Region
    neighbourhoods: tuple[Neighbourhood, ...]
    resources: tuple[Resource, ...]
    notes: dict[str, list[str]]
    report: tuple[str, ...]


class DatasetImportError(ValueError):
    """The dataset as a whole cannot become a region (no time zone, nothing mappable...)."""


def import_services(
    records: Sequence[object], content: Content, options: ImportOptions
) -> Imported:
    """Map every record; report the ones skipped and what each mapped one lost."""
    taken_ids = {r.id for r in content.resources.values() if r.region_id != options.region_id}
    mapper = ServiceMapper(content, options, taken_ids)
    mapped, report = _map_records(records, mapper)
    if not mapped:
        raise DatasetImportError(
            "no service could be imported: " + (" | ".join(report) or "none found")
        )
    region = Region(
        id=options.region_id,
        name=LocalizedText({mapper.lang: options.name or options.region_id}, mapper.lang, True),
        sample=all(one.sample for one in mapped),
        default_locale=mapper.lang,
        timezone=_region_timezone(mapped, options),
        distance_unit=options.distance_unit,
    )
    places = _Places(mapped, content, options)
    resources = []
    notes: dict[str, list[str]] = {}
    for one in mapped:
        place = places.place(one)
        if place is None:
            name = one.resource.name.get(mapper.lang)
            report.append(f"service {one.record} ({name}): skipped: no place, and no other"
                          " listing's city to put it in")  # fmt: skip
            continue
        hood_id, hood_note = place
        resource = dataclasses.replace(one.resource, neighbourhood_id=hood_id, sample=region.sample)
        if resource.hours and not one.zone_tag:
            hours = OpeningSchedule(resource.hours.expression, region.timezone)
            resource = dataclasses.replace(resource, hours=hours)
        resources.append(resource)
        provenance = f"Imported from {options.source}: service {one.record}"
        notes[resource.id] = [provenance, *([hood_note] if hood_note else []), *one.notes.check]
    return Imported(region, places.neighbourhoods(), tuple(resources), notes, tuple(report))


def _map_records(
    records: Sequence[object], mapper: ServiceMapper
) -> tuple[list[Mapped], list[str]]:
    """The records that validate and map, and a line per record skipped or losing detail."""
    mapped: list[Mapped] = []
    report: list[str] = []
    for index, record in enumerate(records):
        label = _label(record, index)
        problems = service_errors(record)
        if problems:
            report.append(f"{label}: skipped, not a valid HSDS service: {'; '.join(problems)}")
            continue
        assert isinstance(record, dict)  # the schema says it is an object
        try:
            one = mapper.map(record)
        except Skipped as why:
            report.append(f"{label}: skipped: {why}")
            continue
        mapped.append(one)
        report.extend(f"{label}: dropped {what}" for what in one.notes.dropped)
    return mapped, report


def _label(record: object, index: int) -> str:
    if isinstance(record, dict):
        return f"service {record.get('id', f'#{index + 1}')} ({record.get('name', 'no name')})"
    return f"record #{index + 1}"


def _region_timezone(mapped: Sequence[Mapped], options: ImportOptions) -> str:
    if options.timezone:
        return options.timezone
    zones = Counter(one.zone_tag for one in mapped if one.zone_tag and _known_zone(one.zone_tag))
    if not zones:
        raise DatasetImportError("the dataset does not say its time zone: give --timezone")
    return zones.most_common(1)[0][0]


def _known_zone(name: str) -> bool:
    try:
        load_zone(name)
    except HoursError:
        return False
    return True


class _Places:
    """Settles neighbourhoods: ours as exported; for other data one per city, centred on the
    average of its places; a listing with no place goes to the city with the most listings."""

    def __init__(self, mapped: Sequence[Mapped], content: Content, options: ImportOptions) -> None:
        self.region_id = options.region_id
        self.taken = {h for h, n in content.neighbourhoods.items() if n.region_id != self.region_id}
        self.hoods: dict[str, Neighbourhood] = {}
        self.city_points: dict[str, list[GeoPoint]] = defaultdict(list)
        self.city_names: dict[str, LocalizedText] = {}
        for one in mapped:
            if one.hood and one.hood.city_point:
                self.city_points[one.hood.key].append(one.hood.city_point)
                city = one.resource.locations[0].address.city
                locale = one.resource.name.default_locale
                self.city_names.setdefault(
                    one.hood.key, LocalizedText({locale: city}, locale, True)
                )

    def neighbourhoods(self) -> tuple[Neighbourhood, ...]:
        """Every neighbourhood a listing was placed in."""
        return tuple(self.hoods.values())

    def place(self, one: Mapped) -> tuple[str, str] | None:
        """The listing's neighbourhood id and a note for the admin, or None if there is none."""
        hint = one.hood
        if hint and hint.neighbourhood:
            if hint.key not in self.hoods:
                hood = hint.neighbourhood
                hood_id = unique(hood.id, self.taken, SHORT_ID_MAX)
                self.hoods[hint.key] = dataclasses.replace(hood, id=hood_id)
            return self.hoods[hint.key].id, ""
        if not self.city_points:
            return None
        key = hint.key if hint else max(self.city_points, key=lambda k: len(self.city_points[k]))
        note = "CHECK: neighbourhood made from the city" + (
            "" if hint else " where most listings are (the source gives no place for this one)"
        )
        return self._city(key).id, note

    def _city(self, key: str) -> Neighbourhood:
        if f"city:{key}" not in self.hoods:
            points = self.city_points[key]
            center = GeoPoint(
                round(sum(p.latitude for p in points) / len(points), 5),
                round(sum(p.longitude for p in points) / len(points), 5),
            )
            name = self.city_names[key]
            wanted = slug(name.get(name.default_locale), SHORT_ID_MAX)
            hood_id = unique(wanted, self.taken, SHORT_ID_MAX)
            self.hoods[f"city:{key}"] = Neighbourhood(hood_id, self.region_id, name, (), center)
        return self.hoods[f"city:{key}"]
