"""Our published taxonomy: what HSDS has no field for, carried as `attribute`s with term codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.hsds.ids import stable_id

PREFIX = "waypoint:"
TAXONOMY_NAME = "Waypoint"
TAXONOMY_VERSION = "1"
TAXONOMY_DESCRIPTION = (
    "Facts the Waypoint bot keeps about a listing that HSDS 3.0 has no field for: what a service"
    " asks of people (access), community marks, needs, neighbourhoods, confidential addresses,"
    " how a listing was verified, and texts in other languages. Described in docs/hsds.md."
)
# Terms whose meaning is in the attribute's value rather than in the code.
LISTING_ID = "waypoint:listing_id"
NEIGHBOURHOOD = "waypoint:neighbourhood"
ALIAS = "waypoint:alias"
TIMEZONE = "waypoint:timezone"
CONFIDENTIAL = "waypoint:confidential_address:yes"
NEED_PREFIX = "waypoint:need:"
ACCESS_PREFIX = "waypoint:access:"
TEXT_PREFIX = "waypoint:text:"
SAMPLE = "waypoint:sample:yes"
STANDS_IN = "waypoint:organization:stands_in"


@dataclass(frozen=True)
class Tag:
    """One attribute read back: its term code, what it describes (link_type) and its value."""

    code: str
    link_type: str = ""
    value: str = ""


def need_code(need_id: str) -> str:
    """The term for a need (category): waypoint:need:condoms."""
    return f"{NEED_PREFIX}{need_id}"


def access_code(fact: str, value: str) -> str:
    """The term for one access fact: waypoint:access:requires_id:no."""
    return f"{ACCESS_PREFIX}{fact}:{value}"


def community_code(mark: str) -> str:
    """The term for a community mark: waypoint:community:peer_run."""
    return f"{PREFIX}community:{mark}"


def verified_code(method: str) -> str:
    """The term for how a listing was last checked: waypoint:verified:phone."""
    return f"{PREFIX}verified:{method}"


def text_code(locale: str) -> str:
    """The term for a text in one language (the field is the link_type): waypoint:text:es."""
    return f"{TEXT_PREFIX}{locale}"


def taxonomy_record() -> dict[str, Any]:
    """The HSDS `taxonomy` record of our taxonomy."""
    return {
        "id": stable_id("taxonomy", TAXONOMY_NAME),
        "name": TAXONOMY_NAME,
        "description": TAXONOMY_DESCRIPTION,
        "version": TAXONOMY_VERSION,
    }


def term_record(code: str, name: str, description: str) -> dict[str, Any]:
    """The HSDS `taxonomy_term` record for `code`, with the taxonomy nested as HSDS nests it."""
    taxonomy = taxonomy_record()
    return {
        "id": stable_id("term", code),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": taxonomy["id"],
        "taxonomy_detail": taxonomy,
    }


def attribute_record(
    owner: str, entity: str, term: dict[str, Any], link_type: str = "", value: str = ""
) -> dict[str, Any]:
    """An HSDS `attribute` linking the record `owner` (of table `entity`) to a term."""
    record: dict[str, Any] = {
        "id": stable_id("attribute", owner, term["code"], link_type, value),
        "link_id": owner,
        "link_entity": entity,
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }
    if link_type:
        record["link_type"] = link_type
    if value:
        record["value"] = value
    return record


def read_tags(record: dict[str, Any]) -> tuple[Tag, ...]:
    """The attributes of a record that use our taxonomy (others are ignored)."""
    tags = []
    for attribute in record.get("attributes") or ():
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        code = term.get("code") if isinstance(term, dict) else None
        if isinstance(code, str) and code.startswith(PREFIX):
            link_type = attribute.get("link_type")
            value = attribute.get("value")
            tags.append(
                Tag(
                    code,
                    link_type if isinstance(link_type, str) else "",
                    value if isinstance(value, str) else "",
                )
            )
    return tuple(tags)


def other_terms(record: dict[str, Any]) -> tuple[str, ...]:
    """Names of terms from other taxonomies on a record (words to guess needs from)."""
    names: list[str] = []
    for attribute in record.get("attributes") or ():
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict) and not str(term.get("code", "")).startswith(PREFIX):
            names.extend(str(term[key]) for key in ("name", "code") if term.get(key))
    return tuple(names)
