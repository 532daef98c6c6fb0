"""Region files: the region, its neighbourhoods and its resources, validated field by field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeVar

from bot.domain.hours import HoursError, OpeningSchedule, load_zone
from bot.domain.load_context import LoadContext
from bot.domain.models import (
    Access,
    Address,
    Community,
    DistanceUnit,
    GeoPoint,
    LocalizedText,
    Location,
    Need,
    Neighbourhood,
    Phone,
    Region,
    Resource,
    VerificationMethod,
    Verified,
)
from bot.domain.reader import NodeReader, did_you_mean
from bot.domain.strict_yaml import Node

T = TypeVar("T")
RESOURCE_ID_MAX = 32
SHORT_ID_MAX = 20
DEFAULT_STALE_AFTER_DAYS = 365
MAX_STALE_AFTER_DAYS = 3 * 365
PHONE_PATTERN = re.compile(r"\+?[0-9A-Z ().-]{3,30}\Z")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}\Z")

_ACCESS_FIELDS = tuple(Access.__dataclass_fields__)
_RESOURCE_FIELDS = (
    "id",
    "name",
    "organization",
    "description",
    "needs",
    "neighbourhood",
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
_LOCATION_FIELDS = (
    "address_1",
    "address_2",
    "city",
    "state_province",
    "postal_code",
    "latitude",
    "longitude",
)


class RegionLoader:
    """Reads one region file after another into shared dictionaries of the content."""

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx

    def load_region_file(
        self,
        path: Path,
        needs: dict[str, Need],
        regions: dict[str, Region],
        neighbourhoods: dict[str, Neighbourhood],
        resources: dict[str, Resource],
    ) -> None:
        """Read one region file into the shared dictionaries, recording every problem."""
        reader, node = self.ctx.read(path)
        if node is None:
            return
        top = reader.mapping(
            node, path.name, ("region", "neighbourhoods", "resources"), ("region",)
        )
        if not top or "region" not in top:
            return
        region = self._load_region(reader, top["region"])
        if region is None:
            return
        if region.id in regions:
            reader.error(top["region"], f"region.id: duplicate region id {region.id!r}")
            return
        regions[region.id] = region
        self.ctx.collect(
            reader,
            top,
            "neighbourhoods",
            neighbourhoods,
            lambda item, at: self._load_neighbourhood(reader, item, at, region),
        )
        self.ctx.collect(
            reader,
            top,
            "resources",
            resources,
            lambda item, at: self._load_resource(reader, item, at, region, needs, neighbourhoods),
        )

    def _load_region(self, reader: NodeReader, node: Node) -> Region | None:
        fields = reader.mapping(
            node,
            "region",
            (
                "id",
                "name",
                "sample",
                "default_locale",
                "timezone",
                "distance_unit",
                "stale_after_days",
                "good_samaritan",
            ),
            ("id", "name", "timezone"),
        )
        if fields is None or not {"id", "name", "timezone"} <= fields.keys():
            return None
        default_locale = self.ctx.default_locale
        if "default_locale" in fields:
            value = self.ctx.known_locale(reader, fields["default_locale"], "region.default_locale")
            default_locale = value or default_locale
        region_id = reader.identifier(fields["id"], "region.id", SHORT_ID_MAX)
        name = self.ctx.localized(
            reader, fields["name"], "region.name", default_locale, proper_name=True
        )
        timezone = self._timezone(reader, fields["timezone"], "region.timezone")
        sample = reader.flag(fields["sample"], "region.sample") if "sample" in fields else False
        unit = (
            reader.choice(fields["distance_unit"], "region.distance_unit", DistanceUnit)
            if "distance_unit" in fields
            else DistanceUnit.KILOMETER
        )
        stale = self._stale_after(reader, fields)
        good_samaritan = (
            self.ctx.localized(
                reader, fields["good_samaritan"], "region.good_samaritan", default_locale
            )
            if "good_samaritan" in fields
            else None
        )
        if region_id is None or name is None or timezone is None or sample is None or unit is None:
            return None
        if stale is None or ("good_samaritan" in fields and good_samaritan is None):
            return None
        return Region(
            region_id, name, sample, default_locale, timezone, unit, stale, good_samaritan
        )

    @staticmethod
    def _stale_after(reader: NodeReader, fields: dict[str, Node]) -> int | None:
        """Days after which a listing not checked again counts as stale (default 365)."""
        if "stale_after_days" not in fields:
            return DEFAULT_STALE_AFTER_DAYS
        days = reader.integer(fields["stale_after_days"], "region.stale_after_days")
        if days is not None and not 1 <= days <= MAX_STALE_AFTER_DAYS:
            reader.error(
                fields["stale_after_days"],
                f"region.stale_after_days: {days} is not a number of days from 1 to"
                f" {MAX_STALE_AFTER_DAYS}; 180 or 365 are usual",
            )
            return None
        return days

    def _timezone(self, reader: NodeReader, node: Node, where: str) -> str | None:
        value = reader.text(node, where)
        if value is None:
            return None
        try:
            load_zone(value)
        except HoursError:
            reader.error(
                node,
                f"{where}: unknown time zone {value!r}; use an IANA name like"
                " America/Los_Angeles or Europe/Madrid",
            )
            return None
        return value

    def _point(self, reader: NodeReader, fields: dict[str, Node], where: str) -> GeoPoint | None:
        if "latitude" not in fields or "longitude" not in fields:
            return None
        latitude = reader.number(fields["latitude"], f"{where}.latitude", -90, 90)
        longitude = reader.number(fields["longitude"], f"{where}.longitude", -180, 180)
        if latitude is None or longitude is None:
            return None
        return GeoPoint(latitude, longitude)

    def _load_neighbourhood(
        self, reader: NodeReader, node: Node, where: str, region: Region
    ) -> Neighbourhood | None:
        fields = reader.mapping(
            node, where, ("id", "name", "aliases", "center"), ("id", "name", "center")
        )
        if fields is None or not {"id", "name", "center"} <= fields.keys():
            return None
        hood_id = reader.identifier(fields["id"], f"{where}.id", SHORT_ID_MAX)
        name = self.ctx.localized(
            reader, fields["name"], f"{where}.name", region.default_locale, proper_name=True
        )
        aliases = (
            reader.text_list(fields["aliases"], f"{where}.aliases") if "aliases" in fields else ()
        )
        center_fields = reader.mapping(
            fields["center"],
            f"{where}.center",
            ("latitude", "longitude"),
            ("latitude", "longitude"),
        )
        center = self._point(reader, center_fields or {}, f"{where}.center")
        if hood_id is None or name is None or aliases is None or center is None:
            return None
        return Neighbourhood(hood_id, region.id, name, aliases, center)

    def _load_resource(
        self,
        reader: NodeReader,
        node: Node,
        where: str,
        region: Region,
        needs: dict[str, Need],
        neighbourhoods: dict[str, Neighbourhood],
    ) -> Resource | None:
        required = ("id", "name", "description", "needs", "neighbourhood")
        fields = reader.mapping(node, where, _RESOURCE_FIELDS, required)
        if fields is None or not set(required) <= fields.keys():
            return None
        resource_id = reader.identifier(fields["id"], f"{where}.id", RESOURCE_ID_MAX)
        if resource_id:
            where = f"{where} ({resource_id})"
        ok = resource_id is not None

        def text_field(name: str) -> LocalizedText | None:
            nonlocal ok
            if name not in fields:
                return None
            value = self.ctx.localized(
                reader,
                fields[name],
                f"{where}.{name}",
                region.default_locale,
                proper_name=name in ("name", "organization"),
            )
            ok = ok and value is not None
            return value

        name = text_field("name")
        description = text_field("description")
        organization = text_field("organization")
        fees = text_field("fees_description")
        eligibility = text_field("eligibility_description")

        need_ids = reader.text_list(fields["needs"], f"{where}.needs") or ()
        for need_id in need_ids:
            if need_id not in needs:
                reader.error(
                    fields["needs"],
                    f"{where}.needs: unknown need {need_id!r}{did_you_mean(need_id, needs)};"
                    f" needs are listed in needs.yaml",
                )
                ok = False
        if not need_ids:
            reader.error(fields["needs"], f"{where}.needs: list at least one need")
            ok = False

        hood_id = reader.text(fields["neighbourhood"], f"{where}.neighbourhood")
        hood = neighbourhoods.get(hood_id or "")
        if hood_id and (hood is None or hood.region_id != region.id):
            reader.error(
                fields["neighbourhood"],
                f"{where}.neighbourhood: unknown neighbourhood {hood_id!r}"
                f"{did_you_mean(hood_id, neighbourhoods)}; list it under neighbourhoods first",
            )
            ok = False

        confidential = False
        if "confidential_address" in fields:
            flag = reader.flag(fields["confidential_address"], f"{where}.confidential_address")
            ok = ok and flag is not None
            confidential = bool(flag)
        locations = self._item_list(
            reader, fields, "locations", where, lambda item, at: self._location(reader, item, at)
        )
        if locations is None:
            ok = False
        elif confidential and locations:
            reader.error(
                fields["locations"],
                f"{where}.locations: this resource has confidential_address: true; remove"
                " locations so the address is never stored or shown",
            )
            ok = False

        phones = self._item_list(
            reader,
            fields,
            "phones",
            where,
            lambda item, at: self._phone(reader, item, at, region.default_locale),
        )
        ok = ok and phones is not None
        url = self._simple_text(reader, fields, "url", where)
        if url and not url.startswith(("https://", "http://")):
            reader.error(fields["url"], f"{where}.url: start the address with https://")
            ok = False
        email = self._simple_text(reader, fields, "email", where)
        if email and "@" not in email:
            reader.error(fields["email"], f"{where}.email: {email!r} is not an email address")
            ok = False

        languages: tuple[str, ...] = ()
        if "languages" in fields:
            languages = reader.text_list(fields["languages"], f"{where}.languages") or ()
            for code in languages:
                if not LANGUAGE_PATTERN.match(code):
                    reader.error(
                        fields["languages"],
                        f"{where}.languages: {code!r} is not a language code; use two letters"
                        " like en, es, zh",
                    )
                    ok = False

        timezone = region.timezone
        if "timezone" in fields:
            timezone = self._timezone(reader, fields["timezone"], f"{where}.timezone") or ""
            ok = ok and bool(timezone)
        hours = None
        if "opening_hours" in fields and timezone:
            expression = reader.text(fields["opening_hours"], f"{where}.opening_hours")
            if expression is not None:
                try:
                    hours = OpeningSchedule(expression, timezone)
                except HoursError as error:
                    reader.error(
                        fields["opening_hours"],
                        f"{where}.opening_hours: {expression!r} is not valid opening hours"
                        f' ({error}); write it like "Mo-Fr 09:00-17:00; Sa 10:00-14:00"',
                    )
            ok = ok and hours is not None

        documents = self._item_list(
            reader,
            fields,
            "required_documents",
            where,
            lambda item, at: self.ctx.localized(reader, item, at, region.default_locale),
        )
        ok = ok and documents is not None

        access = self._access(reader, fields, where)
        community = self._community(reader, fields, where)
        verified = self._verified(reader, fields, where)
        ok = ok and access is not None and community is not None and verified is not False

        if not ok or name is None or description is None or hood_id is None:
            return None
        return Resource(
            id=resource_id or "",
            region_id=region.id,
            name=name,
            description=description,
            needs=tuple(need_ids),
            neighbourhood_id=hood_id,
            access=access or Access(),
            organization=organization,
            locations=tuple(locations or ()),
            phones=tuple(phones or ()),
            url=url or "",
            email=email or "",
            languages=languages,
            hours=hours,
            fees_description=fees,
            eligibility_description=eligibility,
            required_documents=tuple(documents or ()),
            community=community or frozenset(),
            confidential_address=confidential,
            verified=verified or None,
            sample=region.sample,
        )

    def _simple_text(
        self, reader: NodeReader, fields: dict[str, Node], name: str, where: str
    ) -> str | None:
        return reader.text(fields[name], f"{where}.{name}") if name in fields else None

    def _item_list(
        self,
        reader: NodeReader,
        fields: dict[str, Node],
        name: str,
        where: str,
        read_item: Callable[[Node, str], T | None],
    ) -> list[T] | None:
        """An optional list field: [] when absent, None if any item is invalid."""
        if name not in fields:
            return []
        items = reader.sequence(fields[name], f"{where}.{name}")
        if items is None:
            return None
        values = [read_item(item, f"{where}.{name}[{i}]") for i, item in enumerate(items)]
        return None if None in values else [v for v in values if v is not None]

    def _location(self, reader: NodeReader, item: Node, at: str) -> Location | None:
        required = ("address_1", "city", "latitude", "longitude")
        loc = reader.mapping(item, at, _LOCATION_FIELDS, required)
        if loc is None or not set(required) <= loc.keys():
            return None
        parts = {
            name: reader.text(loc[name], f"{at}.{name}")
            for name in ("address_1", "address_2", "city", "state_province", "postal_code")
            if name in loc
        }
        point = self._point(reader, loc, at)
        if point is None or None in parts.values():
            return None
        address = Address(
            address_1=parts["address_1"] or "",
            city=parts["city"] or "",
            state_province=parts.get("state_province") or "",
            postal_code=parts.get("postal_code") or "",
            address_2=parts.get("address_2") or "",
        )
        return Location(address, point)

    def _phone(self, reader: NodeReader, item: Node, at: str, default_locale: str) -> Phone | None:
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
        description = None
        if "description" in phone:
            description = self.ctx.localized(
                reader, phone["description"], f"{at}.description", default_locale
            )
            if description is None:
                return None
        return None if number is None else Phone(number, description)

    def _access(self, reader: NodeReader, fields: dict[str, Node], where: str) -> Access | None:
        if "access" not in fields:
            reader.warning(
                fields["id"],
                f"{where}: no access facts; every one will show as unknown. Add an access:"
                " section (see docs/content.md)",
            )
            return Access()
        facts = reader.mapping(fields["access"], f"{where}.access", _ACCESS_FIELDS)
        if facts is None:
            return None
        values = {
            name: reader.choice(node, f"access.{name}", type(getattr(Access(), name)))
            for name, node in facts.items()
        }
        chosen = {name: value for name, value in values.items() if value is not None}
        if len(chosen) < len(values):
            return None
        return Access(**chosen)

    def _community(
        self, reader: NodeReader, fields: dict[str, Node], where: str
    ) -> frozenset[Community] | None:
        if "community" not in fields:
            return frozenset()
        items = reader.sequence(fields["community"], f"{where}.community")
        if items is None:
            return None
        marks = [reader.choice(item, f"{where}.community", Community) for item in items]
        return None if None in marks else frozenset(m for m in marks if m is not None)

    def _verified(
        self, reader: NodeReader, fields: dict[str, Node], where: str
    ) -> Verified | Literal[False] | None:
        """The verification, None when absent, False when invalid."""
        if "verified" not in fields:
            return None
        at = f"{where}.verified"
        parts = reader.mapping(fields["verified"], at, ("date", "method"), ("date", "method"))
        if parts is None or not {"date", "method"} <= parts.keys():
            return False
        date = reader.date(parts["date"], f"{at}.date")
        method = reader.choice(parts["method"], f"{at}.method", VerificationMethod)
        if date is None or method is None:
            return False
        return Verified(date, method)
