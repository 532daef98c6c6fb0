"""Canary values: put in every field of test updates, they must never reach a log or a file."""

from __future__ import annotations

from typing import Any

USER_ID = 7318459261
FIRST_NAME = "Zebulonia"
LAST_NAME = "Quixandrel"
USERNAME = "wren_canary_5521"
TEXT_WORD = "plumtrovex"
LATITUDE = 37.80519
LONGITUDE = -122.27311
# Every user id in the tests starts with this, so any of them in a log is caught.
ID_PREFIX = "731845926"
ALL = (ID_PREFIX, FIRST_NAME, LAST_NAME, USERNAME, TEXT_WORD, "37.80519", "122.27311")


def canary_user(language_code: str | None = "es-MX", number: int = 0) -> dict[str, Any]:
    """A user (Bot API JSON) whose every field is a canary; `number` 0-9 varies the id."""
    user: dict[str, Any] = {
        "id": USER_ID + number - 1 if number else USER_ID,
        "is_bot": False,
        "first_name": FIRST_NAME,
        "last_name": LAST_NAME,
        "username": USERNAME,
    }
    if language_code is not None:
        user["language_code"] = language_code
    return user


def found(text: str) -> list[str]:
    """The canaries that appear in `text`."""
    return [canary for canary in ALL if canary in text]
