"""Screens only admins see (their commands, reloads, reports); never shown to anyone else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from bot.domain.upkeep import (
    SHOWN_FROM,
    EmptyTally,
    ListingTally,
    Place,
    ReportReason,
    StaleListing,
    UnsafeRule,
    shown_count,
)
from bot.i18n import language_name_in
from bot.ui.render import Screen, bold, esc, split_messages
from bot.ui.screens.view import View

# Days listed per reason on /reports; the count covers them all.
DAYS_LISTED = 5


def admin_help(view: View, commands: list[tuple[str, str]]) -> Screen:
    """The admin commands, each with one line on what it does."""
    title = esc(view.tr.gettext("Admin commands (only people in ADMIN_IDS can use them):"))
    lines = [f"/{esc(name)}: {esc(summary)}" for name, summary in sorted(commands)]
    return Screen(("\n".join([f"<b>{title}</b>", *lines]),), ())


def count_text(view: View, count: int) -> str:
    """A count as shown to anyone: the number, or "fewer than 5"."""
    shown = shown_count(count)
    if shown is not None:
        return shown
    return view.tr.gettext("fewer than %(count)d") % {"count": SHOWN_FROM}


def reason_label(view: View, reason: str) -> str:
    """What a report said was wrong, as admins read it (an unknown code as it is)."""
    tr = view.tr
    labels = {
        ReportReason.CLOSED.value: tr.pgettext("report", "closed"),
        ReportReason.HOURS.value: tr.pgettext("report", "wrong hours"),
        ReportReason.CONTACT.value: tr.pgettext("report", "wrong phone or address"),
        ReportReason.UNSAFE.value: tr.pgettext("report", "treated badly or unsafe"),
    }
    return labels.get(reason, reason)


def listing_title(view: View, resource_id: str) -> str:
    """ "Name (Region)" for a listing, or its id when it is no longer in the content."""
    content = view.catalog.content
    resource = content.resources.get(resource_id)
    if resource is None:
        return view.tr.gettext("%(id)s (no longer listed)") % {"id": resource_id}
    region = content.regions[resource.region_id].name.get(view.state.locale)
    return f"{resource.name.get(view.state.locale)} ({region})"


def reports_screen(
    view: View, since: dt.date, listings: list[ListingTally], empty: list[EmptyTally]
) -> Screen:
    """/reports: what people reported per listing and reason, the days, and the searches
    that found nothing per language and need."""
    tr = view.tr
    blocks = [bold(tr.gettext("Reports since %(date)s") % {"date": tr.date(since)})]
    if not listings:
        blocks.append(esc(tr.gettext("No listing was reported.")))
    blocks.extend(_listing_block(view, listing) for listing in listings)
    blocks.append(bold(tr.gettext("Searches that found nothing (never the words typed)")))
    if not empty:
        blocks.append(esc(tr.gettext("None.")))
    else:
        blocks.append("\n".join(esc(_empty_line(view, tally)) for tally in empty))
    return Screen(split_messages(blocks))


def _listing_block(view: View, listing: ListingTally) -> str:
    lines = [bold(listing_title(view, listing.resource_id))]
    for tally in listing.reasons:
        days = ", ".join(view.tr.date(day) for day in tally.days[:DAYS_LISTED])
        more = " …" if len(tally.days) > DAYS_LISTED else ""
        lines.append(
            "• "
            + esc(
                view.tr.gettext("%(reason)s: %(count)s (days: %(days)s)")
                % {
                    "reason": reason_label(view, tally.reason),
                    "count": count_text(view, tally.total),
                    "days": days + more,
                }
            )
        )
    return "\n".join(lines)


def _empty_line(view: View, tally: EmptyTally) -> str:
    need = view.catalog.content.needs.get(tally.need_id)
    topic = need.name.get(view.state.locale) if need else view.tr.gettext("no particular need")
    language = language_name_in(tally.locale, view.state.locale)
    return f"• {language} · {topic}: {count_text(view, tally.total)}"


def stale_screen(
    view: View, stale: list[StaleListing], places: Mapping[str, Place], days: int | None
) -> Screen:
    """/stale: listings not verified for too long, oldest first, with the date and file."""
    tr = view.tr
    title = (
        tr.ngettext(
            "Listings not checked for more than %(days)d day, oldest first:",
            "Listings not checked for more than %(days)d days, oldest first:",
            days,
        )
        % {"days": days}
        if days is not None
        else tr.gettext(
            "Listings not checked within their region's stale_after_days, oldest first:"
        )
    )
    blocks = [bold(title)]
    if not stale:
        blocks.append(esc(tr.gettext("None: every listing was checked recently enough.")))
    for item in stale:
        checked = (
            tr.gettext("last checked %(date)s") % {"date": tr.date(item.verified)}
            if item.verified is not None
            else tr.gettext("never checked")
        )
        place = places.get(item.resource.id)
        where = f"\n{esc(str(place))}" if place is not None else ""
        blocks.append(f"• {esc(listing_title(view, item.resource.id))}: {esc(checked)}{where}")
    return Screen(split_messages(blocks))


def reports_usage(view: View) -> Screen:
    """For /reports with an argument that is not a date."""
    text = view.tr.gettext("Write /reports, or /reports and a first day, like /reports 2026-11-01.")
    return Screen((esc(text),))


def stale_usage(view: View) -> Screen:
    """For /stale with an argument that is not a number of days."""
    text = view.tr.gettext("Write /stale, or /stale and a number of days, like /stale 180.")
    return Screen((esc(text),))


def unsafe_flag(view: View, resource_id: str, rule: UnsafeRule) -> Screen:
    """Sent to every admin the moment a listing crosses the unsafe-report limit."""
    tr = view.tr
    text = tr.ngettext(
        "⚠️ %(listing)s was reported “treated badly or unsafe” more than %(limit)d time in"
        " the last %(days)d days. Please check with them, and take the listing down if"
        " needed. /reports shows every report.",
        "⚠️ %(listing)s was reported “treated badly or unsafe” more than %(limit)d times in"
        " the last %(days)d days. Please check with them, and take the listing down if"
        " needed. /reports shows every report.",
        rule.limit,
    ) % {"listing": listing_title(view, resource_id), "limit": rule.limit, "days": rule.window_days}
    return Screen((esc(text),))
