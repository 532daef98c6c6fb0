"""The validator cases admins hit (issue 9): each blames the file and line where they must act."""

from __future__ import annotations

import datetime as dt
import os
import shlex
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.domain.load_result import LoadResult
from bot.domain.loader import load_content

TODAY = dt.date(2026, 12, 4)

HEADER = """\
region:
  id: {id}
  name: {name}
  timezone: America/Los_Angeles
{extra_header}neighbourhoods:
  - id: {hood}
    name: Centre
    aliases: [middle]
    center: {{latitude: 37.8, longitude: -122.27}}
  - id: {hood}-east
    name: East Side
    center: {{latitude: 37.78, longitude: -122.22}}
resources:
"""

LISTING = """\
  - id: {id}
    name: {name}
    description: Something useful.
    needs: [condoms]
    neighbourhood: {hood}
    phones:
      - number: "510-555-0100"
{extra}"""


def region_text(
    region_id: str = "second",
    hood: str = "second-mid",
    listings: str | None = None,
    extra_header: str = "",
) -> str:
    """A small valid region file; `listings` replaces its one listing."""
    head = HEADER.format(id=region_id, name=region_id.title(), hood=hood, extra_header=extra_header)
    if listings is None:
        listings = listing(f"{region_id}-place", hood)
    return head + listings


def listing(listing_id: str, hood: str, extra: str = "", name: str = "A Place") -> str:
    """One listing block; `extra` lines go at its end (indented four spaces)."""
    return LISTING.format(id=listing_id, name=name, hood=hood, extra=extra)


def write(folder: Path, relative: str, text: str, age_seconds: int | None = None) -> Path:
    """Write a file under the content folder; `age_seconds` sets how long ago it changed."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if age_seconds is not None:
        stamp = dt.datetime(2026, 12, 1, tzinfo=dt.UTC).timestamp() - age_seconds
        os.utime(path, (stamp, stamp))
    return path


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line of the first line holding `needle` (after the line holding `after`)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines[start:], start) if needle in line) + 1


def load(folder: Path) -> LoadResult:
    return load_content(folder, today=TODAY)


def problems(folder: Path) -> list[str]:
    return [str(p) for p in load(folder).problems.sorted()]


def at(path: Path, line: int) -> str:
    return f"{path}:{line}: "


def find(found: list[str], path: Path, line: int, *gists: str) -> str:
    """The one problem at path:line holding every gist (fails listing all problems)."""
    hits = [p for p in found if p.startswith(at(path, line)) and all(g in p for g in gists)]
    assert len(hits) == 1, "\n".join(found)
    return hits[0]


# --- every problem in every file, in one run -------------------------------------------------


def test_a_syntax_error_stops_only_its_own_file_from_that_point(content_copy: Path) -> None:
    bad_enum = listing("first", "second-mid", "    access:\n      fee: cheap\n")
    broken = listing("broken", "second-mid", "    description: Free: lawyers for anyone\n")
    text = region_text(listings=bad_enum + broken)
    second = write(content_copy, "regions/second.yaml", text)
    other = content_copy / "regions" / "testville.yaml"
    other.write_text(
        other.read_text().replace('requires_id: "no"', "requires_id: no"), encoding="utf-8"
    )
    found = problems(content_copy)
    find(found, second, line_of(text, "fee: cheap"), "(first).access.fee", "'cheap'")
    find(found, second, line_of(text, "Free: lawyers"), "YAML syntax error", "double quotes")
    find(found, other, line_of(other.read_text(), "requires_id: no"), '"no" was read as')
    # The listing cut by the error is not asked for the fields the error swallowed.
    assert not any("missing required field" in p for p in found), found
    assert not any("(broken): no access facts" in p for p in found), found


def test_a_region_header_error_does_not_hide_listing_errors(content_copy: Path) -> None:
    text = region_text(listings=listing("p1", "second-mid", "    access:\n      fee: cheap\n"))
    text = text.replace("America/Los_Angeles", "America/Oakland")
    path = write(content_copy, "regions/second.yaml", text)
    found = problems(content_copy)
    find(found, path, 4, "unknown time zone 'America/Oakland'")
    find(found, path, line_of(text, "fee: cheap"), "resources[0] (p1).access.fee")


def test_a_broken_needs_file_does_not_flood_listings_with_unknown_needs(
    content_copy: Path,
) -> None:
    needs = content_copy / "needs.yaml"
    text = needs.read_text().replace("  - id: legal", "  - id: legal\n   oops: x", 1)
    needs.write_text(text, encoding="utf-8")
    found = problems(content_copy)
    assert any(p.startswith(at(needs, line_of(text, "oops"))) for p in found), found
    assert not any("unknown need" in p for p in found), found


@pytest.mark.parametrize("broken", ["cut", "empty", "missing"])
def test_a_broken_needs_file_does_not_flood_situations_either(
    content_copy: Path, broken: str
) -> None:
    needs = content_copy / "needs.yaml"
    if broken == "cut":
        needs.write_text("needs:\n  - id: [unclosed\n", encoding="utf-8")
    elif broken == "empty":
        needs.write_text("", encoding="utf-8")
    else:
        needs.unlink()
    found = problems(content_copy)
    assert any("needs.yaml" in p for p in found), found
    assert not any("unknown id" in p or "unknown need" in p for p in found), found


# --- syntax errors as cause and fix ----------------------------------------------------------

SYNTAX_CASES = [
    # (the listing's last line(s), the line to blame, gists of the message)
    ('    eligibility_description: "Adults: all\n', "eligibility", ("never closed",)),
    ("    url: https://example.org: now\n", "url:", ('url: "https://example.org: now"',)),
    ('    url: "https://example.org" (new)\n', "url:", ("after the closing quote",)),
    ("    languages: [en, es\n", "languages:", ("[ or { opened on line", "not closed")),
    ("    email: @someone\n", "email:", ("cannot start with '@'", "double quotes")),
    ("   email: a@example.org\n", "email:", ("not lined up",)),
    ("    community:  - peer_run\n", "community:", ("own line",)),
    ('    url: "C:\\path"\n', "url:", ("backslash",)),
    ("    url\n", "    url", ("neither `field: value`",)),
]


@pytest.mark.parametrize(("tail", "blamed", "gists"), SYNTAX_CASES)
def test_yaml_syntax_errors_say_cause_and_fix(
    content_copy: Path, tail: str, blamed: str, gists: tuple[str, ...]
) -> None:
    text = region_text(listings=listing("p1", "second-mid", tail))
    path = write(content_copy, "regions/second.yaml", text)
    found = problems(content_copy)
    line = line_of(text, blamed, after="id: p1")
    message = find(found, path, line, "YAML syntax error", *gists)
    assert "while scanning" not in message and "while parsing" not in message


def test_a_tab_is_reported_once_in_admin_words(content_copy: Path) -> None:
    text = region_text(listings=listing("p1", "second-mid", '\turl: "https://example.org"\n'))
    path = write(content_copy, "regions/second.yaml", text)
    found = problems(content_copy)
    line = line_of(text, "\turl")
    find(found, path, line, "tab character")
    assert [p for p in found if p.startswith(at(path, line))] == [
        f"{path}:{line}: tab character; YAML needs spaces: replace each tab with spaces"
    ]


# --- ids clashing across regions ---------------------------------------------------------------


@pytest.mark.parametrize("new_name", ["aaa-new", "zzz-new"])
def test_an_id_clash_is_blamed_on_the_file_being_written(content_copy: Path, new_name: str) -> None:
    old = content_copy / "regions" / "testville.yaml"
    os.utime(old, (1_700_000_000, 1_700_000_000))
    # The new region reuses the neighbourhood id `centre` and the listing id `east-legal`.
    text = region_text(
        region_id="second",
        hood="centre",
        listings=listing("east-legal", "centre") + listing("new-place", "centre-east"),
    )
    new = write(content_copy, f"regions/{new_name}.yaml", text)
    found = problems(content_copy)
    old_text = old.read_text()
    hood = find(found, new, line_of(text, "id: centre"), "'centre'", "region 'testville'")
    assert f"{old}:{line_of(old_text, 'id: centre')}" in hood
    clash = find(found, new, line_of(text, "id: east-legal"), "'east-legal'")
    assert f"{old}:{line_of(old_text, 'id: east-legal')}" in clash
    assert not any(p.startswith(str(old)) and "warning" not in p for p in found), found
    assert not any('did you mean "centre"' in p for p in found), found


def test_a_region_id_clash_names_both_files(content_copy: Path) -> None:
    os.utime(content_copy / "regions" / "testville.yaml", (1_700_000_000, 1_700_000_000))
    text = region_text(region_id="testville", hood="other-mid")
    new = write(content_copy, "regions/copy.yaml", text)
    found = problems(content_copy)
    message = find(found, new, 2, "'testville' is already the id of the region")
    assert "testville.yaml:2" in message


def test_a_neighbourhood_of_another_region_is_named_with_its_place(content_copy: Path) -> None:
    text = region_text(listings=listing("p1", "east"))
    path = write(content_copy, "regions/second.yaml", text)
    found = problems(content_copy)
    message = find(found, path, line_of(text, "neighbourhood: east"), "region 'testville'")
    assert "testville.yaml:" in message and "own region's neighbourhoods" in message


@pytest.mark.parametrize("written", ["Centre", "middle", "East Side", "second-mdi"])
def test_a_neighbourhood_name_gets_its_id_suggested(content_copy: Path, written: str) -> None:
    text = region_text(listings=listing("p1", written))
    path = write(content_copy, "regions/second.yaml", text)
    found = problems(content_copy)
    expected = "second-mid-east" if written == "East Side" else "second-mid"
    find(found, path, line_of(text, f"neighbourhood: {written}"), f'did you mean "{expected}"')


# --- hints that fit the field ----------------------------------------------------------------


def test_a_confidential_listing_is_only_told_to_remove_locations(content_copy: Path) -> None:
    extra = "    confidential_address: true\n    locations:\n      - city: Testville\n"
    text = region_text(listings=listing("shelter", "second-mid", extra))
    path = write(content_copy, "regions/second.yaml", text)
    found = [p for p in problems(content_copy) if str(path) in p and "warning" not in p]
    assert len(found) == 1, found
    find(found, path, line_of(text, "locations:"), "(shelter).locations", "delete the whole")
    assert "address_1" not in found[0] and "latitude" not in found[0]


@pytest.mark.parametrize(
    ("fact", "written", "quote"),
    [
        ("shares_info_with_immigration", "no", False),
        ("shares_info_with_police", "off", False),
        ("serves_minors", "on", False),
        ("fee", "0", False),
        ("mandatory_reporter", "yes", True),
        ("anonymous_ok", "yes", True),
        ("requires_sobriety", "no", True),
    ],
)
def test_closed_lists_suggest_quotes_only_for_an_allowed_word(
    content_copy: Path, fact: str, written: str, quote: bool
) -> None:
    text = region_text(
        listings=listing("p1", "second-mid", f"    access:\n      {fact}: {written}\n")
    )
    path = write(content_copy, "regions/second.yaml", text)
    message = find(problems(content_copy), path, line_of(text, f"{fact}:"), f"(p1).access.{fact}")
    assert ("in quotes" in message) is quote, message
    if not quote:
        assert "is not allowed here; use one of:" in message


def test_an_immigration_fact_lists_its_allowed_values(content_copy: Path) -> None:
    extra = "    access:\n      shares_info_with_immigration: no\n"
    text = region_text(listings=listing("p1", "second-mid", extra))
    path = write(content_copy, "regions/second.yaml", text)
    message = find(problems(content_copy), path, line_of(text, "immigration:"), "'no'")
    assert message.endswith(
        "use one of: never, with_consent, when_required_by_law, routinely, unknown"
    )


def test_an_unknown_need_lists_the_valid_ones(content_copy: Path) -> None:
    text = region_text(listings=listing("p1", "second-mid").replace("[condoms]", "[shelter]"))
    path = write(content_copy, "regions/second.yaml", text)
    message = find(problems(content_copy), path, line_of(text, "needs:"), "unknown need 'shelter'")
    assert "(p1).needs" in message and message.endswith("condoms, legal, urgent")


def test_a_flat_verified_date_says_date_and_method_go_underneath(content_copy: Path) -> None:
    text = region_text(listings=listing("p1", "second-mid", "    verified: 2026-11-20\n"))
    path = write(content_copy, "regions/second.yaml", text)
    message = find(problems(content_copy), path, line_of(text, "verified:"), "(p1).verified")
    assert "`date:` and `method:`" in message and "underneath" in message


@pytest.mark.parametrize(
    ("hours", "part", "hint"),
    [
        ("Mo-Fr 9-17", "9-17", "minutes"),
        ("Monday-Friday 09:00-17:00", "Monday-Friday", "two letters"),
        ("Mo-Fr 9am-5pm", "9am-5pm", "24-hour clock"),
        ("Mo-Fr 09.00-17.00", "09.00-17.00", "colon"),
        ("Mo-Fr 09:00 to 17:00", "09:00", "use - between two times"),
        ("daily 09:00-17:00", "daily", "Mo-Su"),
    ],
)
def test_hours_errors_are_in_admin_words(
    content_copy: Path, hours: str, part: str, hint: str
) -> None:
    text = region_text(listings=listing("p1", "second-mid", f'    opening_hours: "{hours}"\n'))
    path = write(content_copy, "regions/second.yaml", text)
    message = find(
        problems(content_copy), path, line_of(text, "opening_hours"), "(p1).opening_hours"
    )
    assert f"the part {part!r} is not understood" in message and hint in message, message
    assert "-->" not in message and "parse" not in message.lower()


# --- warnings --------------------------------------------------------------------------------


def warnings_of(folder: Path) -> list[str]:
    return [str(p) for p in load(folder).problems.warnings]


@pytest.mark.parametrize(
    ("relative", "gist"),
    [
        ("regions/second.yml", "rename it to second.yaml"),
        ("second.yaml", "move it to regions/second.yaml"),
        ("regions/east-bay/second.yaml", "subfolders of regions/"),
        ("regions/notes.txt", "only files ending in .yaml"),
        ("README.md", "the bot reads only"),
        ("pages/en/extra/page.md", "pages/<language>/<id>.md"),
        ("needs.yml", "rename it to needs.yaml"),
    ],
)
def test_files_the_loader_ignores_are_warned_about(
    content_copy: Path, relative: str, gist: str
) -> None:
    path = write(content_copy, relative, region_text())
    result = load(content_copy)
    assert result.content is not None
    find([str(p) for p in result.problems.warnings], path, 1, "ignored:", gist)


def test_hidden_files_are_left_alone(content_copy: Path) -> None:
    write(content_copy, ".git/config", "x")
    write(content_copy, "regions/.second.yaml.swp", "x")
    assert not any("ignored" in w for w in warnings_of(content_copy))


@pytest.mark.parametrize(
    ("latitude", "longitude", "blamed", "gist"),
    [
        ("37.801", "122.271", "longitude", "missing its minus sign"),
        ("-37.801", "-122.271", "latitude", "missing its minus sign"),
        ("34.05", "-118.24", "latitude", "km from the nearest neighbourhood"),
        ("40.71", "-74.00", "latitude", "in region 'nyc'"),
    ],
)
def test_far_off_coordinates_are_warned_about(
    content_copy: Path, latitude: str, longitude: str, blamed: str, gist: str
) -> None:
    nyc = region_text(region_id="nyc", hood="nyc-mid").replace("37.8,", "40.7,")
    nyc = (
        nyc.replace("37.78,", "40.75,").replace("-122.27}", "-74.0}").replace("-122.22}", "-73.95}")
    )
    write(content_copy, "regions/nyc.yaml", nyc)
    extra = (
        f'    locations:\n      - address_1: "1 Main St"\n        city: Testville\n'
        f"        latitude: {latitude}\n        longitude: {longitude}\n"
    )
    text = region_text(listings=listing("p1", "second-mid", extra))
    path = write(content_copy, "regions/second.yaml", text)
    found = warnings_of(content_copy)
    line = line_of(text, f"{blamed}: ", after="id: p1")
    find(found, path, line, f"(p1).locations[0].{blamed}", gist)
    assert not any("nyc.yaml" in w and "km" in w for w in found)


def test_a_neighbourhood_far_from_the_others_is_warned_about(content_copy: Path) -> None:
    text = region_text().replace("longitude: -122.22}", "longitude: 122.22}")
    text = text.replace(
        "resources:\n",
        "  - id: third\n    name: Third\n    center: {latitude: 37.81, longitude: -122.25}\n"
        "resources:\n",
    )
    path = write(content_copy, "regions/second.yaml", text)
    find(warnings_of(content_copy), path, line_of(text, "id: second-mid-east"), "far from")


def test_a_future_verified_date_is_warned_about(content_copy: Path) -> None:
    extra = "    verified:\n      date: 2027-01-15\n      method: phone\n"
    text = region_text(listings=listing("p1", "second-mid", extra))
    path = write(content_copy, "regions/second.yaml", text)
    find(
        warnings_of(content_copy), path, line_of(text, "date: 2027"), "(p1).verified.date", "future"
    )


def test_an_unreachable_listing_is_warned_about(content_copy: Path) -> None:
    bare = listing("p1", "second-mid").replace('    phones:\n      - number: "510-555-0100"\n', "")
    text = region_text(listings=bare)
    path = write(content_copy, "regions/second.yaml", text)
    find(warnings_of(content_copy), path, line_of(text, "id: p1"), "(p1)", "cannot reach")


@pytest.mark.parametrize(
    ("hours", "slip"),
    [
        ("Mo-Th 10:00-7:00", True),
        ("Mo-Fr 08:00-5:30", True),
        ("Sa 12:00-04:00", True),
        ("Mo-Su 20:00-06:00", False),
        ("Mo-Su 18:00-07:00", False),
        ("Mo-Sa 16:00-02:00", False),
        ("Mo-Su 17:00-05:00", False),
        ("Mo-Fr 09:00-17:00", False),
        ("Fr 22:00-00:30", False),
    ],
)
def test_hours_that_look_like_a_12_hour_clock_slip(
    content_copy: Path, hours: str, slip: bool
) -> None:
    text = region_text(listings=listing("p1", "second-mid", f'    opening_hours: "{hours}"\n'))
    path = write(content_copy, "regions/second.yaml", text)
    found = [w for w in warnings_of(content_copy) if "24-hour clock" in w]
    if slip:
        find(found, path, line_of(text, "opening_hours"), "(p1): opening_hours", "overnight")
    else:
        assert found == []


@pytest.mark.parametrize(
    ("country", "number", "postal", "phone_warned", "postal_warned"),
    [
        ("", "510-555-010", "9461", True, True),
        ("", "510-555-0100", "94612-1234", False, False),
        ("", "988", "94612", False, False),
        ("", "+44 20 7946 0123", "94612", False, False),
        ("  country: CA\n", "416 555 0123", "M5V 2T6", False, False),
        ("  country: GB\n", "020 7946 01", "SW1A 1AA", True, False),
        ("  country: MX\n", "55 1234 5678", "0600", False, True),
        ("  country: KR\n", "02-123-4567", "04524", False, False),
        ("  country: ES\n", "+34 912 345 678", "28013", False, False),
        ("  country: FR\n", "1", "x", False, False),
    ],
)
def test_phone_and_postal_shapes_follow_the_region_country(
    content_copy: Path,
    country: str,
    number: str,
    postal: str,
    phone_warned: bool,
    postal_warned: bool,
) -> None:
    extra = (
        f'    locations:\n      - address_1: "1 Main St"\n        city: Testville\n'
        f'        postal_code: "{postal}"\n        latitude: 37.8\n        longitude: -122.27\n'
    )
    body = listing("p1", "second-mid", extra).replace("510-555-0100", number)
    text = region_text(listings=body, extra_header=country)
    path = write(content_copy, "regions/second.yaml", text)
    found = warnings_of(content_copy)
    phone = [w for w in found if "(p1).phones[0].number" in w]
    postal_found = [w for w in found if "(p1).locations[0].postal_code" in w]
    assert bool(phone) is phone_warned, found
    assert bool(postal_found) is postal_warned, found
    if phone_warned:
        find(phone, path, line_of(text, "number:"), "does not look like a")
    if postal_warned:
        find(postal_found, path, line_of(text, "postal_code"), "postal code")


@pytest.mark.parametrize(
    ("written", "gist"), [("us", "not a two-letter country code"), ("NO", "read as a boolean")]
)
def test_a_bad_country_is_an_error(content_copy: Path, written: str, gist: str) -> None:
    text = region_text(extra_header=f"  country: {written}\n")
    path = write(content_copy, "regions/second.yaml", text)
    find(problems(content_copy), path, line_of(text, "country:"), "region.country", gist)


# --- the OK report ---------------------------------------------------------------------------


def test_ok_lists_each_region_with_its_counts_then_totals(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(content_copy, "regions/second.yaml", region_text())
    assert main(["validate", str(content_copy)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    start = lines.index("Regions:")
    assert lines[start + 1].split()[:7] == [
        "second",
        "1",
        "listing,",
        "2",
        "neighbourhoods,",
        "2",
        "warnings",
    ]
    assert lines[start + 2].split()[:7] == [
        "testville",
        "3",
        "listings,",
        "2",
        "neighbourhoods,",
        "2",
        "warnings",
    ]
    assert lines[start + 3].startswith("Total: 4 listings in 2 region(s) (4 neighbourhoods)")


def test_swapped_coordinates_out_of_range_say_so(content_copy: Path) -> None:
    extra = (
        '    locations:\n      - address_1: "1 Main St"\n        city: Testville\n'
        "        latitude: -122.271\n        longitude: 37.801\n"
    )
    text = region_text(listings=listing("p1", "second-mid", extra))
    path = write(content_copy, "regions/second.yaml", text)
    line = line_of(text, "latitude: -122", after="id: p1")
    find(problems(content_copy), path, line, "(p1).locations[0].latitude", "look swapped")


@pytest.mark.parametrize("latitude", ["[37.8, -122.2]", "{a: 1}", "[]"])
def test_coordinates_that_are_not_numbers_are_a_problem_not_a_crash(
    content_copy: Path, latitude: str
) -> None:
    extra = (
        '    locations:\n      - address_1: "1 Main St"\n        city: Testville\n'
        f"        latitude: {latitude}\n        longitude: 37.801\n"
    )
    text = region_text(listings=listing("p1", "second-mid", extra))
    path = write(content_copy, "regions/second.yaml", text)
    line = line_of(text, "latitude: ", after="id: p1")
    find(problems(content_copy), path, line, "(p1).locations[0].latitude", "is not a number")


# --- new-region ------------------------------------------------------------------------------


def new_region(content: Path, *args: str) -> int:
    return main(["new-region", *args, "--content", str(content)])


@pytest.mark.parametrize(
    ("region_id", "name", "timezone", "country"),
    [
        ("east-bay", "East Bay", "America/Los_Angeles", "US"),
        ("madrid", 'Madrid "Centro": Lavapiés', "Europe/Madrid", "ES"),
        ("a-very-long-id-20ch", "Long", "Asia/Seoul", "KR"),
        ("lyon", "Lyon", "Europe/Paris", "FR"),
    ],
)
def test_new_region_writes_a_skeleton_that_validates(
    content_copy: Path,
    capsys: pytest.CaptureFixture[str],
    region_id: str,
    name: str,
    timezone: str,
    country: str,
) -> None:
    assert (
        new_region(
            content_copy, region_id, "--name", name, "--timezone", timezone, "--country", country
        )
        == 0
    )
    path = content_copy / "regions" / f"{region_id}.yaml"
    assert f"Wrote {path}" in capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    assert text.count(': "unknown"\n') == 15
    result = load(content_copy)
    assert result.content is not None, [str(p) for p in result.problems.errors]
    region = result.content.regions[region_id]
    assert region.name.get("en") == name and region.country == country
    assert region.timezone == timezone
    (listing_found,) = result.content.resources_in(region_id)
    assert listing_found.access.requires_police_cooperation.value == "unknown"
    warned = [str(p) for p in result.problems.warnings if str(path) in str(p)]
    assert any("placeholder" in w for w in warned), warned


def test_new_region_refuses_to_overwrite(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(content_copy, "regions/east-bay.yaml", "# mine\n")
    assert new_region(content_copy, "east-bay", "--name", "X", "--timezone", "UTC") == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_text() == "# mine\n"


def test_new_region_refuses_an_id_already_taken(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(content_copy, "regions/other-name.yaml", region_text(region_id="east-bay", hood="eb-mid"))
    assert new_region(content_copy, "east-bay", "--name", "X", "--timezone", "UTC") == 1
    err = capsys.readouterr().err
    assert "'east-bay' is already taken" in err and "other-name.yaml:2" in err
    assert not (content_copy / "regions" / "east-bay.yaml").exists()


@pytest.mark.parametrize(
    ("args", "gist"),
    [
        (["Bad Id", "--name", "X", "--timezone", "UTC"], "not a valid region id"),
        (["ok", "--name", "X", "--timezone", "Mars/Base"], "not a known time zone"),
        (["ok", "--name", "X", "--timezone", "UTC", "--country", "usa"], "two-letter"),
        (["ok", "--name", " ", "--timezone", "UTC"], "--name is empty"),
    ],
)
def test_new_region_refuses_bad_options_clearly(
    content_copy: Path, capsys: pytest.CaptureFixture[str], args: list[str], gist: str
) -> None:
    assert new_region(content_copy, *args) == 2
    err = capsys.readouterr().err
    assert gist in err and "Traceback" not in err
    assert sorted(p.name for p in (content_copy / "regions").iterdir()) == ["testville.yaml"]


def test_the_admins_guide_commands_work_as_written(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/admins.md: the new-region example writes a region, and validate prints its counts."""
    guide = (Path(__file__).resolve().parent.parent / "docs" / "admins.md").read_text()
    command = next(line for line in guide.splitlines() if line.startswith("python -m bot new-"))
    args = shlex.split(command)[4:]
    assert new_region(content_copy, *args) == 0
    assert main(["validate", str(content_copy)]) == 0
    out = capsys.readouterr().out
    assert "  east-bay   1 listing, 1 neighbourhood," in out


def test_a_broken_neighbourhood_is_blamed_once_not_in_every_listing(content_copy: Path) -> None:
    text = region_text().replace("latitude: 37.8,", "latitude: north,")
    path = write(content_copy, "regions/second.yaml", text)
    found = [p for p in problems(content_copy) if "warning" not in p and str(path) in p]
    assert len(found) == 1, found
    find(found, path, line_of(text, "latitude: north"), "is not a number")


SECOND_WITH_ERROR = region_text(
    listings=listing("first", "second-mid", "    access:\n      fee: cheap\n")
    + listing("later", "second-mid")
)
FEE_LINE = line_of(SECOND_WITH_ERROR, "fee: cheap")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_any_damage_after_an_error_leaves_that_error_reported(
    content_copy: Path, data: st.DataObject
) -> None:
    lines = SECOND_WITH_ERROR.splitlines(keepends=True)
    where = data.draw(st.integers(FEE_LINE, len(lines)))
    damage = data.draw(
        st.sampled_from(['"open', "  x: [a", "\tx: 1", " : :", "- -", "{", "a: b: c"])
    )
    text = "".join(lines[:where]) + damage + "\n" + "".join(lines[where:])
    path = write(content_copy, "regions/second.yaml", text)
    found = problems(content_copy)
    assert any(p.startswith(at(path, FEE_LINE)) and "'cheap'" in p for p in found), found
    assert not any("missing required field" in p for p in found if str(path) in p), found


def test_the_shipped_content_has_no_warnings() -> None:
    result = load_content(Path(__file__).resolve().parent.parent / "content", today=TODAY)
    assert result.content is not None
    assert [str(p) for p in result.problems.warnings] == []
