"""Opening hours both ways: the simple OpenStreetMap rules as HSDS weekly schedules, and back."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_TIME = r"(?:[01]\d|2[0-4]):[0-5]\d"
_SPAN = re.compile(rf"({_TIME})-({_TIME})\Z")
_DAY_PART = re.compile(r"(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?\Z")
_HSDS_TIME = re.compile(r"([01]\d|2[0-4]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?\Z")
ALL_DAY = ("00:00", "24:00")
# Keys that make a schedule more than "these weekdays, these hours".
_UNSUPPORTED_KEYS = ("byweekno", "bymonthday", "byyearday", "count", "until", "valid_from",
                     "valid_to", "dtstart")  # fmt: skip


@dataclass(frozen=True)
class WeeklySpan:
    """One opening: weekday (0 = Monday) and local times; closing before opening means next day."""

    day: int
    opens_at: str
    closes_at: str


def weekly_spans(expression: str) -> tuple[WeeklySpan, ...] | None:
    """The openings of a plain weekly expression ("Mo-Fr 09:00-17:00; Sa 10:00-14:00", "24/7"),
    or None when it uses anything else (holidays, months, weeks, comments, overrides)."""
    text = expression.strip()
    if text == "24/7":
        return tuple(WeeklySpan(day, *ALL_DAY) for day in range(7))
    spans: list[WeeklySpan] = []
    rule_of_day: dict[int, int] = {}
    for index, rule in enumerate(text.split(";")):
        parsed = _rule(rule.strip())
        if parsed is None:
            return None
        days, times = parsed
        if rule_of_day.keys() & set(days):
            return None  # a later rule overrides an earlier one: not a simple weekly list
        rule_of_day.update((day, index) for day in days)
        spans.extend(WeeklySpan(day, opens, closes) for day in days for opens, closes in times)
    # A span past midnight into a day another rule sets is cut there (OSM rules replace each
    # other day by day); HSDS schedules only add up, so such hours stay text.
    for span in spans:
        spills = span.closes_at < span.opens_at and span.closes_at != "00:00"
        next_rule = rule_of_day.get((span.day + 1) % 7, rule_of_day[span.day])
        if spills and next_rule != rule_of_day[span.day]:
            return None
    return tuple(spans)


def _rule(rule: str) -> tuple[list[int], list[tuple[str, str]]] | None:
    day_text, _, time_text = rule.partition(" ")
    days: list[int] = []
    for part in day_text.split(","):
        match = _DAY_PART.match(part)
        if match is None:
            return None
        first = DAYS.index(match.group(1))
        last = DAYS.index(match.group(2) or match.group(1))
        days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    times = []
    for part in time_text.strip().split(","):
        span = _SPAN.match(part.strip())
        if span is None:
            return None
        times.append((span.group(1), span.group(2)))
    return (days, times) if days and times else None


def to_hsds(
    expression: str, owner: str, make_id: Callable[..., str]
) -> tuple[list[dict[str, Any]], bool]:
    """HSDS `schedule` records for an opening_hours expression, and whether nothing was lost.

    Expressible hours become one weekly schedule per distinct opening time (byday lists the
    days); anything else becomes one schedule whose description is the expression verbatim.
    """
    spans = weekly_spans(expression)
    if spans is None:
        return [{"id": make_id("hours"), "service_id": owner, "description": expression}], False
    by_times: dict[tuple[str, str], list[int]] = defaultdict(list)
    for span in spans:
        by_times[(span.opens_at, span.closes_at)].append(span.day)
    schedules = []
    for (opens, closes), days in by_times.items():
        schedule = {
            "id": make_id("hours", opens, closes),
            "service_id": owner,
            "freq": "WEEKLY",
            "byday": ",".join(ICAL_DAYS[d] for d in sorted(days)),
            "opens_at": opens,
            # HSDS times are HH:MM within a day; the end of the day is written 23:59.
            "closes_at": "23:59" if closes == "24:00" else closes,
        }
        if expression.strip() == "24/7":
            schedule["description"] = "Open 24 hours, every day"
        schedules.append(schedule)
    return schedules, True


class ScheduleError(ValueError):
    """HSDS schedules that cannot become one opening_hours expression (the message says why)."""


def from_hsds(schedules: Sequence[dict[str, Any]]) -> str:
    """One opening_hours expression for HSDS weekly schedules, or ScheduleError.

    A schedule with only a description is taken as an expression written out (as our export
    writes rules HSDS cannot hold); the caller checks that it parses.
    """
    described = [s for s in schedules if not s.get("opens_at") and s.get("description")]
    if described and len(described) == len(schedules) == 1:
        return str(described[0]["description"]).strip()
    per_day: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for schedule in schedules:
        for day, span in _schedule_spans(schedule):
            per_day[day].append(span)
    if not per_day:
        raise ScheduleError("no weekly opening times")
    return _expression(per_day)


def _schedule_spans(schedule: dict[str, Any]) -> list[tuple[int, tuple[str, str]]]:
    used = [key for key in _UNSUPPORTED_KEYS if schedule.get(key) not in (None, "")]
    if used:
        raise ScheduleError(f"uses {', '.join(used)}, which the bot's hours cannot hold")
    if schedule.get("freq") not in (None, "", "WEEKLY") or schedule.get("interval") not in (
        None,
        "",
        1,
    ):
        raise ScheduleError("repeats other than every week")
    opens, closes = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
    if opens is None or closes is None:
        raise ScheduleError("opening or closing time missing or not HH:MM")
    if closes == "23:59":
        closes = "24:00"
    byday = str(schedule.get("byday") or ",".join(ICAL_DAYS))
    days = []
    for part in byday.split(","):
        code = part.strip().upper()
        if code not in ICAL_DAYS:
            raise ScheduleError(f"byday {part.strip()!r} is not a plain weekday")
        days.append(ICAL_DAYS.index(code))
    return [(day, (opens, closes)) for day in days]


def _time(value: object) -> str | None:
    match = _HSDS_TIME.match(value) if isinstance(value, str) else None
    return f"{match.group(1)}:{match.group(2)}" if match else None


def _expression(per_day: dict[int, list[tuple[str, str]]]) -> str:
    spans_of = {day: tuple(sorted(set(spans))) for day, spans in per_day.items()}
    if len(spans_of) == 7 and all(spans == (ALL_DAY,) for spans in spans_of.values()):
        return "24/7"
    groups: dict[tuple[tuple[str, str], ...], list[int]] = defaultdict(list)
    for day in sorted(spans_of):
        groups[spans_of[day]].append(day)
    rules = [
        f"{_day_list(days)} {','.join(f'{o}-{c}' for o, c in spans)}"
        for spans, days in sorted(groups.items(), key=lambda item: item[1][0])
    ]
    # HSDS schedules add up; in OSM "; " lets a later rule cut an earlier one's hours past
    # midnight, while ", " adds to them.
    overnight = any(c <= o for spans in spans_of.values() for o, c in spans)
    return (", " if overnight else "; ").join(rules)


def _day_list(days: list[int]) -> str:
    """Mo,We,Fr or Mo-Fr: runs of three or more days as a range."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAYS[run[0]]}-{DAYS[run[-1]]}")
        else:
            parts.extend(DAYS[d] for d in run)
    return ",".join(parts)
