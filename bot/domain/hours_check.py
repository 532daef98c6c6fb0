"""Opening hours in admin words: what part of a bad hours text is wrong, and 12-hour-clock slips.

A time range that ends before it starts reads as open overnight. It is reported as a likely
12-hour-clock slip (`Mo-Th 10:00-7:00`, meant 7 pm) when it starts in the daytime (06:00 to
17:59), ends between 01:00 and 08:59, and reading the end as afternoon or evening gives a
same-day span of at most 12 hours. Real overnight hours (`20:00-06:00`, `17:00-05:00`,
`16:00-02:00`) pass: they start in the evening or would be longer than 12 hours if read so.
"""

from __future__ import annotations

import re

EXAMPLE = '"Mo-Fr 09:00-17:00; Sa 10:00-14:00"'
_COLUMN = re.compile(r"-->\s*\d+:(\d+)")
_RANGE = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?![\d:])")
_HINTS = (
    (
        re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.IGNORECASE),
        "write days with two letters: Mo Tu We Th Fr Sa Su",
    ),
    (
        re.compile(r"\d\s*(am|pm|a\.m\.|p\.m\.)", re.IGNORECASE),
        "use the 24-hour clock: 5 pm is 17:00",
    ),
    (re.compile(r"\d\.\d\d"), "write times with a colon: 09:00, not 09.00"),
    (
        re.compile(r"(?<![\d:])\d{1,2}\s*-\s*\d{1,2}(?![\d:])"),
        "write each time with its minutes: 09:00-17:00, not 9-17",
    ),
    (re.compile("[\u2013\u2014]"), "use a plain hyphen - between days and between times"),
    (re.compile(r"\bto\b|\buntil\b", re.IGNORECASE), "use - between two times: 09:00-17:00"),
    (
        re.compile(r"\b(daily|every ?day|weekdays|weekends)\b", re.IGNORECASE),
        "write days as Mo-Su (every day), Mo-Fr (weekdays) or Sa,Su (weekends)",
    ),
    (re.compile(r"[,;]\s*\Z"), "remove the , or ; at the end"),
)


def explain_hours(expression: str, parser_message: str) -> str:
    """Why an hours text was refused: the part the parser stopped at, and a hint when the
    mistake is a common one."""
    column = _COLUMN.search(parser_message)
    start = min(int(column.group(1)) - 1, len(expression)) if column else 0
    # The whole word the parser stopped in, from the separator before it to the one after.
    begin = max(expression.rfind(sep, 0, start) for sep in " ;,") + 1
    part = re.split(r"[\s;,]", expression[begin:].strip(), maxsplit=1)[0] or expression
    hint = next((text for pattern, text in _HINTS if pattern.search(expression)), None)
    advice = f"{hint}, like {EXAMPLE}" if hint else f"write it like {EXAMPLE}"
    return (
        f"{expression!r} is not valid opening hours: the part {part!r} is not understood; {advice}"
    )


def twelve_hour_slips(expression: str) -> list[str]:
    """Warnings for time ranges that look like a 12-hour-clock slip (see the module text)."""
    slips = []
    for match in _RANGE.finditer(expression):
        start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
        start, end = start_h * 60 + start_m, end_h * 60 + end_m
        pm_span = end + 12 * 60 - start
        if 6 * 60 <= start < 18 * 60 and 60 <= end < 9 * 60 and 0 < pm_span <= 12 * 60:
            meant = f"{start_h:02d}:{start_m:02d}-{end_h + 12:02d}:{end_m:02d}"
            slips.append(
                f"{match.group(0)!r} ends before it starts, so it reads as open overnight until"
                f" {end_h:02d}:{end_m:02d}; if it closes in the afternoon or evening, use the"
                f" 24-hour clock: {meant!r}"
            )
    return slips
