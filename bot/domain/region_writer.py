"""Writes a region file (docs/content.md) from listings, with comments for whoever checks it;
shared by every importer (HSDS now, spreadsheets later)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain.models import Access, LocalizedText, Neighbourhood, Region, Resource

# Characters a YAML reader refuses or takes as line breaks, even inside quotes.
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class RegionDraft:
    """What goes into one region file, with comment lines for the file and per resource id."""

    region: Region
    neighbourhoods: Sequence[Neighbourhood]
    resources: Sequence[Resource]
    header: Sequence[str] = ()
    notes: Mapping[str, Sequence[str]] = field(default_factory=dict)


def quote(text: str) -> str:
    """`text` as a YAML double-quoted scalar that reads back exactly (never a boolean or number)."""
    dumped = json.dumps(text, ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def region_yaml(draft: RegionDraft) -> str:
    """The region file's text."""
    lines = [_comment(line) for line in draft.header]
    lines += _region_lines(draft.region)
    lines += ["", "neighbourhoods:"]
    for hood in draft.neighbourhoods:
        lines += _neighbourhood_lines(hood, draft.region.default_locale)
    lines += ["", "resources:"]
    for resource in draft.resources:
        lines.append("")
        lines += ["  " + _comment(note) for note in draft.notes.get(resource.id, ())]
        lines += _resource_lines(resource, draft.region)
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return "# " + " ".join(text.split()) if text.strip() else "#"


def _text(
    key: str, text: LocalizedText, indent: str, default_locale: str, proper_name: bool = False
) -> list[str]:
    """A text written once when that reads back the same, else one line per language."""
    values = {k: v for k, v in text.values.items() if v}
    once = text.same_in_every_locale or (not proper_name and list(values) == [default_locale])
    if once:
        return [f"{indent}{key}: {quote(text.values[text.default_locale])}"]
    return [f"{indent}{key}:"] + [f"{indent}  {loc}: {quote(v)}" for loc, v in values.items()]


def _region_lines(region: Region) -> list[str]:
    lines = ["region:", f"  id: {quote(region.id)}"]
    lines += _text("name", region.name, "  ", region.default_locale, proper_name=True)
    lines += [
        f"  sample: {'true' if region.sample else 'false'}",
        f"  default_locale: {quote(region.default_locale)}",
        f"  timezone: {quote(region.timezone)}",
        f"  distance_unit: {quote(region.distance_unit.value)}",
        f"  stale_after_days: {region.stale_after_days}",
    ]
    if region.good_samaritan:
        lines += _text("good_samaritan", region.good_samaritan, "  ", region.default_locale)
    return lines


def _neighbourhood_lines(hood: Neighbourhood, default_locale: str) -> list[str]:
    lines = ["", f"  - id: {quote(hood.id)}"]
    lines += _text("name", hood.name, "    ", default_locale, proper_name=True)
    if hood.aliases:
        lines.append(f"    aliases: [{', '.join(quote(a) for a in hood.aliases)}]")
    lines.append(
        f"    center: {{latitude: {hood.center.latitude!r}, longitude: {hood.center.longitude!r}}}"
    )
    return lines


def _resource_lines(r: Resource, region: Region) -> list[str]:
    loc = region.default_locale
    lines = [f"  - id: {quote(r.id)}"]
    lines += _text("name", r.name, "    ", loc, proper_name=True)
    if r.organization:
        lines += _text("organization", r.organization, "    ", loc, proper_name=True)
    lines += _text("description", r.description, "    ", loc)
    lines.append(f"    needs: [{', '.join(quote(n) for n in r.needs)}]")
    lines.append(f"    neighbourhood: {quote(r.neighbourhood_id)}")
    if r.confidential_address:
        lines.append("    confidential_address: true")
    lines += _location_lines(r)
    lines += _phone_lines(r, loc)
    lines += [f"    {key}: {quote(getattr(r, key))}" for key in ("url", "email") if getattr(r, key)]
    if r.languages:
        lines.append(f"    languages: [{', '.join(quote(code) for code in r.languages)}]")
    if r.hours:
        lines.append(f"    opening_hours: {quote(r.hours.expression)}")
        if r.hours.zone.key != region.timezone:
            lines.append(f"    timezone: {quote(r.hours.zone.key)}")
    for key in ("fees_description", "eligibility_description"):
        text = getattr(r, key)
        if text:
            lines += _text(key, text, "    ", loc)
    if r.required_documents:
        lines.append("    required_documents:")
        for document in r.required_documents:
            lines += _list_text(document, loc)
    lines += _access_lines(r.access)
    if r.community:
        lines.append(f"    community: [{', '.join(sorted(m.value for m in r.community))}]")
    if r.verified:
        lines += [
            "    verified:",
            f"      date: {r.verified.date.isoformat()}",
            f"      method: {r.verified.method.value}",
        ]
    return lines


def _list_text(text: LocalizedText, default_locale: str) -> list[str]:
    values = {k: v for k, v in text.values.items() if v}
    if list(values) == [default_locale]:
        return [f"      - {quote(values[default_locale])}"]
    pairs = list(values.items())
    first, *rest = pairs
    return [f"      - {first[0]}: {quote(first[1])}"] + [
        f"        {k}: {quote(v)}" for k, v in rest
    ]


def _location_lines(r: Resource) -> list[str]:
    if not r.locations:
        return []
    lines = ["    locations:"]
    for location in r.locations:
        address = location.address
        parts = [
            ("address_1", address.address_1),
            ("address_2", address.address_2),
            ("city", address.city),
            ("state_province", address.state_province),
            ("postal_code", address.postal_code),
        ]
        written = [(key, value) for key, value in parts if value]
        lines.append(f"      - {written[0][0]}: {quote(written[0][1])}")
        lines += [f"        {key}: {quote(value)}" for key, value in written[1:]]
        lines.append(f"        latitude: {location.point.latitude!r}")
        lines.append(f"        longitude: {location.point.longitude!r}")
    return lines


def _phone_lines(r: Resource, default_locale: str) -> list[str]:
    if not r.phones:
        return []
    lines = ["    phones:"]
    for phone in r.phones:
        lines.append(f"      - number: {quote(phone.number)}")
        if phone.description:
            lines += _text("description", phone.description, "        ", default_locale)
    return lines


def _access_lines(access: Access) -> list[str]:
    """Every fact, unknown ones too, so whoever checks the file sees what is left to confirm."""
    facts = [(fact, getattr(access, fact).value) for fact in Access.__dataclass_fields__]
    return ["    access:"] + [f"      {fact}: {quote(value)}" for fact, value in facts]
