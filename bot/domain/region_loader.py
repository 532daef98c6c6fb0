"""Region files: the region, its neighbourhoods and its listings, validated field by field.

Every file is read in full even when its header is wrong (its listings are then checked
against what could be read). Ids are unique across all regions; when two files claim one,
the error goes to the file changed most recently (the one being written), naming both places.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.domain.listing_reader import (
    RESOURCE_ID_MAX,
    RegionFrame,
    Surroundings,
    read_listing,
    read_point,
    read_timezone,
)
from bot.domain.load_context import LoadContext
from bot.domain.models import DistanceUnit, LocalizedText, Need, Neighbourhood, Region, Resource
from bot.domain.places import Area, area_of, outliers
from bot.domain.reader import NodeReader
from bot.domain.shapes import country_problem
from bot.domain.strict_yaml import MappingNode, Node, ScalarNode, node_line

SHORT_ID_MAX = 20
DEFAULT_STALE_AFTER_DAYS = 365
MAX_STALE_AFTER_DAYS = 3 * 365
DEFAULT_COUNTRY = "US"
_REGION_FIELDS = (
    "id",
    "name",
    "sample",
    "default_locale",
    "timezone",
    "country",
    "distance_unit",
    "stale_after_days",
    "good_samaritan",
)
_REGION_REQUIRED = ("id", "name", "timezone")


@dataclass
class _RegionFile:
    """One region file read on its own, before its ids are checked against other files."""

    path: Path
    reader: NodeReader
    top: dict[str, Node]
    frame: RegionFrame
    region: Region | None
    region_line: int
    hoods: dict[str, Neighbourhood] = field(default_factory=dict)
    hood_lines: dict[str, int] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    resource_lines: dict[str, int] = field(default_factory=dict)
    # Ids of neighbourhoods with errors of their own: listings using them are not blamed too.
    broken_hoods: set[str] = field(default_factory=set)

    @property
    def age_key(self) -> tuple[int, str]:
        """Oldest first: the file changed last comes last and takes the blame for a clash."""
        try:
            modified = self.path.stat().st_mtime_ns
        except OSError:
            modified = 0
        return modified, str(self.path)


@dataclass(frozen=True)
class LoadedRegions:
    """The regions of every file, merged, and which file each region came from."""

    regions: dict[str, Region]
    neighbourhoods: dict[str, Neighbourhood]
    resources: dict[str, Resource]
    files: dict[str, str]


class RegionLoader:
    """Reads every region file, then checks ids and places across them."""

    def __init__(self, ctx: LoadContext, today: dt.date) -> None:
        self.ctx = ctx
        self.today = today

    def load_regions(
        self, paths: list[Path], needs: dict[str, Need], needs_complete: bool = True
    ) -> LoadedRegions:
        """Read, cross-check and merge region files (in path order)."""
        files = [f for f in (self._read_header(path) for path in paths) if f is not None]
        by_age = sorted(files, key=lambda f: f.age_key)
        claims: dict[str, tuple[str, str]] = {}
        declared: dict[str, tuple[Neighbourhood, str]] = {}
        for region_file in by_age:
            self._claim_region(region_file, claims)
            for hood_id in list(region_file.hoods):
                if self._claim(region_file, "neighbourhoods", hood_id, claims):
                    place = f"{region_file.reader.file}:{region_file.hood_lines[hood_id]}"
                    declared[hood_id] = (region_file.hoods[hood_id], place)
        areas = {f.frame.id: a for f in files if (a := self._area(f)) is not None}
        for region_file in files:
            around = Surroundings(
                needs,
                needs_complete,
                region_file.hoods,
                frozenset(region_file.broken_hoods),
                declared,
                areas,
                self.today,
            )
            self._read_listings(region_file, around)
        for region_file in by_age:
            for resource_id in list(region_file.resources):
                if not self._claim(region_file, "resources", resource_id, claims):
                    del region_file.resources[resource_id]
        return _merge(files)

    def _read_header(self, path: Path) -> _RegionFile | None:
        reader, node = self.ctx.read(path)
        if node is None:
            return None
        top = reader.mapping(
            node, path.name, ("region", "neighbourhoods", "resources"), ("region",)
        )
        if top is None:
            return None
        region, frame, line = self._region(reader, top.get("region"), path)
        region_file = _RegionFile(path, reader, top, frame, region, line)
        self._read_hoods(region_file)
        return region_file

    def _region(
        self, reader: NodeReader, node: Node | None, path: Path
    ) -> tuple[Region | None, RegionFrame, int]:
        """The region (None when its header is wrong) and the frame its listings are read in."""
        fallback = RegionFrame(path.stem, self.ctx.default_locale, None, DEFAULT_COUNTRY, False)
        if node is None:
            return None, fallback, 1
        fields = reader.mapping(node, "region", _REGION_FIELDS, _REGION_REQUIRED)
        if fields is None:
            return None, fallback, node_line(node)
        default_locale = self.ctx.default_locale
        if "default_locale" in fields:
            value = self.ctx.known_locale(reader, fields["default_locale"], "region.default_locale")
            default_locale = value or default_locale
        region_id = (
            reader.identifier(fields["id"], "region.id", SHORT_ID_MAX) if "id" in fields else None
        )
        timezone = (
            read_timezone(reader, fields["timezone"], "region.timezone")
            if "timezone" in fields
            else None
        )
        country = _country(reader, fields)
        sample = reader.flag(fields["sample"], "region.sample") if "sample" in fields else False
        frame = RegionFrame(
            region_id or path.stem,
            default_locale,
            timezone,
            country or DEFAULT_COUNTRY,
            bool(sample),
        )
        line = node_line(fields.get("id", node))
        region = self._build_region(reader, fields, frame, region_id, sample, country)
        return region, frame, line

    def _build_region(
        self,
        reader: NodeReader,
        fields: dict[str, Node],
        frame: RegionFrame,
        region_id: str | None,
        sample: bool | None,
        country: str | None,
    ) -> Region | None:
        name = (
            self.ctx.localized(
                reader, fields["name"], "region.name", frame.default_locale, proper_name=True
            )
            if "name" in fields
            else None
        )
        unit = (
            reader.choice(fields["distance_unit"], "region.distance_unit", DistanceUnit)
            if "distance_unit" in fields
            else DistanceUnit.KILOMETER
        )
        stale = _stale_after(reader, fields)
        good_samaritan = self._good_samaritan(reader, fields, frame)
        if (
            region_id is None
            or name is None
            or frame.timezone is None
            or sample is None
            or unit is None
            or stale is None
            or country is None
            or good_samaritan is False
        ):
            return None
        return Region(
            region_id,
            name,
            frame.sample,
            frame.default_locale,
            frame.timezone,
            unit,
            stale,
            good_samaritan,
            country,
        )

    def _good_samaritan(
        self, reader: NodeReader, fields: dict[str, Node], frame: RegionFrame
    ) -> LocalizedText | Literal[False] | None:
        """The region's Good Samaritan text: None when absent, False when unusable."""
        if "good_samaritan" not in fields:
            return None
        text = self.ctx.localized(
            reader, fields["good_samaritan"], "region.good_samaritan", frame.default_locale
        )
        return False if text is None else text

    def _read_hoods(self, region_file: _RegionFile) -> None:
        reader = region_file.reader
        items = region_file.top.get("neighbourhoods")
        for index, item in enumerate(
            reader.sequence(items, "neighbourhoods") or [] if items else []
        ):
            where = f"neighbourhoods[{index}]"
            hood = self._hood(reader, item, where, region_file.frame)
            if hood is None:
                region_file.broken_hoods.update(_written_id(item))
                continue
            line = _id_line(item)
            if hood.id in region_file.hoods:
                first = region_file.hood_lines[hood.id]
                reader.problems.error(
                    reader.file,
                    line,
                    f"{where}.id: duplicate id {hood.id!r} (first at line {first})",
                )
                continue
            region_file.hoods[hood.id] = hood
            region_file.hood_lines[hood.id] = line

    def _hood(
        self, reader: NodeReader, node: Node, where: str, frame: RegionFrame
    ) -> Neighbourhood | None:
        fields = reader.mapping(
            node, where, ("id", "name", "aliases", "center"), ("id", "name", "center")
        )
        if fields is None or not {"id", "name", "center"} <= fields.keys():
            return None
        hood_id = reader.identifier(fields["id"], f"{where}.id", SHORT_ID_MAX)
        name = self.ctx.localized(
            reader, fields["name"], f"{where}.name", frame.default_locale, proper_name=True
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
        center = read_point(reader, center_fields or {}, f"{where}.center")
        if hood_id is None or name is None or aliases is None or center is None:
            return None
        return Neighbourhood(hood_id, frame.id, name, aliases, center)

    def _area(self, region_file: _RegionFile) -> Area | None:
        """The box of a region's neighbourhoods, after reporting any far from the others."""
        hoods = list(region_file.hoods.values())
        far = set(outliers([hood.center for hood in hoods]))
        for index in sorted(far):
            hood = hoods[index]
            region_file.reader.problems.warning(
                region_file.reader.file,
                region_file.hood_lines[hood.id],
                f"neighbourhood {hood.id!r}: its center is far from the region's other"
                " neighbourhoods; check the coordinates (a longitude in the Americas is"
                " negative, one in Asia positive)",
            )
        return area_of([hood.center for i, hood in enumerate(hoods) if i not in far])

    def _claim_region(self, region_file: _RegionFile, claims: dict[str, tuple[str, str]]) -> None:
        region = region_file.region
        if region is None:
            return
        key = f"region {region.id}"
        here = f"{region_file.reader.file}:{region_file.region_line}"
        if key in claims:
            region_file.reader.problems.error(
                region_file.reader.file,
                region_file.region_line,
                f"region.id: {region.id!r} is already the id of the region in {claims[key][1]};"
                " give this region its own id (a big area can be split into several regions,"
                " see docs/admins.md)",
            )
            region_file.region = None
            return
        claims[key] = (region.id, here)

    @staticmethod
    def _claim(
        region_file: _RegionFile, kind: str, item_id: str, claims: dict[str, tuple[str, str]]
    ) -> bool:
        """Record that a file declares an id; False (with an error) if an older file has it."""
        lines = region_file.hood_lines if kind == "neighbourhoods" else region_file.resource_lines
        key = f"{kind} {item_id}"
        here = f"{region_file.reader.file}:{lines[item_id]}"
        if key not in claims:
            claims[key] = (region_file.frame.id, here)
            return True
        owner, there = claims[key]
        thing = "neighbourhood" if kind == "neighbourhoods" else "listing"
        region_file.reader.problems.error(
            region_file.reader.file,
            lines[item_id],
            f"{kind}: id {item_id!r} is already used by a {thing} of region {owner!r} ({there});"
            f" ids are unique across all regions: give this {thing} another id, like"
            f" {_prefixed(region_file.frame.id, item_id, kind)!r}",
        )
        return False

    def _read_listings(self, region_file: _RegionFile, around: Surroundings) -> None:
        reader = region_file.reader
        items = region_file.top.get("resources")
        for index, item in enumerate(reader.sequence(items, "resources") or [] if items else []):
            where = f"resources[{index}]"
            resource = read_listing(self.ctx, reader, item, where, region_file.frame, around)
            if resource is None:
                continue
            line = _id_line(item)
            if resource.id in region_file.resources:
                first = region_file.resource_lines[resource.id]
                reader.problems.error(
                    reader.file,
                    line,
                    f"{where}.id: duplicate id {resource.id!r} (first at line {first}); give"
                    " each listing its own id",
                )
                continue
            region_file.resources[resource.id] = resource
            region_file.resource_lines[resource.id] = line


def _merge(files: list[_RegionFile]) -> LoadedRegions:
    loaded = LoadedRegions({}, {}, {}, {})
    for region_file in files:
        if region_file.region is not None:
            loaded.regions[region_file.region.id] = region_file.region
            loaded.files[region_file.region.id] = region_file.reader.file
        for hood_id, hood in region_file.hoods.items():
            loaded.neighbourhoods.setdefault(hood_id, hood)
        loaded.resources.update(region_file.resources)
    return loaded


def _prefixed(region_id: str, item_id: str, kind: str) -> str:
    """An id made unique by the region's id, within the length allowed for its kind."""
    longest = SHORT_ID_MAX if kind == "neighbourhoods" else RESOURCE_ID_MAX
    return f"{region_id}-{item_id}"[:longest].rstrip("-_")


def _written_id(item: Node) -> set[str]:
    """The id an item was given, as written (even if invalid), or none."""
    if isinstance(item, MappingNode):
        for key, value in item.value:
            if isinstance(key, ScalarNode) and key.value == "id" and isinstance(value, ScalarNode):
                return {value.value}
    return set()


def _id_line(item: Node) -> int:
    """The line of an item's `id:` (where an admin fixes a clash), else of the item."""
    if isinstance(item, MappingNode):
        for key, value in item.value:
            if isinstance(key, ScalarNode) and key.value == "id":
                return node_line(value)
    return node_line(item)


def _country(reader: NodeReader, fields: dict[str, Node]) -> str | None:
    """An ISO 3166 two-letter country code (default US): it sets the shapes of phone numbers
    and postal codes."""
    if "country" not in fields:
        return DEFAULT_COUNTRY
    value = reader.text(fields["country"], "region.country")
    if value is None:
        return None
    problem = country_problem(value)
    if problem is not None:
        reader.error(fields["country"], f"region.country: {problem}")
        return None
    return value


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
