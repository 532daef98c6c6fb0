"""HSDS 3.0: the export validates against the schema, keeps confidential addresses out, and comes
back through the import unchanged; a dataset written by hand imports into a valid region."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.domain.hours import OpeningSchedule
from bot.domain.loader import load_content
from bot.domain.models import Content, Location, Resource
from bot.domain.region_writer import RegionDraft, quote, region_yaml
from bot.hsds.export import ExportOptions, export_content
from bot.hsds.listings import DatasetImportError, ImportOptions, import_services
from bot.hsds.schedules import from_hsds, to_hsds, weekly_spans
from bot.hsds.schema import columns, required_columns, service_errors, tables
from bot.hsds.tables import read_tables, write_tables

from .conftest import CONTENT

# Any week will do for comparing hours: the rules here are weekly.
A_MONDAY = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def sample() -> Content:
    content = load_content(CONTENT).content
    assert content is not None
    return content


@pytest.fixture(scope="module")
def exported(sample: Content, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hsds") / "out"
    assert main(["export-hsds", "--content", str(CONTENT), "-o", str(out)]) == 0
    return out


def services_of(out: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((out / "json" / "services.json").read_text("utf-8"))
    return data


# --- export ----------------------------------------------------------------------------------


def test_every_exported_service_validates_against_the_hsds_schema(exported: Path) -> None:
    services = services_of(exported)
    assert len(services) == 35
    assert {s["id"]: service_errors(s) for s in services if service_errors(s)} == {}


def test_the_schema_check_catches_what_the_standard_forbids() -> None:
    assert service_errors({"id": "not-a-uuid", "name": "x"}) == [
        "id: 'not-a-uuid' is not a 'uuid'",
        "(the record): 'status' is a required property",
    ]


def test_ids_are_stable_across_exports(sample: Content) -> None:
    first = export_content(sample, ExportOptions()).services
    again = export_content(sample, ExportOptions()).services
    assert first == again
    assert len({s["id"] for s in first}) == len(first)


def test_csv_tables_have_the_datapackage_columns_and_fill_required_ones(exported: Path) -> None:
    folder = exported / "csv"
    package = json.loads((folder / "datapackage.json").read_text("utf-8"))
    assert [r["name"] for r in package["resources"]] == list(tables())
    counts = {}
    for name, table in tables().items():
        with (folder / table["path"]).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
        assert reader.fieldnames == columns(name), name
        for row in rows:
            assert all(row[c] != "" for c in required_columns(name)), (name, row)
        counts[name] = len(rows)
    assert counts["service"] == 35
    assert counts["organization"] >= 20 and counts["taxonomy"] == 1
    assert counts["attribute"] > counts["service"] * 5


def test_access_facts_and_community_marks_become_terms_of_our_taxonomy(exported: Path) -> None:
    night_owl = next(s for s in services_of(exported) if s["name"] == "Night Owl Drop-in")
    codes = {a["taxonomy_term"]["code"] for a in night_owl["attributes"]}
    assert "waypoint:access:requires_id:no" in codes
    assert "waypoint:community:sex_worker_led" in codes
    assert "waypoint:need:drop_in" in codes
    assert not any(code.endswith(":unknown") for code in codes)
    taxonomy = night_owl["attributes"][0]["taxonomy_term"]["taxonomy_detail"]
    assert taxonomy["name"] == "Waypoint"


def test_other_languages_travel_as_text_attributes(exported: Path) -> None:
    night_owl = next(s for s in services_of(exported) if s["name"] == "Night Owl Drop-in")
    spanish = [
        a
        for a in night_owl["attributes"]
        if a["taxonomy_term"]["code"] == "waypoint:text:es" and a["link_type"] == "description"
    ]
    assert len(spanish) == 1 and "trabajo sexual" in spanish[0]["value"]


def test_lang_picks_the_language_of_the_main_texts(sample: Content) -> None:
    services = export_content(sample, ExportOptions(lang="es")).services
    night_owl = next(s for s in services if s["name"] == "Night Owl Drop-in")
    assert "trabajo sexual" in night_owl["description"]


CANARY_STREET = "4471 Quillfeather Canary Row"
CANARY_LATITUDE = 37.776543


def test_a_confidential_address_is_never_exported(sample: Content, tmp_path: Path) -> None:
    shelter = next(r for r in sample.resources.values() if r.confidential_address)
    hood = sample.neighbourhoods[shelter.neighbourhood_id]
    # Even if a location slipped into the model, only the neighbourhood may leave.
    leaky = dataclasses.replace(
        shelter,
        locations=(
            Location(
                dataclasses.replace(
                    next(r for r in sample.resources.values() if r.locations).locations[0].address,
                    address_1=CANARY_STREET,
                ),
                dataclasses.replace(hood.center, latitude=CANARY_LATITUDE),
            ),
        ),
    )
    content = dataclasses.replace(sample, resources={**sample.resources, shelter.id: leaky})
    services = export_content(content, ExportOptions()).services
    write_tables(services, tmp_path / "csv")
    dumped = json.dumps(services) + "".join(
        p.read_text("utf-8") for p in (tmp_path / "csv").iterdir()
    )
    assert CANARY_STREET not in dumped and str(CANARY_LATITUDE) not in dumped
    record = next(s for s in services if s["name"] == shelter.name.get("en"))
    assert record["service_at_locations"] == []
    assert record["service_areas"][0]["name"] == hood.name.get("en")
    assert str(hood.center.latitude) in record["service_areas"][0]["extent"]


def test_export_names_the_listings_whose_hours_lost_detail(
    sample: Content, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_with_hours(tmp_path, "Mo-Fr 09:00-17:00; PH off")
    assert main(["export-hsds", "--content", str(content), "-o", str(tmp_path / "o")]) == 0
    printed = capsys.readouterr().out
    assert "night-owl-drop-in: Mo-Fr 09:00-17:00; PH off" in printed
    night_owl = next(s for s in services_of(tmp_path / "o") if s["name"] == "Night Owl Drop-in")
    assert night_owl["schedules"] == [
        {
            "id": night_owl["schedules"][0]["id"],
            "service_id": night_owl["id"],
            "description": "Mo-Fr 09:00-17:00; PH off",
        }
    ]


def copy_with_hours(tmp_path: Path, hours: str) -> Path:
    """The sample content with the Night Owl's hours replaced."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    region = target / "regions" / "oakland.yaml"
    text = region.read_text("utf-8")
    region.write_text(
        text.replace('opening_hours: "Mo-Sa 21:00-03:00"', f'opening_hours: "{hours}"', 1),
        "utf-8",
    )
    return target


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "atlantis"], "--area atlantis: no such area"),
        (["--country", "usa"], "--country usa: use a two-letter code"),
        (["--lang", "xx"], "--lang xx: choose one of"),
    ],
)
def test_bad_export_options_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["export-hsds", "-o", str(tmp_path / "o"), *args]) == 2
    assert message in capsys.readouterr().err


# --- opening hours ---------------------------------------------------------------------------


def ids(*parts: str) -> str:
    return "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    "expression",
    [
        "Mo-Fr 09:00-17:00",
        "Mo,We,Fr 10:00-18:00; Tu,Th 12:00-20:00",
        "Mo-Su 20:00-02:00",
        "Mo-Fr 09:00-12:00,13:00-17:00; Sa 10:00-14:00",
        "24/7",
    ],
)
def test_weekly_hours_become_schedules_and_come_back(expression: str) -> None:
    schedules, complete = to_hsds(expression, "s", ids)
    assert complete and all("byday" in s and "opens_at" in s for s in schedules)
    assert from_hsds(schedules) == expression


@pytest.mark.parametrize(
    "expression",
    [
        "Mo-Fr 09:00-17:00; PH off",
        "Jan-Mar Mo 10:00-12:00",
        "week 1-53/2 Fr 09:00-12:00",
        'Mo 10:00-12:00 "call first"',
        "Mo-Fr 09:00-17:00; Fr 10:00-12:00",
        "Mo 22:00-02:00; Tu 10:00-12:00",
        "sunrise-sunset",
    ],
)
def test_hours_beyond_weekly_times_are_kept_verbatim_as_text(expression: str) -> None:
    schedules, complete = to_hsds(expression, "s", ids)
    assert not complete and schedules[0]["description"] == expression
    assert from_hsds(schedules) == expression


def open_minutes(hours: OpeningSchedule) -> list[tuple[dt.datetime, dt.datetime]]:
    """When the place is open, Tuesday to Saturday of the week from A_MONDAY, as merged spans
    (the edges of the week are left out, where spans are cut)."""
    first = dt.datetime.combine(A_MONDAY.date() + dt.timedelta(days=1), dt.time(), hours.zone)
    last = first + dt.timedelta(days=5)
    spans = []
    for day in hours.week(A_MONDAY):
        start = dt.datetime.combine(day.day, dt.time(), hours.zone)
        for begin, end in [(start, start + dt.timedelta(days=1))] if day.all_day else day.intervals:
            if end > first and begin < last:
                spans.append((max(begin, first), min(end, last)))
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


DAY = st.sampled_from(["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"])
TIME = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sets(DAY, min_size=1), TIME, TIME), min_size=1, max_size=3))
def test_any_weekly_rule_set_round_trips_to_the_same_week(rules: list[Any]) -> None:
    used: set[str] = set()
    parts = []
    overnight = False
    for days, opens, closes in rules:
        days = days - used
        if not days or opens == closes:
            continue
        used |= days
        overnight = overnight or closes < opens
        parts.append(f"{','.join(sorted(days))} {opens}-{closes}")
    if not parts:
        return
    expression = "; ".join(parts)
    schedules, complete = to_hsds(expression, "s", ids)
    back = from_hsds(schedules)
    if not complete:  # only hours past midnight into another rule's day stay text
        assert back == expression and overnight
        return
    zone = "America/Los_Angeles"
    assert open_minutes(OpeningSchedule(back, zone)) == open_minutes(
        OpeningSchedule(expression, zone)
    )
    assert weekly_spans(back) is not None or ", " in back


# --- round trip ------------------------------------------------------------------------------


def content_without_oakland(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    (target / "regions" / "oakland.yaml").unlink()
    return target


def comparable(resource: Resource) -> Resource:
    """A listing with its hours compared by the week they describe, not by object identity."""
    return dataclasses.replace(resource, hours=None)


def assert_same_listings(before: Content, after: Content) -> None:
    assert set(after.resources) == set(before.resources)
    for rid, original in before.resources.items():
        back = after.resources[rid]
        assert comparable(back) == comparable(original), rid
        if original.hours or back.hours:
            assert original.hours and back.hours, rid
            assert back.hours.zone.key == original.hours.zone.key
            assert back.hours.week(A_MONDAY) == original.hours.week(A_MONDAY), rid
    for hood_id in {r.neighbourhood_id for r in before.resources.values()}:
        assert after.neighbourhoods[hood_id] == before.neighbourhoods[hood_id]


@pytest.mark.parametrize("form", ["json/services.json", "csv"])
def test_export_then_import_gives_back_the_same_listings(
    sample: Content, exported: Path, tmp_path: Path, form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    region_file = tmp_path / "oakland.yaml"
    args = ["import-hsds", str(exported / form), "-o", str(region_file), "--region", "oakland"]
    assert main([*args, "--content", str(CONTENT), "--name", "Oakland"]) == 0
    assert "passes validate" in capsys.readouterr().out
    content = content_without_oakland(tmp_path)
    shutil.copyfile(region_file, content / "regions" / "oakland.yaml")
    after = load_content(content).content
    assert after is not None
    assert_same_listings(sample, after)
    assert after.regions["oakland"].timezone == "America/Los_Angeles"
    assert after.regions["oakland"].sample is True


def test_csv_form_reads_back_as_the_json_form(exported: Path) -> None:
    from_csv = {s["id"]: s for s in read_tables(exported / "csv")}
    for service in services_of(exported):
        assert service_errors(from_csv[service["id"]]) == []
        assert from_csv[service["id"]]["name"] == service["name"]


# --- a dataset written by hand, after the HSDS documentation's examples --------------------------

ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
PANTRY = "ac148810-d857-441c-9679-408f346de14b"
LOCATION = "3ce0fe0d-5a7f-4d6a-8e4c-1a2b3c4d5e6f"


def handwritten_dataset() -> list[dict[str, Any]]:
    """Shaped like the examples of the HSDS 3.0 documentation: an organization providing a food
    pantry at one location, with a phone, a language and weekly hours."""
    pantry = {
        "id": PANTRY,
        "organization_id": ORG,
        "name": "Community Food Pantry",
        "alternate_name": "CFP",
        "description": "Free groceries and hot meals for anyone who needs them.",
        "url": "https://example.org/pantry",
        "email": "pantry@example.org",
        "status": "active",
        "fees_description": "Free",
        "eligibility_description": "Anyone",
        "last_modified": "2026-09-30T10:00:00Z",
        "organization": {
            "id": ORG,
            "name": "Example Community Services",
            "description": "A community organization running services in Example City.",
            "website": "https://example.org",
        },
        "phones": [
            {
                "id": "b1d4c6e2-8f3a-4b5c-9d6e-7f8a9b0c1d2e",
                "service_id": PANTRY,
                "number": "(555) 555-0142",
                "extension": 12,
                "type": "voice",
                "description": "Front desk",
            }
        ],
        "schedules": [
            {
                "id": "c2e5d7f3-9a4b-4c6d-8e7f-8a9b0c1d2e3f",
                "service_id": PANTRY,
                "freq": "WEEKLY",
                "byday": "MO,WE,FR",
                "opens_at": "09:00",
                "closes_at": "12:30",
            },
            {
                "id": "d3f6e8a4-0b5c-4d7e-9f8a-9b0c1d2e3f4a",
                "service_id": PANTRY,
                "freq": "WEEKLY",
                "byday": "SA",
                "opens_at": "10:00:00",
                "closes_at": "14:00:00",
            },
        ],
        "languages": [
            {"id": "e4a7f9b5-1c6d-4e8f-8a9b-0c1d2e3f4a5b", "name": "Spanish", "code": "es"},
            {"id": "f5b8a0c6-2d7e-4f9a-9b0c-1d2e3f4a5b6c", "name": "Klingon"},
        ],
        "service_at_locations": [
            {
                "id": "a6c9b1d7-3e8f-4a0b-8c1d-2e3f4a5b6c7d",
                "service_id": PANTRY,
                "location_id": LOCATION,
                "location": {
                    "id": LOCATION,
                    "location_type": "physical",
                    "name": "Main office",
                    "latitude": 37.7793,
                    "longitude": -122.2226,
                    "addresses": [
                        {
                            "id": "b7d0c2e8-4f9a-4b1c-9d2e-3f4a5b6c7d8e",
                            "location_id": LOCATION,
                            "address_1": "1 Example Street",
                            "city": "Example City",
                            "state_province": "CA",
                            "postal_code": "94601",
                            "country": "US",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
    }
    legal = {
        "id": "0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b",
        "name": "Tenant Lawyer Hour",
        "description": "A lawyer answers questions about housing, once a month.",
        "status": "active",
        "schedules": [
            {
                "id": "1f2a3b4c-5d6e-4f7a-8b9c-0d1e2f3a4b5c",
                "freq": "MONTHLY",
                "byday": "1TU",
                "opens_at": "18:00",
                "closes_at": "19:00",
                "description": "First Tuesday of the month, 6 to 7pm",
            }
        ],
    }
    closed = {
        "id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d",
        "name": "Old Clinic",
        "status": "defunct",
    }
    broken = {"id": "not-a-uuid", "name": "Broken record"}
    return [pantry, legal, closed, broken]


def run_import(tmp_path: Path, source: Path, *extra: str) -> tuple[int, Path, Path]:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    region_file = content / "regions" / "example.yaml"
    code = main(
        [
            "import-hsds",
            str(source),
            "-o",
            str(region_file),
            "--region",
            "example",
            "--content",
            str(content),
            *extra,
        ]
    )
    return code, content, region_file


def test_a_handwritten_dataset_imports_into_a_valid_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "dataset.json"
    source.write_text(json.dumps(handwritten_dataset()), "utf-8")
    code, content, region_file = run_import(
        tmp_path, source, "--timezone", "America/Los_Angeles", "--name", "Example City"
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "passes validate" in printed
    loaded = load_content(content).content
    assert loaded is not None
    pantry = loaded.resources["community-food-pantry"]
    assert pantry.needs == ("food",)
    assert pantry.organization and pantry.organization.get("en") == "Example Community Services"
    assert pantry.access == type(pantry.access)()  # every fact unknown
    assert pantry.languages == ("es",)
    assert pantry.phones[0].number == "(555) 555-0142"
    assert pantry.hours and pantry.hours.expression == "Mo,We,Fr 09:00-12:30; Sa 10:00-14:00"
    assert pantry.locations[0].address.address_1 == "1 Example Street"
    assert pantry.verified and pantry.verified.date == dt.date(2026, 9, 30)
    hood = loaded.neighbourhoods[pantry.neighbourhood_id]
    assert hood.id == "example-city" and hood.region_id == "example"
    lawyer = loaded.resources["tenant-lawyer-hour"]
    assert "legal" in lawyer.needs and lawyer.hours is None
    assert lawyer.verified and lawyer.verified.date == dt.date.today()
    assert lawyer.neighbourhood_id == hood.id
    # What was lost is reported per record, with its id and name.
    assert (
        f"service {PANTRY} (Community Food Pantry): dropped phone (555) 555-0142: extension 12"
        in printed
    )
    assert "(Community Food Pantry): dropped language 'Klingon'" in printed
    assert "(Tenant Lawyer Hour): dropped opening hours: repeats other than every week" in printed
    assert "(Old Clinic): skipped: status is defunct" in printed
    assert "service not-a-uuid (Broken record): skipped, not a valid HSDS service" in printed
    # The file tells the admin where the listing came from and what to check.
    text = region_file.read_text("utf-8")
    assert f"# Imported from dataset.json: service {PANTRY}" in text
    assert "# CHECK: every access fact is unknown" in text
    assert "# CHECK: opening hours not imported" in text
    assert "First Tuesday of the month, 6 to 7pm" in text


def test_without_a_recognisable_need_a_listing_is_skipped_or_given_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = handwritten_dataset()[1]
    record["name"], record["description"] = "Quiet Hour", "Time to read."
    source = tmp_path / "one.json"
    source.write_text(json.dumps([handwritten_dataset()[0], record]), "utf-8")
    code, _content, _file = run_import(tmp_path, source, "--timezone", "America/Chicago")
    assert code == 0
    assert "(Quiet Hour): skipped: no need recognised" in capsys.readouterr().out
    code, content, _file = run_import(
        tmp_path / "again", source, "--timezone", "America/Chicago", "--default-need", "drop_in"
    )
    loaded = load_content(content).content
    assert code == 0 and loaded is not None
    assert loaded.resources["quiet-hour"].needs == ("drop_in",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "dataset.json:1: not valid JSON"),
        ('"a string"', "expected a list of HSDS services"),
        ("[1, 2]", "no service could be imported"),
        ("[]", "no service could be imported"),
    ],
)
def test_a_malformed_dataset_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    source = tmp_path / "dataset.json"
    source.write_text(text, "utf-8")
    code, _content, region_file = run_import(tmp_path, source, "--timezone", "UTC")
    assert code == 1 and not region_file.exists()
    assert message in capsys.readouterr().err


def test_a_malformed_csv_dataset_is_a_clear_error(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "csv"
    shutil.copytree(exported / "csv", folder)
    locations = folder / "locations.csv"
    lines = locations.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    cells = next(csv.reader([lines[1]]))
    cells[header.index("latitude")] = "north"
    locations.write_text("\n".join([lines[0], ",".join(cells)]) + "\n", "utf-8")
    code, _content, _file = run_import(tmp_path, folder)
    assert code == 1
    assert "locations.csv row 2, column latitude: 'north' is not a number" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "Bad Id"], "--region Bad Id: use at most 20"),
        (["--region", "x", "--timezone", "Mars/Olympus"], "--timezone Mars/Olympus: not an IANA"),
        (["--region", "x", "--default-need", "nope"], "--default-need nope: choose one of"),
    ],
)
def test_bad_import_options_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "new.yaml"
    assert main(["import-hsds", str(tmp_path), "-o", str(out), *args]) == 2
    assert message in capsys.readouterr().err


def test_import_refuses_to_overwrite_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new.yaml"
    out.write_text("mine", "utf-8")
    assert main(["import-hsds", str(tmp_path), "-o", str(out), "--region", "x"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text("utf-8") == "mine"


# --- the region writer ------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_quoted_text_reads_back_exactly(text: str) -> None:
    assert yaml.safe_load(f"key: {quote(text)}\n") == {"key": text}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
PANTRY_KEYS = st.sampled_from(
    ["name", "description", "status", "url", "email", "phones", "schedules", "languages",
     "organization", "service_at_locations", "attributes", "service_areas", "assured_date"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(PANTRY_KEYS, JSON_VALUES, max_size=3), st.sampled_from(["phones", "schedules"])
)
def test_any_values_give_a_region_file_or_a_clear_report_never_an_exception(
    changes: dict[str, Any], nested: str
) -> None:
    pantry = handwritten_dataset()[0]
    (pantry[nested][0] if nested else pantry).update(changes)
    content = load_sample()
    options = ImportOptions("example", "x.json", dt.date(2026, 12, 4), timezone="Europe/Madrid")
    try:
        imported = import_services([pantry], content, options)
    except DatasetImportError as error:
        assert "no service could be imported" in str(error)
        return
    draft = RegionDraft(imported.region, imported.neighbourhoods, imported.resources)
    assert yaml.safe_load(region_yaml(draft))["resources"][0]["id"]


@functools.cache
def load_sample() -> Content:
    content = load_content(CONTENT).content
    assert content is not None
    return content


def test_a_folder_of_json_files_is_one_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "dataset"
    folder.mkdir()
    pantry, lawyer, *_rest = handwritten_dataset()
    (folder / "a.json").write_text(json.dumps(pantry), "utf-8")
    (folder / "b.json").write_text(json.dumps({"contents": [lawyer], "total_items": 1}), "utf-8")
    code, content, _file = run_import(tmp_path, folder, "--timezone", "America/Los_Angeles")
    loaded = load_content(content).content
    assert code == 0 and loaded is not None
    assert {"community-food-pantry", "tenant-lawyer-hour"} <= set(loaded.resources)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_import(tmp_path / "again", empty)[0] == 1
    assert "give its json/services.json or its csv folder" in capsys.readouterr().err


def test_an_address_marked_confidential_in_a_dataset_is_not_imported(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    services = services_of(exported)
    shelter = next(
        s
        for s in services
        if any(
            a["taxonomy_term"]["code"] == "waypoint:confidential_address:yes"
            for a in s["attributes"]
        )
    )
    shelter["service_at_locations"] = next(
        s["service_at_locations"] for s in services if s["service_at_locations"]
    )
    source = tmp_path / "shelter.json"
    source.write_text(json.dumps([shelter]), "utf-8")
    code, content, _file = run_import(tmp_path, source)
    loaded = load_content(content).content
    assert code == 0 and loaded is not None
    (imported,) = loaded.resources_in("example")
    assert imported.confidential_address and imported.locations == ()
    assert "dropped locations: the listing's address is confidential" in capsys.readouterr().out


def test_an_unwritable_output_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", "utf-8")
    assert main(["export-hsds", "-o", str(blocker / "out")]) == 1
    assert "cannot write there" in capsys.readouterr().err
