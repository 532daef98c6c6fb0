"""Our content as HSDS 3.0 services, each nesting its organization, locations, phones, hours,
service area and attributes as `compiled/service.json` does."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError

from bot.domain.models import Access, Content, LocalizedText, Neighbourhood, Resource
from bot.hsds import taxonomy as tx
from bot.hsds.ids import stable_id
from bot.hsds.schedules import to_hsds


@dataclass(frozen=True)
class ExportOptions:
    """Which listings, in which language, and the country code every address carries."""

    area: str | None = None
    lang: str | None = None
    country: str = "US"


@dataclass(frozen=True)
class Export:
    """The exported services, and the listings whose hours HSDS could only hold as text."""

    services: tuple[dict[str, Any], ...]
    hours_as_text: tuple[tuple[str, str], ...]


def export_content(content: Content, options: ExportOptions) -> Export:
    """Every listing (of `options.area`, if given) as a compiled HSDS service."""
    services = []
    lost = []
    for resource in content.resources.values():
        if options.area and resource.region_id != options.area:
            continue
        builder = _ServiceBuilder(content, resource, options)
        services.append(builder.service())
        if builder.hours_lost:
            lost.append((resource.id, resource.hours.expression if resource.hours else ""))
    return Export(tuple(services), tuple(lost))


class _ServiceBuilder:
    """Builds one service; `hours_lost` tells whether its hours became text only."""

    def __init__(self, content: Content, resource: Resource, options: ExportOptions) -> None:
        self.content = content
        self.resource = resource
        self.region = content.regions[resource.region_id]
        self.lang = options.lang or self.region.default_locale
        self.country = options.country
        self.id = stable_id("service", resource.id)
        self.hours_lost = False

    def _id(self, *parts: str) -> str:
        return stable_id("service", self.resource.id, *parts)

    def _main(self, text: LocalizedText) -> str:
        return text.get(self.lang)

    def _texts(
        self, owner: str, entity: str, field: str, text: LocalizedText | None
    ) -> list[dict[str, Any]]:
        """Attributes with every language of a text that has more than one written version."""
        if text is None or text.same_in_every_locale:
            return []
        return [
            tx.attribute_record(
                owner,
                entity,
                tx.term_record(tx.text_code(locale), f"Text in {locale}", _TEXT_TERM),
                field,
                value,
            )
            for locale, value in text.values.items()
            if value
        ]

    def service(self) -> dict[str, Any]:
        """The compiled service record."""
        r = self.resource
        service: dict[str, Any] = {
            "id": self.id,
            "name": self._main(r.name),
            "description": self._main(r.description),
            "status": "active",
        }
        optional = {
            "url": r.url,
            "email": r.email,
            "fees_description": self._main(r.fees_description) if r.fees_description else "",
            "eligibility_description": (
                self._main(r.eligibility_description) if r.eligibility_description else ""
            ),
            "assured_date": r.verified.date.isoformat() if r.verified else "",
        }
        service.update({key: value for key, value in optional.items() if value})
        organization = self._organization()
        service["organization_id"] = organization["id"]
        service["organization"] = organization
        service["phones"] = self._phones()
        service["schedules"] = self._schedules()
        service["service_areas"] = [self._service_area()]
        service["service_at_locations"] = self._service_at_locations()
        service["languages"] = self._languages()
        service["required_documents"] = self._documents()
        service["attributes"] = self._attributes()
        return service

    def _organization(self) -> dict[str, Any]:
        # The tabular form requires every service to have an organization: a listing without
        # one is its own organization (the importer leaves that name out again).
        name = self.resource.organization or self.resource.name
        org_id = stable_id("organization", name.get(self.region.default_locale))
        attributes = self._texts(org_id, "organization", "name", self.resource.organization)
        if self.resource.organization is None:
            org_id = stable_id("organization", "listing", self.resource.id)
            term = tx.term_record(tx.STANDS_IN, "No separate organization", _STANDS_IN_TERM)
            attributes = [tx.attribute_record(org_id, "organization", term)]
        return {
            "id": org_id,
            "name": self._main(name),
            "description": f"{self._main(name)}: listed in Waypoint.",
            "attributes": attributes,
        }

    def _phones(self) -> list[dict[str, Any]]:
        phones = []
        for index, phone in enumerate(self.resource.phones):
            phone_id = self._id("phone", str(index))
            record: dict[str, Any] = {"id": phone_id, "service_id": self.id, "number": phone.number}
            if phone.description:
                record["description"] = self._main(phone.description)
            record["attributes"] = self._texts(phone_id, "phone", "description", phone.description)
            phones.append(record)
        return phones

    def _schedules(self) -> list[dict[str, Any]]:
        if self.resource.hours is None:
            return []
        schedules, complete = to_hsds(self.resource.hours.expression, self.id, self._id)
        self.hours_lost = not complete
        return schedules

    def _service_area(self) -> dict[str, Any]:
        """The neighbourhood, with its centre: all a confidential listing says about where."""
        hood = self.content.neighbourhoods[self.resource.neighbourhood_id]
        area_id = self._id("service_area", hood.id)
        attributes = [_value_attribute(area_id, "service_area", tx.NEIGHBOURHOOD, hood.id)]
        attributes += [_value_attribute(area_id, "service_area", tx.ALIAS, a) for a in hood.aliases]
        attributes += self._texts(area_id, "service_area", "name", hood.name)
        return {
            "id": area_id,
            "service_id": self.id,
            "name": self._main(hood.name),
            "description": f"Neighbourhood {hood.id}",
            "extent": _point_geojson(hood),
            "extent_type": "geojson",
            "attributes": attributes,
        }

    def _service_at_locations(self) -> list[dict[str, Any]]:
        if self.resource.confidential_address:
            return []  # never an address or a point more precise than the neighbourhood's
        links = []
        for index, location in enumerate(self.resource.locations):
            location_id = self._id("location", str(index))
            address = dataclasses.asdict(location.address)
            address = {key: value for key, value in address.items() if value or key != "address_2"}
            record = {
                "id": location_id,
                "location_type": "physical",
                "latitude": location.point.latitude,
                "longitude": location.point.longitude,
                "addresses": [
                    {
                        "id": self._id("address", str(index)),
                        "location_id": location_id,
                        **address,
                        "country": self.country,
                        "address_type": "physical",
                    }
                ],
            }
            links.append(
                {
                    "id": self._id("service_at_location", str(index)),
                    "service_id": self.id,
                    "location_id": location_id,
                    "location": record,
                }
            )
        return links

    def _languages(self) -> list[dict[str, Any]]:
        return [
            {
                "id": self._id("language", code),
                "service_id": self.id,
                "code": code,
                "name": _language_name(code),
            }
            for code in self.resource.languages
        ]

    def _documents(self) -> list[dict[str, Any]]:
        documents = []
        for index, document in enumerate(self.resource.required_documents):
            doc_id = self._id("required_document", str(index))
            documents.append(
                {
                    "id": doc_id,
                    "service_id": self.id,
                    "document": self._main(document),
                    "attributes": self._texts(doc_id, "required_document", "document", document),
                }
            )
        return documents

    def _attributes(self) -> list[dict[str, Any]]:
        r = self.resource
        tags = [_value_attribute(self.id, "service", tx.LISTING_ID, r.id)]
        tags += [_code_attribute(self.id, tx.need_code(n), self._need_name(n)) for n in r.needs]
        tags += [_code_attribute(self.id, code, code) for code in _access_codes(r.access)]
        tags += [
            _code_attribute(self.id, tx.community_code(mark), mark) for mark in sorted(r.community)
        ]
        if r.confidential_address:
            tags.append(_code_attribute(self.id, tx.CONFIDENTIAL, "Confidential address"))
        if r.verified:
            method = r.verified.method.value
            tags.append(_code_attribute(self.id, tx.verified_code(method), f"Verified: {method}"))
        if r.sample:
            tags.append(_code_attribute(self.id, tx.SAMPLE, "Sample data, not a real listing"))
        zone = r.hours.zone.key if r.hours else self.region.timezone
        tags.append(_value_attribute(self.id, "service", tx.TIMEZONE, zone))
        for field in ("name", "description", "fees_description", "eligibility_description"):
            tags += self._texts(self.id, "service", field, getattr(r, field))
        return tags

    def _need_name(self, need_id: str) -> str:
        need = self.content.needs.get(need_id)
        return need.name.get(self.lang) if need else need_id


_STANDS_IN_TERM = "The listing has no organization of its own; this record stands in for it."
_TEXT_TERM = "The field named by link_type, in the language of this term (the value)."
_VALUE_TERMS = {
    tx.LISTING_ID: ("Waypoint listing id", "The listing's id in Waypoint's content files."),
    tx.NEIGHBOURHOOD: ("Neighbourhood", "The id of the neighbourhood this area is (the value)."),
    tx.ALIAS: ("Other name", "Another name people use for this area (the value)."),
    tx.TIMEZONE: ("Time zone", "The IANA time zone the opening hours are read in (the value)."),
}


def _value_attribute(owner: str, entity: str, code: str, value: str) -> dict[str, Any]:
    name, description = _VALUE_TERMS[code]
    return tx.attribute_record(owner, entity, tx.term_record(code, name, description), "", value)


def _code_attribute(owner: str, code: str, name: str) -> dict[str, Any]:
    term = tx.term_record(code, name, f"Waypoint term {code}; see docs/hsds.md.")
    return tx.attribute_record(owner, "service", term)


def _access_codes(access: Access) -> list[str]:
    """Terms for the facts that are known; an unknown fact is simply left out."""
    return [
        tx.access_code(fact, str(getattr(access, fact).value))
        for fact in Access.__dataclass_fields__
        if getattr(access, fact).value != "unknown"
    ]


def _point_geojson(hood: Neighbourhood) -> str:
    return f'{{"type": "Point", "coordinates": [{hood.center.longitude}, {hood.center.latitude}]}}'


def _language_name(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name("en") or code
    except (UnknownLocaleError, ValueError):
        return code
