"""The validator: every YAML trap admins hit becomes a precise file:line error with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.domain.loader import load_content
from bot.domain.strict_yaml import MAX_FILE_BYTES

from .conftest import CONTENT, MINIMAL

REGION = """\
region:
  id: testville
  name: Testville
  timezone: America/Los_Angeles
neighbourhoods:
  - id: centre
    name: Centre
    center: {latitude: 37.8, longitude: -122.27}
resources:
  - id: place-one
    name: Place One
    description: Something useful.
    needs: [condoms]
    neighbourhood: centre
%s
"""


def errors_for(folder: Path, region_text: str) -> list[str]:
    (folder / "regions" / "testville.yaml").write_text(region_text, encoding="utf-8")
    result = load_content(folder)
    assert result.content is None
    return [str(p) for p in result.problems.errors]


def resource_errors(folder: Path, extra: str) -> list[str]:
    return errors_for(folder, REGION % extra)


def test_shipped_content_is_valid() -> None:
    result = load_content(CONTENT)
    assert result.content is not None, [str(p) for p in result.problems.errors]
    assert len(result.content.resources) >= 30


def test_minimal_fixture_is_valid() -> None:
    assert load_content(MINIMAL).content is not None


def test_yes_no_read_as_boolean_names_file_line_and_fix(content_copy: Path) -> None:
    errors = resource_errors(content_copy, "    access:\n      requires_id: no")
    assert errors == [
        f"{content_copy}/regions/testville.yaml:16: resources[0] (place-one).access.requires_id:"
        ' "no" was read as a boolean; write "no" in quotes'
    ]


def test_boolean_in_a_text_field(content_copy: Path) -> None:
    errors = resource_errors(content_copy, "    url: on")
    assert any(":15:" in e and '"on" was read as a boolean' in e for e in errors), errors


def test_time_read_as_number(content_copy: Path) -> None:
    errors = resource_errors(content_copy, "    opening_hours: 12:30")
    assert any(":15:" in e and "12:30 was read as a number" in e and '"12:30"' in e for e in errors)


def test_postal_code_losing_leading_zero(content_copy: Path) -> None:
    extra = """\
    locations:
      - address_1: "1 Main St"
        city: Testville
        postal_code: 02134
        latitude: 37.8
        longitude: -122.27"""
    errors = resource_errors(content_copy, extra)
    assert any(":18:" in e and "leading zero" in e and '"02134"' in e for e in errors), errors


def test_phone_number_read_as_number(content_copy: Path) -> None:
    errors = resource_errors(content_copy, "    phones:\n      - number: 5105550123")
    assert any(":16:" in e and "read as a number" in e for e in errors), errors


def test_tabs_are_reported_per_line(content_copy: Path) -> None:
    errors = resource_errors(content_copy, '    url:\t"https://example.org"')
    assert any(":15:" in e and "tab character" in e for e in errors), errors


def test_duplicate_keys(content_copy: Path) -> None:
    errors = resource_errors(content_copy, "    name: Again")
    assert any(":15:" in e and "duplicate field (first at line 11)" in e for e in errors), errors


@pytest.mark.parametrize(
    ("extra", "word"),
    [
        ('    url: &link "https://example.org"', "anchor &link"),
        ("    email: !!str someone@example.org", "tag tag:yaml.org,2002:str"),
        ("    email: !custom someone@example.org", "tag !custom"),
    ],
)
def test_anchors_and_tags_are_refused(content_copy: Path, extra: str, word: str) -> None:
    errors = resource_errors(content_copy, extra)
    assert any(":15:" in e and word in e and "not allowed" in e for e in errors), errors


def test_billion_laughs_is_refused_without_expanding(content_copy: Path) -> None:
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        bomb.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    errors = errors_for(content_copy, "\n".join(bomb) + "\n")
    assert any("alias *a is not allowed" in e for e in errors)
    assert any("anchor &a is not allowed" in e for e in errors)


def test_unknown_field_suggests_the_right_one(content_copy: Path) -> None:
    errors = resource_errors(content_copy, '    opening_hour: "24/7"')
    assert any(
        ":15:" in e and "unknown field 'opening_hour'" in e and 'did you mean "opening_hours"' in e
        for e in errors
    ), errors


def test_wrong_enum_value_lists_allowed_ones(content_copy: Path) -> None:
    errors = resource_errors(content_copy, "    access:\n      fee: cheap")
    assert any(
        ":16:" in e
        and "'cheap' is not allowed" in e
        and "free, sliding_scale, fee, insurance, unknown" in e
        for e in errors
    ), errors


def test_unknown_need_and_neighbourhood(content_copy: Path) -> None:
    text = (
        (REGION % "")
        .replace("needs: [condoms]", "needs: [condom]")
        .replace("neighbourhood: centre", "neighbourhood: center")
    )
    errors = errors_for(content_copy, text)
    assert any(":13:" in e and "unknown need 'condom'" in e and '"condoms"' in e for e in errors)
    assert any(":14:" in e and "unknown neighbourhood 'center'" in e for e in errors), errors


def test_duplicate_resource_ids(content_copy: Path) -> None:
    second = (REGION % "").split("resources:\n")[1]
    errors = errors_for(content_copy, REGION % "" + second)
    assert any(":16:" in e and "duplicate id 'place-one'" in e for e in errors), errors


def test_invalid_opening_hours(content_copy: Path) -> None:
    errors = resource_errors(content_copy, '    opening_hours: "Mo-Fr 9-17 sometimes"')
    assert any(":15:" in e and "not valid opening hours" in e for e in errors), errors


def test_unknown_time_zone(content_copy: Path) -> None:
    text = (REGION % "").replace("America/Los_Angeles", "America/Oakland")
    errors = errors_for(content_copy, text)
    assert any(":4:" in e and "unknown time zone 'America/Oakland'" in e for e in errors), errors


def test_coordinates_out_of_range(content_copy: Path) -> None:
    text = (REGION % "").replace("latitude: 37.8", "latitude: 137.8")
    errors = errors_for(content_copy, text)
    assert any(":8:" in e and "137.8 is out of range" in e for e in errors), errors


def test_files_over_the_size_limit(content_copy: Path) -> None:
    padding = "#" + "x" * 1000 + "\n"
    text = REGION % "" + padding * (MAX_FILE_BYTES // len(padding) + 1)
    errors = errors_for(content_copy, text)
    assert any(":1:" in e and "larger than" in e for e in errors), errors


def test_yaml_syntax_error_has_a_line(content_copy: Path) -> None:
    errors = resource_errors(content_copy, '    url: "https://example.org')
    assert any(
        ":15: YAML syntax error" in e and "quote opened on line 15 is never closed" in e
        for e in errors
    ), errors
    errors = resource_errors(content_copy, "  bad indent: x")
    assert any(":15: YAML syntax error" in e for e in errors), errors


def test_confidential_address_with_locations_is_an_error(content_copy: Path) -> None:
    extra = """\
    confidential_address: true
    locations:
      - address_1: "1 Main St"
        city: Testville
        latitude: 37.8
        longitude: -122.27"""
    errors = resource_errors(content_copy, extra)
    assert any(":16:" in e and "confidential_address" in e for e in errors), errors


def test_every_problem_is_reported_at_once(content_copy: Path) -> None:
    extra = "    access:\n      requires_id: no\n      fee: cheap\n    opening_hours: 12:30"
    assert len(resource_errors(content_copy, extra)) == 3


def test_missing_translation_is_a_warning_with_coverage(content_copy: Path) -> None:
    (content_copy / "regions" / "testville.yaml").write_text(REGION % "", encoding="utf-8")
    result = load_content(content_copy)
    assert result.content is not None
    warnings = [str(p) for p in result.problems.warnings]
    assert any(
        "testville.yaml:12: warning: translation missing" in w and "'es'" in w for w in warnings
    )
    assert result.coverage.percent("es") < 100


def test_missing_page_translation_is_a_warning(content_copy: Path) -> None:
    (content_copy / "pages" / "es" / "spectrum.md").unlink()
    result = load_content(content_copy)
    assert result.content is not None
    assert any("no pages/es/spectrum.md" in str(w) for w in result.problems.warnings)


def test_page_front_matter_errors_point_at_the_line(content_copy: Path) -> None:
    page = content_copy / "pages" / "en" / "spectrum.md"
    page.write_text(page.read_text().replace("order: 1", "order: first"), encoding="utf-8")
    result = load_content(content_copy)
    assert any(
        str(p).startswith(f"{page}:4:") and "not a whole number" in str(p)
        for p in result.problems.errors
    )


def test_validate_command_exit_codes(content_copy: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(MINIMAL)]) == 0
    out = capsys.readouterr().out
    assert "Total: 3 listings" in out and "Translation coverage" in out and "condoms" in out
    (content_copy / "regions" / "testville.yaml").write_text(
        REGION % "    access:\n      requires_id: no", encoding="utf-8"
    )
    assert main(["validate", str(content_copy)]) == 1
    assert (
        "testville.yaml:16: resources[0] (place-one).access.requires_id" in capsys.readouterr().out
    )


SAMPLE_REGION = (MINIMAL / "regions" / "testville.yaml").read_text(encoding="utf-8")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_any_text_as_a_region_file_never_raises(content_copy: Path, text: str) -> None:
    (content_copy / "regions" / "testville.yaml").write_text(text, encoding="utf-8")
    result = load_content(content_copy)
    assert (result.content is None) == bool(result.problems.errors)
    if not text.strip(" \n"):
        assert any("is empty" in str(e) for e in result.problems.errors)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_damaged_region_files_never_raise(content_copy: Path, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(SAMPLE_REGION) - 1))
    length = data.draw(st.integers(1, 40))
    insert = data.draw(st.sampled_from(["", "no", ": ", "\t", "- ", "&a ", "*a", "12:30", "\n  x"]))
    text = SAMPLE_REGION[:start] + insert + SAMPLE_REGION[start + length :]
    (content_copy / "regions" / "testville.yaml").write_text(text, encoding="utf-8")
    result = load_content(content_copy)
    assert (result.content is None) == bool(result.problems.errors)
