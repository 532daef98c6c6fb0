"""The anonymous counts as text, for /stats (admins) and `python -m bot stats` (English)."""

from __future__ import annotations

import datetime as dt

from bot.domain.suppression import SafeCount, Section, Shown
from bot.i18n import Translator
from bot.ui.render import Screen, bold, esc, split_messages
from bot.ui.screens.view import View


def count_text(tr: Translator, count: SafeCount) -> str:
    """A safe count in words: the number, "fewer than 5" or "not shown"."""
    if count.shown is Shown.EXACT:
        return str(count.value)
    if count.shown is Shown.FEWER_THAN_5:
        return tr.gettext("fewer than 5")
    return tr.gettext("not shown (a part is under 5)")


def section_title(tr: Translator, name: str) -> str:
    """What a kind of count is, in words."""
    titles = {
        "campaigns": tr.gettext("Starts through outreach links, per campaign code"),
        "shares": tr.gettext("Cards shared, per topic (share: /share; inline: in another chat)"),
        "needs": tr.gettext("Need lists opened, per need"),
    }
    return titles.get(name, name)


def section_lines(tr: Translator, section: Section) -> list[str]:
    """A section as plain lines: each day's count per key, then the totals."""
    lines = [section_title(tr, section.name)]
    if not section.rows:
        lines.append("  " + tr.gettext("nothing counted"))
        return lines
    total = tr.gettext("Total")
    for row in section.rows:
        lines.extend(f"  {day.isoformat()}  {row.key}: {count_text(tr, n)}" for day, n in row.days)
        lines.append(f"  {total}  {row.key}: {count_text(tr, row.total)}")
    lines.append(f"  {total}: {count_text(tr, section.total)}")
    return lines


def stats_header(tr: Translator, since: dt.date | None) -> str:
    """The first line: since when, and the rule for small counts."""
    rule = tr.gettext(
        "Counts under 5 show as “fewer than 5”, and a total with one of them in it is not shown."
    )
    if since is None:
        first = tr.gettext("Anonymous counts, every day kept.")
    else:
        first = tr.gettext("Anonymous counts since %(day)s.") % {"day": since.isoformat()}
    return f"{first} {rule}"


def stats_screen(view: View, since: dt.date | None, sections: tuple[Section, ...]) -> Screen:
    """/stats for admins: the same text as the command line, in their language."""
    tr = view.tr
    blocks = [bold(stats_header(tr, since))]
    blocks.extend(esc("\n".join(section_lines(tr, section))) for section in sections)
    return Screen(split_messages(blocks), ())
