"""A new region file: a commented skeleton an admin fills in, and the ids already taken."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.domain.hours import HoursError, load_zone
from bot.domain.models import Access
from bot.domain.problems import Problems
from bot.domain.reader import ID_PATTERN
from bot.domain.shapes import COUNTRIES, country_problem
from bot.domain.strict_yaml import MappingNode, Node, ScalarNode, SequenceNode, parse_yaml

REGION_ID_MAX = 20
_MILE_COUNTRIES = ("US", "GB", "LR", "MM")


class SkeletonError(ValueError):
    """A new-region request that cannot be written, with what to do instead."""


@dataclass(frozen=True)
class NewRegion:
    """What `new-region` was asked for, already checked."""

    id: str
    name: str
    timezone: str
    country: str


def check_request(region_id: str, name: str, timezone: str, country: str) -> NewRegion:
    """The request, or SkeletonError naming what is wrong."""
    if not ID_PATTERN.match(region_id) or len(region_id) > REGION_ID_MAX:
        raise SkeletonError(
            f"{region_id!r} is not a valid region id; use at most {REGION_ID_MAX} lower-case"
            " letters, digits, - and _, like oakland or east-bay"
        )
    if not name.strip():
        raise SkeletonError("--name is empty; write the area's name, like 'Oakland, California'")
    try:
        load_zone(timezone)
    except HoursError:
        raise SkeletonError(
            f"--timezone {timezone!r} is not a known time zone; use an IANA name like"
            " America/Los_Angeles or Europe/Madrid"
        ) from None
    problem = country_problem(country)
    if problem is not None:
        raise SkeletonError(f"--country {problem}")
    return NewRegion(region_id, name.strip(), timezone, country)


def taken_ids(regions_folder: Path) -> dict[str, str]:
    """Every region, neighbourhood and listing id in the region files, with its file:line."""
    taken: dict[str, str] = {}
    for path in sorted(regions_folder.glob("*.yaml")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        node = parse_yaml(text, str(path), Problems())
        for item_id, line in _declared_ids(node):
            taken.setdefault(item_id, f"{path}:{line}")
    return taken


def _declared_ids(node: Node | None) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    top = dict(_pairs(node))
    found.extend(_pairs_id(top.get("region")))
    for name in ("neighbourhoods", "resources"):
        items = top.get(name)
        for item in items.value if isinstance(items, SequenceNode) else []:
            found.extend(_pairs_id(item))
    return found


def _pairs(node: Node | None) -> list[tuple[str, Node]]:
    if not isinstance(node, MappingNode):
        return []
    return [(k.value, v) for k, v in node.value if isinstance(k, ScalarNode)]


def _pairs_id(node: Node | None) -> list[tuple[str, int]]:
    value = dict(_pairs(node)).get("id")
    return [(value.value, value.line)] if isinstance(value, ScalarNode) else []


def first_need(content: Path) -> str:
    """The first need in needs.yaml that is not the urgent one (for the example listing)."""
    try:
        text = (content / "needs.yaml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    items = dict(_pairs(parse_yaml(text, "needs.yaml", Problems()))).get("needs")
    for item in items.value if isinstance(items, SequenceNode) else []:
        fields = dict(_pairs(item))
        need_id, urgent = fields.get("id"), fields.get("urgent")
        if isinstance(need_id, ScalarNode) and not (
            isinstance(urgent, ScalarNode) and urgent.value == "true"
        ):
            return need_id.value
    raise SkeletonError(
        f"{content / 'needs.yaml'} lists no needs; write it first (docs/content.md)"
    )


def write_region(content: Path, request: NewRegion) -> Path:
    """Write regions/<id>.yaml, refusing an existing file or an id already taken."""
    folder = content / "regions"
    if not folder.is_dir():
        raise SkeletonError(f"{folder} is not a folder; is {content} the content folder?")
    target = folder / f"{request.id}.yaml"
    if target.exists():
        raise SkeletonError(f"{target} already exists; it was left as it is")
    need = first_need(content)
    taken = taken_ids(folder)
    for wanted in (request.id, _hood_id(request.id), _listing_id(request.id)):
        if wanted in taken:
            raise SkeletonError(
                f"the id {wanted!r} is already taken ({taken[wanted]}); choose another region id"
            )
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(skeleton(request, need))
    except FileExistsError:
        raise SkeletonError(f"{target} already exists; it was left as it is") from None
    return target


def _hood_id(region_id: str) -> str:
    return f"{region_id[: REGION_ID_MAX - 7]}-centre"


def _listing_id(region_id: str) -> str:
    return f"{region_id}-example"


def skeleton(request: NewRegion, need: str) -> str:
    """The commented region file for `request`; it validates (with warnings to act on)."""
    unit = "mile" if request.country in _MILE_COUNTRIES else "kilometer"
    shapes = COUNTRIES.get(request.country)
    phone = shapes.phone_example if shapes else "+00 000 000 000"
    facts = "\n".join(f'      {name}: "unknown"' for name in Access.__dataclass_fields__)
    return _TEMPLATE.format(
        id=request.id,
        name=json.dumps(request.name, ensure_ascii=False),
        timezone=request.timezone,
        country=request.country,
        unit=unit,
        hood=_hood_id(request.id),
        listing=_listing_id(request.id),
        phone=phone,
        need=need,
        facts=facts,
    )


_TEMPLATE = """\
# Region file written by `python -m bot new-region`. Every field is described in
# docs/content.md; docs/admins.md says how to add listings and read the validator's output.
# Check your changes with: python -m bot validate
region:
  id: {id}  # at most 20 characters; unique across all regions
  name: {name}  # or one text per language, like {{en: ..., es: ...}}
  sample: true  # marks every listing "[sample]": set false once listings are real
  timezone: {timezone}  # opening hours are read in this zone
  country: {country}  # phone numbers and postal codes are checked for this country
  distance_unit: {unit}
  stale_after_days: 365  # listings not checked for this many days show "not checked recently"

neighbourhoods:
  # One entry per area people know by name. Ids are unique across ALL regions.
  - id: {hood}
    name: "Centre"  # written once: the same in every language
    aliases: []  # other names people type, like [downtown, "city centre"]
    # Replace 0, 0 with the real centre (docs/admins.md, finding coordinates).
    center: {{latitude: 0.0, longitude: 0.0}}

resources:
  # One entry per service. Copy this block for the next one.
  - id: {listing}  # at most 32 characters; unique everywhere
    name: "Example service (replace me)"
    description: "What the place offers, in one or two plain sentences."
    needs: [{need}]  # ids from needs.yaml
    neighbourhood: {hood}
    phones:
      - number: "{phone}"  # always in quotes
    # A place people can visit has an address; leave `locations` out for a phone-only
    # service or a confidential address (then add confidential_address: true).
    # locations:
    #   - address_1: "1 Main Street"
    #     city: "City"
    #     postal_code: "00000"  # always in quotes
    #     latitude: 0.0
    #     longitude: 0.0
    # opening_hours: "Mo-Fr 09:00-17:00"
    # url: "https://example.org"
    # verified:
    #   date: 2026-01-31
    #   method: phone  # phone, visit, email, website or partner
    # What the service asks of people. Change a fact only once you have confirmed it:
    # "unknown" is shown to people as not known yet (see docs/content.md for the words).
    access:
{facts}
"""
