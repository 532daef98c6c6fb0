"""The anonymous counts for people to read: gathered from the store, then written as text,
CSV or one small bar chart per week (PNG, drawn with Pillow). Every number goes through
bot/domain/suppression.py first."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.domain.suppression import SafeCount, Section, Shown, Week, safe_section, weekly
from bot.store import Store

if TYPE_CHECKING:
    from PIL.Image import Image

DayCounts = tuple[tuple[dt.date, str, int], ...]
CAMPAIGNS, SHARES, NEEDS = "campaigns", "shares", "needs"


@dataclass(frozen=True)
class StatsTables:
    """The raw counts since a day (None: all of them), per kind (never shown as they are)."""

    since: dt.date | None
    counts: dict[str, DayCounts]

    def sections(self) -> tuple[Section, ...]:
        """Each kind of count, made safe to show."""
        return tuple(safe_section(name, rows) for name, rows in self.counts.items())


async def read_stats(store: Store, since: dt.date | None) -> StatsTables:
    """Campaign starts, shared cards and opened need lists from `since` on (all when None;
    need lists summed over areas and languages)."""
    first = since or dt.date.min
    starts = await store.campaign_starts()
    shares = await store.shares()
    lists = await store.counts()
    return StatsTables(
        since,
        {
            CAMPAIGNS: tuple((c.day, c.key, c.count) for c in starts if c.day >= first),
            SHARES: tuple((c.day, c.key, c.count) for c in shares if c.day >= first),
            NEEDS: tuple(
                (c.day, c.need_id, c.count) for c in lists if c.day >= first and c.need_id
            ),
        },
    )


def shown_as(count: SafeCount) -> str:
    """A safe count in the command line's words."""
    return str(count.value) if count.shown is Shown.EXACT else count.shown.value


def write_csv(tables: StatsTables, out: TextIO) -> None:
    """One row per kind, day and key (day "total" for the totals), count as shown."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "day", "key", "count"])
    for section in tables.sections():
        for row in section.rows:
            for day, count in row.days:
                writer.writerow([section.name, day.isoformat(), row.key, shown_as(count)])
            writer.writerow([section.name, "total", row.key, shown_as(row.total)])
        writer.writerow([section.name, "total", "", shown_as(section.total)])


BAR_WIDTH, ROW_HEIGHT, LABEL_WIDTH, MARGIN = 360, 22, 260, 12


def write_plots(tables: StatsTables, folder: Path) -> list[Path]:
    """One PNG per ISO week: a bar per kind and key for the week's safe total."""
    weeks: dict[Week, list[tuple[str, SafeCount]]] = {}
    for name, rows in tables.counts.items():
        for when, keyed in weekly(rows).items():
            weeks.setdefault(when, []).extend((f"{name}: {key}", n) for key, n in keyed)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for (year, week), bars in sorted(weeks.items()):
        path = folder / f"stats-{year}-W{week:02d}.png"
        _bar_chart(f"Week {week}, {year}", bars).save(path)
        written.append(path)
    return written


def _bar_chart(title: str, bars: list[tuple[str, SafeCount]]) -> Image:
    """Horizontal bars, each labelled; "fewer than 5" and withheld bars are grey stubs."""
    # Imported here: the bot never draws a chart, and Pillow is 3.7 MiB of a running bot.
    from PIL import Image, ImageDraw, ImageFont

    width = MARGIN * 3 + LABEL_WIDTH + BAR_WIDTH + 120
    height = MARGIN * 2 + ROW_HEIGHT * (len(bars) + 1)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.text((MARGIN, MARGIN), title, fill="black", font=font)
    largest = max((n.value or 0 for _key, n in bars), default=0) or 1
    for index, (label, count) in enumerate(bars, start=1):
        top = MARGIN + ROW_HEIGHT * index
        draw.text((MARGIN, top + 4), label[:40], fill="black", font=font)
        left = MARGIN * 2 + LABEL_WIDTH
        exact = count.value if count.shown is Shown.EXACT and count.value else 0
        length = max(4, round(BAR_WIDTH * exact / largest)) if exact else 6
        draw.rectangle(
            (left, top + 3, left + length, top + ROW_HEIGHT - 5),
            fill="#2f6f9f" if exact else "#b0b0b0",
        )
        draw.text((left + length + 6, top + 4), shown_as(count), fill="black", font=font)
    return image
