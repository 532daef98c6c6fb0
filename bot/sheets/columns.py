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
    example: str,
    *,
    required: bool = False,
    width: int = 30,
) -> list[Column]:
    """One column per language; only the default language's can be required."""
    columns = [
        Column(
            f"{name}.{default}",
            Kind.TEXT,
            f"{what} ({default}; the other languages fall back to it). Example: {example}",
            required=required,
            width=width,
        )
    ]
    columns.extend(
        Column(
            f"{name}.{loc}",
            Kind.TEXT,
            f"{what} in {loc}; leave empty if not translated",
            width=width,
        )
        for loc in locales
        if loc != default
    )
    return columns


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
        Column(
            "id",
            Kind.TEXT,
            "Unique id: at most 32 lower-case letters, digits, - and _. Example: night-owl-drop-in",
            required=True,
            width=24,
        ),
        *_texts(
            "name",
            locales,
            default,
            "Name; written once it is the same in every language",
            "Night Owl Drop-in",
            required=True,
        ),
        *_texts(
            "organization",
            locales,
            default,
            "Organisation running it (optional)",
            "Bay Street Collective",
        ),
        *_texts(
            "description",
            locales,
            default,
            "What is offered, in plain words",
            "Late-night drop-in run by sex workers.",
            required=True,
            width=50,
        ),
    ]
    columns.extend(
        Column(
            f"needs.{i}",
            Kind.CHOICE,
            f"Need {i} (one per column; pick from the list;"
            " ids come from needs.yaml). Example: condoms",
            choices="needs",
            required=i == 1,
            width=14,
        )
        for i in range(1, need_slots + 1)
    )
    columns.append(
        Column(
            "neighbourhood",
            Kind.CHOICE,
            "Neighbourhood id (pick from the"
            " list; see the Neighbourhoods sheet). Example: downtown",
            choices="neighbourhoods",
            required=True,
        )
    )
    columns.extend(_location_columns())
    for i in range(1, phone_slots + 1):
        columns.append(
            Column(
                f"phones.{i}.number",
                Kind.PHONE,
                f"Phone {i}, as text with dashes so no zero is lost. Example: 510-555-0101",
            )
        )
        columns.extend(
            _texts(
                f"phones.{i}.description",
                locales,
                default,
                f"What phone {i} is for",
                "Call or text",
                width=20,
            )
        )
    columns.extend(_contact_columns())
    for name, what, example in (
        ("fees_description", "What it costs, in words", "Free"),
        ("eligibility_description", "Who it is for", "Adults in the sex trades."),
    ):
        columns.extend(_texts(name, locales, default, what, example))
    columns.extend(
        Column(
            f"required_documents.{loc}",
            Kind.LINES,
            f"Documents they ask for ({loc}), one"
            " per line (Alt+Enter in Excel, Ctrl+Enter in Google Sheets). Example: Photo ID",
            width=24,
        )
        for loc in locales
    )
    columns.extend(_access_columns(lists))
    columns.extend(
        Column(
            f"community.{mark.value}",
            Kind.CHOICE,
            f"yes if the place is {mark.value}; empty or no if not",
            choices="flag",
            width=12,
        )
        for mark in Community
    )
    columns.append(
        Column(
            "confidential_address",
            Kind.CHOICE,
            "yes for shelters and other"
            " places whose address must never be shown; then leave the address"
            " empty",
            choices="flag",
            width=12,
        )
    )
    columns.append(
        Column(
            "verified.date",
            Kind.DATE,
            "When someone last checked the listing (a date). Example: 2026-10-15",
            width=14,
        )
    )
    columns.append(
        Column(
            "verified.method",
            Kind.CHOICE,
            "How it was checked. Allowed: " + ", ".join(lists["VerificationMethod"]),
            choices="VerificationMethod",
            width=14,
        )
    )
    return Layout(tuple(columns), lists)


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
            "Name; written once it is the same in every language",
            "Downtown",
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
