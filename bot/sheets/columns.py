"""The columns of the listings and neighbourhoods sheets: header, kind of value, closed list, note.

Headers follow the YAML field names (`access.requires_id`, `verified.date`), with one column per
language for texts (`description.es`) and numbered columns for repeated values (`needs.2`,
`phones.1.number`), so the sheet, the YAML and docs/content.md use the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cached_property

from bot.domain.models import Access, Community, VerificationMethod

LISTINGS, NEIGHBOURHOODS, LISTS = "Listings", "Neighbourhoods", "Lists"
# Starts the first cell of the notes row under the headers; the import skips that row.
NOTES_MARK = "Notes (this row is skipped)"
NEED_SLOTS = 4
PHONE_SLOTS = 2
FLAG_VALUES = ("yes", "no")
LOCATION_FIELDS = ("address_1", "address_2", "city", "state_province", "postal_code")
ACCESS_FACTS = tuple(f.name for f in fields(Access))
TEXT_FIELDS = ("name", "organization", "description")
DETAIL_TEXT_FIELDS = ("fees_description", "eligibility_description")


class Kind(StrEnum):
    """How a cell is read."""

    TEXT = "text"
    LINES = "lines"  # one item per line within the cell
    WORDS = "words"  # items separated by commas
    CHOICE = "choice"  # one value of a closed list
    DATE = "date"
    NUMBER = "number"
    PHONE = "phone"
    POSTAL = "postal"


@dataclass(frozen=True)
class Column:
    """One column: its header, how its cells are read, and the note shown under the header."""

    header: str
    kind: Kind
    note: str
    choices: str = ""  # the name of the closed list the value comes from
    required: bool = False
    width: int = 18


@dataclass(frozen=True)
class Layout:
    """The columns of one sheet, and the closed lists their drop-downs offer."""

    columns: tuple[Column, ...]
    lists: Mapping[str, tuple[str, ...]]

    @cached_property
    def by_header(self) -> dict[str, Column]:
        """Columns by header."""
        return {column.header: column for column in self.columns}


def _choice_lists(
    need_ids: tuple[str, ...], hood_ids: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    lists: dict[str, tuple[str, ...]] = {"needs": need_ids, "neighbourhoods": hood_ids}
    for fact in ACCESS_FACTS:
        enum = type(getattr(Access(), fact))
        lists[enum.__name__] = tuple(member.value for member in enum)
    lists["VerificationMethod"] = tuple(m.value for m in VerificationMethod)
    lists["flag"] = FLAG_VALUES
    return lists


def _texts(
    name: str,
    locales: tuple[str, ...],
    default: str,
    what: str,
    *,
    required: bool = False,
    width: int = 30,
) -> list[Column]:
    """One column per language; only the default language's can be required. `what` ends
    with an example."""
    first = Column(
        f"{name}.{default}",
        Kind.TEXT,
        f"{what} ({default}; the other languages fall back to it)",
        required=required,
        width=width,
    )
    others = [
        Column(f"{name}.{loc}", Kind.TEXT, f"{name} in {loc}; empty if not translated", width=width)
        for loc in locales
        if loc != default
    ]
    return [first, *others]


def listing_layout(
    locales: tuple[str, ...],
    default: str,
    need_ids: tuple[str, ...],
    hood_ids: tuple[str, ...] = (),
    *,
    need_slots: int = NEED_SLOTS,
    phone_slots: int = PHONE_SLOTS,
) -> Layout:
    """The Listings sheet: one row per listing, one column per field and language."""
    lists = _choice_lists(need_ids, hood_ids)
    columns = [
        Column("id", Kind.TEXT, _NOTES["id"], required=True, width=24),
        *_texts("name", locales, default, _NOTES["name"], required=True),
        *_texts("organization", locales, default, _NOTES["organization"]),
        *_texts("description", locales, default, _NOTES["description"], required=True, width=50),
        *_need_columns(need_slots),
        Column("neighbourhood", Kind.CHOICE, _NOTES["neighbourhood"], "neighbourhoods", True),
        *_location_columns(),
        *_phone_columns(phone_slots, locales, default),
        *_contact_columns(),
        *_texts("fees_description", locales, default, _NOTES["fees_description"]),
        *_texts("eligibility_description", locales, default, _NOTES["eligibility_description"]),
        *(
            Column(f"required_documents.{loc}", Kind.LINES, _NOTES["documents"] % loc, width=24)
            for loc in locales
        ),
        *_access_columns(lists),
        *(
            Column(f"community.{m.value}", Kind.CHOICE, _NOTES["community"] % m.value, "flag")
            for m in Community
        ),
        Column("confidential_address", Kind.CHOICE, _NOTES["confidential"], "flag"),
        Column("verified.date", Kind.DATE, _NOTES["verified.date"], width=14),
        Column(
            "verified.method",
            Kind.CHOICE,
            _NOTES["verified.method"] + ", ".join(lists["VerificationMethod"]),
            "VerificationMethod",
            width=14,
        ),
    ]
    return Layout(tuple(columns), lists)


_NOTES = {
    "id": "Unique id: at most 32 lower-case letters, digits, - and _. Example: night-owl-drop-in",
    "name": "Name; written only here, it is the same in every language. Example: Night Owl",
    "organization": "Organisation running it (optional). Example: Bay Street Collective",
    "description": "What is offered, in plain words. Example: Late-night drop-in, showers",
    "neighbourhood": "Neighbourhood id: pick from the list (the Neighbourhoods sheet)."
    " Example: downtown",
    "fees_description": "What it costs, in words. Example: Free",
    "eligibility_description": "Who it is for. Example: Adults in the sex trades",
    "documents": "Documents they ask for (%s), one per line (Alt+Enter in Excel, Ctrl+Enter"
    " in Google Sheets); line n of every language is the same document. Example: Photo ID",
    "community": "yes if the place is %s; empty or no if not",
    "confidential": "yes for shelters and other places whose address must never be shown;"
    " then leave the address empty",
    "verified.date": "When someone last checked the listing (a date). Example: 2026-10-15",
    "verified.method": "How it was checked. Allowed: ",
}


def _need_columns(slots: int) -> list[Column]:
    return [
        Column(
            f"needs.{i}",
            Kind.CHOICE,
            f"Need {i}: one per column, from the list (needs.yaml). Example: condoms",
            "needs",
            required=i == 1,
            width=14,
        )
        for i in range(1, slots + 1)
    ]


def _phone_columns(slots: int, locales: tuple[str, ...], default: str) -> list[Column]:
    columns = []
    for i in range(1, slots + 1):
        what = f"Phone {i}, as text with dashes so no zero is lost. Example: 510-555-0101"
        columns.append(Column(f"phones.{i}.number", Kind.PHONE, what))
        describe = f"What phone {i} is for. Example: Call or text"
        columns.extend(_texts(f"phones.{i}.description", locales, default, describe, width=20))
    return columns


def _location_columns() -> list[Column]:
    notes = {
        "address_1": "Street address; leave the address empty for phone-only services."
        " Example: 417 15th St",
        "address_2": "More address (optional). Example: Side door",
        "city": "City (needed with an address). Example: Oakland",
        "state_province": "State or province. Example: CA",
        "postal_code": "Postal code, as text so no zero is lost. Example: 94612",
    }
    columns = [
        Column(name, Kind.POSTAL if name == "postal_code" else Kind.TEXT, notes[name])
        for name in LOCATION_FIELDS
    ]
    columns.append(
        Column(
            "latitude",
            Kind.NUMBER,
            "Latitude (-90 to 90; needed with an address). Example: 37.8052",
            width=12,
        )
    )
    columns.append(
        Column(
            "longitude",
            Kind.NUMBER,
            "Longitude (-180 to 180; needed with an address). Example: -122.2705",
            width=12,
        )
    )
    return columns


def _contact_columns() -> list[Column]:
    return [
        Column(
            "url",
            Kind.TEXT,
            "Web address starting with https://. Example: https://example.org/night-owl",
            width=28,
        ),
        Column("email", Kind.TEXT, "Email address. Example: hello@example.org", width=24),
        Column(
            "languages",
            Kind.WORDS,
            "Languages staff speak: two-letter codes separated by commas. Example: en, es, zh",
            width=14,
        ),
        Column(
            "opening_hours",
            Kind.TEXT,
            "OpenStreetMap opening hours; empty when not known."
            " Example: Mo-Fr 09:00-17:00; Sa 10:00-14:00",
            width=28,
        ),
        Column(
            "timezone",
            Kind.TEXT,
            "Only if different from the region's: an IANA name. Example: America/Los_Angeles",
            width=20,
        ),
    ]


def _access_columns(lists: Mapping[str, tuple[str, ...]]) -> list[Column]:
    columns = []
    for fact in ACCESS_FACTS:
        list_name = type(getattr(Access(), fact)).__name__
        allowed = ", ".join(lists[list_name])
        columns.append(
            Column(
                f"access.{fact}",
                Kind.CHOICE,
                f"What they ask of people: {fact}. Allowed:"
                f" {allowed}. Empty means unknown (shown as not known yet, never as no)",
                choices=list_name,
                width=16,
            )
        )
    return columns


def neighbourhood_layout(locales: tuple[str, ...], default: str) -> Layout:
    """The Neighbourhoods sheet, used when the region is new or its neighbourhoods change."""
    columns = [
        Column(
            "id",
            Kind.TEXT,
            "Unique id: at most 20 lower-case letters, digits, - and _. Example: downtown",
            required=True,
        ),
        *_texts(
            "name",
            locales,
            default,
            "Name; written only here, it is the same in every language. Example: Downtown",
            required=True,
            width=24,
        ),
        Column(
            "aliases",
            Kind.WORDS,
            "Other names people type, separated by commas. Example: dtown, city center",
            width=30,
        ),
        Column(
            "latitude",
            Kind.NUMBER,
            "Latitude of its centre. Example: 37.8044",
            required=True,
            width=12,
        ),
        Column(
            "longitude",
            Kind.NUMBER,
            "Longitude of its centre. Example: -122.2712",
            required=True,
            width=12,
        ),
    ]
    return Layout(tuple(columns), {})
