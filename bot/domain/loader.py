"""Loads and validates a content folder into `Content`, collecting every problem on the way."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bot.domain.hours import HoursError, OpeningSchedule, load_zone
from bot.domain.models import (
    Access,
    Address,
    Community,
    Content,
    DistanceUnit,
    GeoPoint,
    LocalizedText,
    Location,
    Need,
    Neighbourhood,
    Page,
    PageText,
    Phone,
    Region,
    Resource,
    Section,
    VerificationMethod,
    Verified,
)
from bot.domain.problems import Problems
from bot.domain.reader import LOCALE_PATTERN, NodeReader, did_you_mean
from bot.domain.strict_yaml import (
    MAX_FILE_BYTES,
    Node,
    ScalarNode,
    node_line,
    parse_yaml,
)

T = TypeVar("T")
RESOURCE_ID_MAX = 32
SHORT_ID_MAX = 20
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


@dataclass
class Coverage:
    """How many user-readable texts exist in each locale, and where they are missing."""

    total: int = 0
    present: Counter[str] = field(default_factory=Counter)
    missing: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))

    def record(self, file: str, line: int, locales: tuple[str, ...], values: dict) -> None:
        self.total += 1
        for locale in locales:
            if values.get(locale):
                self.present[locale] += 1
            else:
                self.missing[(file, locale)].append(line)

    def percent(self, locale: str) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.present[locale] / self.total


@dataclass(frozen=True)
class LoadResult:
    """The content (None when there were errors), every problem, and translation coverage."""

    content: Content | None
    problems: Problems
    coverage: Coverage


class _ContentLoader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems = Problems()
        self.coverage = Coverage()
        self.default_locale = "en"
        self.locales: tuple[str, ...] = ("en",)

    def display(self, path: Path) -> str:
        """The path as the admin named it (content folder as given, then the file)."""
        return str(path)

    def read(self, path: Path) -> tuple[NodeReader, Node | None]:
        reader = NodeReader(self.display(path), self.problems)
        text = self.read_text(path, reader.file)
        if text is None:
            return reader, None
        before = len(self.problems.items)
        node = parse_yaml(text, reader.file, self.problems)
        if node is None and len(self.problems.items) == before:
            self.problems.error(reader.file, 1, "the file is empty; see docs/content.md")
        return reader, node

    def read_text(self, path: Path, shown: str) -> str | None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.problems.error(
                    shown, 1, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; split it"
                )
                return None
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problems.error(shown, 1, "not UTF-8 text; save the file as UTF-8")
        except OSError as error:
            self.problems.error(shown, 1, f"cannot read the file: {error.strerror}")
        return None

    def localized(
        self,
        reader: NodeReader,
        node: Node,
        where: str,
        default_locale: str,
        *,
        proper_name: bool = False,
    ) -> LocalizedText | None:
        """Text to show users. A proper name written once is the same in every locale;
        any other text written once is in `default_locale` and counts as untranslated."""
        values = reader.localized(node, where, self.locales, default_locale)
        if values is None:
            return None
        if not values.get(default_locale):
            reader.error(
                node, f"{where}: the {default_locale!r} text is missing; it is the fallback"
            )
            return None
        written_once = isinstance(node, ScalarNode)
        if not (proper_name and written_once):
            self.coverage.record(reader.file, node_line(node), self.locales, dict(values))
        return LocalizedText(dict(values), default_locale, proper_name and written_once)

    def known_locale(self, reader: NodeReader, node: Node, where: str) -> str | None:
        """A locale listed in settings.yaml."""
        value = reader.text(node, where)
        if value is not None and value not in self.locales:
            reader.error(node, f"{where}: {value!r} is not one of: {', '.join(self.locales)}")
            return None
        return value

    # settings.yaml

    def load_settings(self) -> None:
        path = self.root / "settings.yaml"
        if not path.exists():
            self.problems.error(
                self.display(path), 1, "missing; it names the default locale and the locales"
            )
            return
        reader, node = self.read(path)
        if node is None:
            return
        fields = reader.mapping(node, "settings", ("default_locale", "locales"), ("locales",))
        if fields is None:
            return
        locales = reader.text_list(fields["locales"], "locales") if "locales" in fields else None
        if locales:
            bad = [loc for loc in locales if not LOCALE_PATTERN.match(loc)]
            for loc in bad:
                reader.error(fields["locales"], f"locales: {loc!r} is not a locale code like es")
            self.locales = tuple(loc for loc in locales if loc not in bad) or self.locales
        if "default_locale" in fields:
            default = self.known_locale(reader, fields["default_locale"], "default_locale")
            self.default_locale = default or self.default_locale
        else:
            self.default_locale = self.locales[0]

    # needs.yaml

    def load_needs(self) -> dict[str, Need]:
        path = self.root / "needs.yaml"
        needs: dict[str, Need] = {}
        if not path.exists():
            self.problems.error(self.display(path), 1, "missing; the bot needs a list of needs")
            return needs
        reader, node = self.read(path)
        if node is None:
            return needs
        top = reader.mapping(node, "needs.yaml", ("needs",), ("needs",))
        self.collect(
            reader, top or {}, "needs", needs, lambda item, at: self.load_need(reader, item, at)
        )
        urgent = [n for n in needs.values() if n.urgent]
        if len(urgent) > 1:
            reader.error(node, "needs: only one need may have `urgent: true`")
        elif not urgent and needs:
            reader.warning(node, "needs: no need has `urgent: true`; urgent words will not work")
        return needs

    def load_need(self, reader: NodeReader, node: Node, where: str) -> Need | None:
        fields = reader.mapping(
            node, where, ("id", "name", "search_words", "urgent"), ("id", "name")
        )
        if fields is None:
            return None
        need_id = (
            reader.identifier(fields["id"], f"{where}.id", SHORT_ID_MAX) if "id" in fields else None
        )
        name = (
            self.localized(reader, fields["name"], f"{where}.name", self.default_locale)
            if "name" in fields
            else None
        )
        words: dict[str, tuple[str, ...]] = {}
        if "search_words" in fields:
            by_locale = reader.mapping(
                fields["search_words"], f"{where}.search_words", self.locales
            )
            for locale, words_node in (by_locale or {}).items():
                words[locale] = reader.text_list(words_node, f"{where}.search_words.{locale}") or ()
        urgent = reader.flag(fields["urgent"], f"{where}.urgent") if "urgent" in fields else False
        if need_id is None or name is None or urgent is None:
            return None
        return Need(id=need_id, name=name, search_words=words, urgent=urgent)

    # regions/*.yaml

    def load_region_file(
        self,
        path: Path,
        needs: dict[str, Need],
        regions: dict[str, Region],
        neighbourhoods: dict[str, Neighbourhood],
        resources: dict[str, Resource],
    ) -> None:
        reader, node = self.read(path)
        if node is None:
            return
        top = reader.mapping(
            node, path.name, ("region", "neighbourhoods", "resources"), ("region",)
        )
        if not top or "region" not in top:
            return
        region = self.load_region(reader, top["region"])
        if region is None:
            return
        if region.id in regions:
            reader.error(top["region"], f"region.id: duplicate region id {region.id!r}")
            return
        regions[region.id] = region
        self.collect(
            reader,
            top,
            "neighbourhoods",
            neighbourhoods,
            lambda item, at: self.load_neighbourhood(reader, item, at, region),
        )
        self.collect(
            reader,
            top,
            "resources",
            resources,
            lambda item, at: self.load_resource(reader, item, at, region, needs, neighbourhoods),
        )

    def collect(
        self,
        reader: NodeReader,
        fields: dict[str, Node],
        name: str,
        into: dict[str, Any],
        read_item: Callable[[Node, str], Any],
    ) -> None:
        """Read a list of records with ids into `into`, reporting duplicate ids."""
        items = reader.sequence(fields[name], name) if name in fields else []
        for index, item in enumerate(items or ()):
            record = read_item(item, f"{name}[{index}]")
            if record is None:
                continue
            if record.id in into:
                reader.error(item, f"{name}[{index}].id: duplicate id {record.id!r}")
                continue
            into[record.id] = record

    def load_region(self, reader: NodeReader, node: Node) -> Region | None:
        fields = reader.mapping(
            node,
            "region",
            ("id", "name", "sample", "default_locale", "timezone", "distance_unit"),
            ("id", "name", "timezone"),
        )
        if fields is None or not {"id", "name", "timezone"} <= fields.keys():
            return None
        default_locale = self.default_locale
        if "default_locale" in fields:
            value = self.known_locale(reader, fields["default_locale"], "region.default_locale")
            default_locale = value or default_locale
        region_id = reader.identifier(fields["id"], "region.id", SHORT_ID_MAX)
        name = self.localized(
            reader, fields["name"], "region.name", default_locale, proper_name=True
        )
        timezone = self.timezone(reader, fields["timezone"], "region.timezone")
        sample = reader.flag(fields["sample"], "region.sample") if "sample" in fields else False
        unit = (
            reader.choice(fields["distance_unit"], "region.distance_unit", DistanceUnit)
            if "distance_unit" in fields
            else DistanceUnit.KILOMETER
        )
        if None in (region_id, name, timezone, sample, unit):
            return None
        return Region(region_id, name, sample, default_locale, timezone, unit)

    def timezone(self, reader: NodeReader, node: Node, where: str) -> str | None:
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

    def point(self, reader: NodeReader, fields: dict[str, Node], where: str) -> GeoPoint | None:
        if "latitude" not in fields or "longitude" not in fields:
            return None
        latitude = reader.number(fields["latitude"], f"{where}.latitude", -90, 90)
        longitude = reader.number(fields["longitude"], f"{where}.longitude", -180, 180)
        if latitude is None or longitude is None:
            return None
        return GeoPoint(latitude, longitude)

    def load_neighbourhood(
        self, reader: NodeReader, node: Node, where: str, region: Region
    ) -> Neighbourhood | None:
        fields = reader.mapping(
            node, where, ("id", "name", "aliases", "center"), ("id", "name", "center")
        )
        if fields is None or not {"id", "name", "center"} <= fields.keys():
            return None
        hood_id = reader.identifier(fields["id"], f"{where}.id", SHORT_ID_MAX)
        name = self.localized(
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
        center = self.point(reader, center_fields or {}, f"{where}.center")
        if None in (hood_id, name, aliases, center):
            return None
        return Neighbourhood(hood_id, region.id, name, aliases, center)

    def load_resource(
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
            value = self.localized(
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
        locations = self.item_list(
            reader, fields, "locations", where, lambda item, at: self.location(reader, item, at)
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

        phones = self.item_list(
            reader,
            fields,
            "phones",
            where,
            lambda item, at: self.phone(reader, item, at, region.default_locale),
        )
        ok = ok and phones is not None
        url = self.simple_text(reader, fields, "url", where)
        if url and not url.startswith(("https://", "http://")):
            reader.error(fields["url"], f"{where}.url: start the address with https://")
            ok = False
        email = self.simple_text(reader, fields, "email", where)
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
            timezone = self.timezone(reader, fields["timezone"], f"{where}.timezone") or ""
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

        documents = self.item_list(
            reader,
            fields,
            "required_documents",
            where,
            lambda item, at: self.localized(reader, item, at, region.default_locale),
        )
        ok = ok and documents is not None

        access = self.access(reader, fields, where)
        community = self.community(reader, fields, where)
        verified = self.verified(reader, fields, where)
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

    def simple_text(
        self, reader: NodeReader, fields: dict[str, Node], name: str, where: str
    ) -> str | None:
        return reader.text(fields[name], f"{where}.{name}") if name in fields else None

    def item_list(
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

    def location(self, reader: NodeReader, item: Node, at: str) -> Location | None:
        required = ("address_1", "city", "latitude", "longitude")
        loc = reader.mapping(item, at, _LOCATION_FIELDS, required)
        if loc is None or not set(required) <= loc.keys():
            return None
        parts = {
            name: reader.text(loc[name], f"{at}.{name}")
            for name in ("address_1", "address_2", "city", "state_province", "postal_code")
            if name in loc
        }
        point = self.point(reader, loc, at)
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

    def phone(self, reader: NodeReader, item: Node, at: str, default_locale: str) -> Phone | None:
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
            description = self.localized(
                reader, phone["description"], f"{at}.description", default_locale
            )
            if description is None:
                return None
        return None if number is None else Phone(number, description)

    def access(self, reader: NodeReader, fields: dict[str, Node], where: str) -> Access | None:
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
        if None in values.values():
            return None
        return Access(**values)

    def community(
        self, reader: NodeReader, fields: dict[str, Node], where: str
    ) -> frozenset[Community] | None:
        if "community" not in fields:
            return frozenset()
        items = reader.sequence(fields["community"], f"{where}.community")
        if items is None:
            return None
        marks = [reader.choice(item, f"{where}.community", Community) for item in items]
        return None if None in marks else frozenset(m for m in marks if m is not None)

    def verified(
        self, reader: NodeReader, fields: dict[str, Node], where: str
    ) -> Verified | bool | None:
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

    # pages/<locale>/<id>.md

    def load_pages(self) -> dict[str, Page]:
        folder = self.root / "pages"
        found: dict[str, dict[str, tuple[Section, int, PageText, str]]] = defaultdict(dict)
        for path in sorted(folder.glob("*/*.md")) if folder.is_dir() else []:
            locale = path.parent.name
            shown = self.display(path)
            if locale not in self.locales:
                self.problems.error(
                    shown,
                    1,
                    f"folder {locale!r} is not a locale in settings.yaml"
                    f" ({', '.join(self.locales)})",
                )
                continue
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,23}", path.stem):
                self.problems.error(
                    shown,
                    1,
                    "page file names are ids: at most 24 lower-case letters, digits, - or _",
                )
                continue
            loaded = self.load_page_file(path, shown)
            if loaded is not None:
                found[path.stem][locale] = (*loaded, shown)
        pages: dict[str, Page] = {}
        for page_id, by_locale in found.items():
            if self.default_locale not in by_locale:
                any_file = next(iter(by_locale.values()))[3]
                self.problems.error(
                    any_file,
                    1,
                    f"page {page_id!r} has no {self.default_locale!r} version; add"
                    f" pages/{self.default_locale}/{page_id}.md",
                )
                continue
            section, order, _text, main_file = by_locale[self.default_locale]
            for other_section, other_order, _t, other_file in by_locale.values():
                if (other_section, other_order) != (section, order):
                    self.problems.error(
                        other_file,
                        2,
                        f"section and order must match {main_file} ({section.value}, {order})",
                    )
            for locale in self.locales:
                if locale in by_locale:
                    continue
                self.problems.warning(
                    main_file, 1, f"translation missing: no pages/{locale}/{page_id}.md"
                )
            pages[page_id] = Page(
                id=page_id,
                section=section,
                order=order,
                texts={loc: value[2] for loc, value in by_locale.items()},
                default_locale=self.default_locale,
            )
        if not any(p.section is Section.URGENT for p in pages.values()):
            self.problems.error(
                self.display(folder),
                1,
                "no page has section: urgent; the urgent-help card needs one",
            )
        return pages

    def load_page_file(self, path: Path, shown: str) -> tuple[Section, int, PageText] | None:
        text = self.read_text(path, shown)
        if text is None:
            return None
        lines = text.splitlines()
        fences = [i for i, line in enumerate(lines) if line.strip() == "---"]
        if len(fences) < 2 or fences[0] != 0:
            self.problems.error(
                shown, 1, "a page starts with a front matter block between two --- lines"
            )
            return None
        end = fences[1]
        front = "\n" + "\n".join(lines[1:end])
        node = parse_yaml(front, shown, self.problems)
        if node is None:
            return None
        reader = NodeReader(shown, self.problems)
        keys = ("title", "section", "order", "sources", "last_reviewed")
        fields = reader.mapping(node, "front matter", (*keys, "search_words"), keys)
        if fields is None or not set(keys) <= fields.keys():
            return None
        search_words: tuple[str, ...] | None = ()
        if "search_words" in fields:
            search_words = reader.text_list(fields["search_words"], "search_words")
        title = reader.text(fields["title"], "title")
        section = reader.choice(fields["section"], "section", Section)
        order = reader.integer(fields["order"], "order")
        sources = reader.text_list(fields["sources"], "sources")
        reviewed = reader.date(fields["last_reviewed"], "last_reviewed")
        body = "\n".join(lines[end + 1 :]).strip()
        if not body:
            self.problems.error(shown, end + 1, "the page has no text after the front matter")
            return None
        if not sources:
            reader.error(fields["sources"], "sources: list at least one source")
            return None
        if None in (title, section, order, reviewed, search_words):
            return None
        return section, order, PageText(title, body, sources, reviewed, search_words)

    def load(self) -> LoadResult:
        if not self.root.is_dir():
            self.problems.error(str(self.root), 1, "no such content folder")
            return LoadResult(None, self.problems, self.coverage)
        self.load_settings()
        needs = self.load_needs()
        regions: dict[str, Region] = {}
        neighbourhoods: dict[str, Neighbourhood] = {}
        resources: dict[str, Resource] = {}
        region_files = sorted((self.root / "regions").glob("*.yaml"))
        if not region_files:
            self.problems.error(
                self.display(self.root / "regions"), 1, "no region files (regions/*.yaml)"
            )
        for path in region_files:
            self.load_region_file(path, needs, regions, neighbourhoods, resources)
        pages = self.load_pages()
        for (file, locale), lines in sorted(self.coverage.missing.items()):
            shown_lines = ", ".join(str(n) for n in lines[:5]) + (" ..." if len(lines) > 5 else "")
            self.problems.warning(
                file,
                lines[0],
                f"translation missing: {len(lines)} text(s) have no {locale!r} version"
                f" (lines {shown_lines}); users will see the default language with a note",
            )
        if self.problems.errors:
            return LoadResult(None, self.problems, self.coverage)
        content = Content(
            default_locale=self.default_locale,
            locales=self.locales,
            needs=needs,
            regions=regions,
            neighbourhoods=neighbourhoods,
            resources=resources,
            pages=pages,
        )
        return LoadResult(content, self.problems, self.coverage)


def load_content(root: Path) -> LoadResult:
    """Load and validate every file under `root`; the content is None if anything is wrong."""
    return _ContentLoader(Path(root)).load()
