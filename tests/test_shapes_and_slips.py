"""Phone and postal shapes per country, and the 12-hour-clock slip rule, unit by unit."""

from __future__ import annotations

import pytest

from bot.domain.hours_check import explain_hours, twelve_hour_slips
from bot.domain.shapes import COUNTRIES, country_problem, phone_problem, postal_problem

GOOD_PHONES = {
    "US": ["510-555-0123", "1-800-555-0199", "(510) 555-0123", "988", "741741", "+1 510 555 0123"],
    "CA": ["416-555-0123", "+1 416 555 0123", "211"],
    "GB": ["020 7946 0123", "+44 20 7946 0123", "+44 (0)20 7946 0123", "116 123", "999"],
    "AU": ["02 9876 5432", "0412 345 678", "1800 123 456", "13 11 14", "000", "+61 2 9876 5432"],
    "PH": ["0917 123 4567", "(02) 8123 4567", "+63 917 123 4567", "1553", "911"],
    "KR": ["02-123-4567", "010-1234-5678", "1588-1234", "1366", "+82 2 123 4567"],
    "TH": ["02 123 4567", "081 234 5678", "1300", "+66 2 123 4567"],
    "VN": ["024 3825 1234", "091 234 5678", "1800 1567", "113", "+84 24 3825 1234"],
    "CN": ["010 6512 3456", "138 0013 8000", "400 123 4567", "12355", "+86 10 6512 3456"],
    "TW": ["02 2311 1234", "0912 345 678", "1995", "+886 2 2311 1234"],
    "MX": ["55 1234 5678", "800 123 4567", "911", "+52 55 1234 5678"],
    "ES": ["912 345 678", "600 123 456", "016", "112", "+34 912 345 678"],
}
BAD_PHONES = {
    "US": ["510-555-010", "510-555-01234", "0510 555 0123", "+1 510 555 012"],
    "CA": ["416-555-012"],
    "GB": ["020 7946 01", "+44 20 7946 012345"],
    "AU": ["02 9876 543", "+61 2 9876 543"],
    "PH": ["0917 123 45"],
    "KR": ["02-123-45"],
    "TH": ["02 123 45"],
    "VN": ["024 3825"],
    "CN": ["138 0013 80"],
    "TW": ["02 2311 1"],
    "MX": ["55 1234 567"],
    "ES": ["912 345 67", "512 345 678"],
}
POSTAL = {
    "US": (["94612", "94612-1234"], ["9461", "946120", "02134x"]),
    "CA": (["M5V 2T6", "m5v2t6"], ["12345"]),
    "GB": (["SW1A 1AA", "M1 1AE", "EC1A 1BB"], ["12345"]),
    "AU": (["2000"], ["20000"]),
    "PH": (["1000"], ["100"]),
    "KR": (["04524"], ["0452"]),
    "TH": (["10110"], ["1011"]),
    "VN": (["100000", "10000"], ["1000"]),
    "CN": (["100006"], ["10000"]),
    "TW": (["100", "10048", "100001"], ["1000"]),
    "MX": (["06000"], ["0600"]),
    "ES": (["28013"], ["2801"]),
}


def test_every_country_has_rules_in_the_tests() -> None:
    assert set(COUNTRIES) == set(GOOD_PHONES) == set(BAD_PHONES) == set(POSTAL)


@pytest.mark.parametrize(
    ("country", "number"), [(c, n) for c, numbers in GOOD_PHONES.items() for n in numbers]
)
def test_good_phone_numbers_pass(country: str, number: str) -> None:
    assert phone_problem(number, country) is None


@pytest.mark.parametrize(
    ("country", "number"), [(c, n) for c, numbers in BAD_PHONES.items() for n in numbers]
)
def test_phone_numbers_of_the_wrong_shape_are_named(country: str, number: str) -> None:
    problem = phone_problem(number, country)
    assert problem is not None and repr(number) in problem and country in problem


def test_other_countries_numbers_and_unknown_countries_are_not_checked() -> None:
    assert phone_problem("+33 1 23 45 67 89", "US") is None
    assert phone_problem("12", "FR") is None
    assert postal_problem("x", "FR") is None


@pytest.mark.parametrize(
    ("country", "code", "good"),
    [(c, code, True) for c, (good, _bad) in POSTAL.items() for code in good]
    + [(c, code, False) for c, (_good, bad) in POSTAL.items() for code in bad],
)
def test_postal_codes(country: str, code: str, good: bool) -> None:
    assert (postal_problem(code, country) is None) is good


@pytest.mark.parametrize(
    ("code", "good"), [("US", True), ("FR", True), ("us", False), ("XX", False)]
)
def test_country_codes(code: str, good: bool) -> None:
    assert (country_problem(code) is None) is good


@pytest.mark.parametrize(
    ("hours", "meant"),
    [
        ("Mo-Th 10:00-7:00", "10:00-19:00"),
        ("Mo-Fr 08:00-5:30", "08:00-17:30"),
        ("Mo-Fr 09:00-12:00,13:00-5:00", "13:00-17:00"),
        ("Sa 06:00-01:00", "06:00-13:00"),
    ],
)
def test_twelve_hour_slips_suggest_the_24_hour_time(hours: str, meant: str) -> None:
    (slip,) = twelve_hour_slips(hours)
    assert repr(meant) in slip


@pytest.mark.parametrize(
    "hours",
    [
        "Mo-Su 20:00-06:00",
        "Mo-Su 18:00-07:00",
        "Mo-Sa 16:00-02:00",
        "Mo-Su 17:00-05:00",
        "Fr 22:00-00:30",
        "Mo-Fr 05:00-02:00",
        "Mo-Fr 10:00-09:30",
        "24/7",
    ],
)
def test_real_overnight_hours_are_not_slips(hours: str) -> None:
    assert twelve_hour_slips(hours) == []


def test_hours_explanations_never_show_parser_internals() -> None:
    message = explain_hours("Mo-Fr 9-17", "Failed to parse expression:  --> 1:7")
    assert "-->" not in message and "'9-17'" in message and "09:00-17:00" in message
    assert "the part 'Mo-Fr'" in explain_hours("Mo-Fr", "no column here")
