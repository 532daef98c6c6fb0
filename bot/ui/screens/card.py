"""One resource, with what it asks of people up front."""

from __future__ import annotations

import datetime as dt

from bot.domain.models import Resource
from bot.domain.open_now import minute_of
from bot.ui.actions import ShowNearby, ShowNeed, ShowNeeds, ShowOpenNow, ShowResource, ShowShare
from bot.ui.labels import access_lines, language_label, verification_label
from bot.ui.render import Button, Screen, bold, esc, italic, split_messages
from bot.ui.screens.menus import out_of_date
from bot.ui.screens.parts import (
    community_marks,
    is_stale,
    open_status,
    reads_alike_all_minute,
    stale_note,
    warnings,
)
from bot.ui.screens.reports import report_button
from bot.ui.screens.view import View, nav_row, sample_note, share_button


def _labelled(label: str, value_html: str) -> str:
    """An escaped label followed by an already escaped value."""
    return f"{esc(label)} {value_html}"


def _address(view: View, resource: Resource) -> list[str]:
    tr = view.tr
    hood = view.catalog.content.neighbourhoods[resource.neighbourhood_id]
    hood_name = hood.name.get(view.state.locale)
    if resource.confidential_address:
        return [
            "📍 "
            + esc(
                tr.gettext(
                    "%(area)s. The address is confidential: they share it when you contact them."
                )
                % {"area": hood_name}
            )
        ]
    lines = []
    for location in resource.locations:
        a = location.address
        street = ", ".join(p for p in (a.address_1, a.address_2) if p)
        place = " ".join(p for p in (a.state_province, a.postal_code) if p)
        lines.append(
            f"📍 {esc(', '.join(p for p in (street, a.city, place) if p))} ({esc(hood_name)})"
        )
    return lines


def _week(view: View, resource: Resource, now: dt.datetime) -> list[str]:
    tr = view.tr
    if resource.hours is None:
        return []
    lines = [bold(tr.gettext("Hours"))]
    for day in resource.hours.week(now):
        name = tr.weekday(day.day)
        if day.all_day:
            spans = tr.gettext("open all day")
        elif not day.intervals:
            spans = tr.gettext("closed")
        else:
            spans = ", ".join(f"{tr.time(b)}–{tr.time(f)}" for b, f in day.intervals)
        lines.append(esc(f"{name}: {spans}"))
    return ["\n".join(lines)]


def resource_card(view: View, action: ShowResource) -> Screen:
    """Everything known about one resource, with what it asks of people up front."""
    resource = view.catalog.content.resources.get(action.resource_id)
    if resource is None:
        return out_of_date(view)
    return Screen(_body(view, resource), _buttons(view, resource, action))


def _body(view: View, resource: Resource) -> tuple[str, ...]:
    """The card's messages, drawn once a minute per listing and language: a card reached from
    a search (or during a bad-date report) is not kept whole, but its body is the same for
    everyone who opens it. Drawn for the start of the minute, as `Conversation.drawn` draws,
    when that reads the same as now (see `reads_alike_all_minute`)."""
    minute = minute_of(view.now)
    if view.now != minute and not reads_alike_all_minute(resource, view.now):
        return _draw_body(view, resource, view.now)
    return view.cards.get(
        (resource.id, view.state.locale, minute), lambda: _draw_body(view, resource, minute)
    )


def _draw_body(view: View, resource: Resource, now: dt.datetime) -> tuple[str, ...]:
    """The card's messages at `now` (a kept card at its minute's start, without a copy of the
    view)."""
    tr = view.tr
    head = [bold(resource.name.get(view.state.locale))]
    if resource.organization:
        head.append(view.text(resource.organization))
    head.append(esc(open_status(view, resource, now)))
    marks = community_marks(view, resource)
    if marks:
        head.append(esc(marks))
    warning = warnings(view, resource)
    if warning:
        head.append(esc(warning))
    blocks = ["\n".join(head)]
    if resource.sample:
        blocks.append(sample_note(view))
    blocks.append(view.text(resource.description))
    details = _address(view, resource)
    for phone in resource.phones:
        note = f" ({view.text(phone.description)})" if phone.description else ""
        details.append(f"☎️ {esc(phone.number)}{note}")
    if resource.url:
        details.append(f"🌐 {esc(resource.url)}")
    if resource.email:
        details.append(f"✉️ {esc(resource.email)}")
    if resource.languages:
        names = [language_label(code, view.state.locale) for code in resource.languages]
        details.append(esc(tr.gettext("Languages: %(languages)s") % {"languages": tr.join(names)}))
    if resource.fees_description:
        details.append(_labelled(tr.gettext("About cost:"), view.text(resource.fees_description)))
    if resource.eligibility_description:
        details.append(
            _labelled(tr.gettext("Who it is for:"), view.text(resource.eligibility_description))
        )
    if resource.required_documents:
        docs = ", ".join(view.text(d) for d in resource.required_documents)
        details.append(_labelled(tr.gettext("Documents they ask for:"), docs))
    blocks.append("\n".join(details))
    asks = [bold(tr.gettext("What they ask of you"))]
    asks.extend(esc(line) for line in access_lines(tr, resource.access))
    blocks.append("\n".join(asks))
    blocks.extend(_week(view, resource, now))
    if resource.verified is not None:
        blocks.append(
            italic(
                tr.gettext("Last checked %(date)s, %(method)s.")
                % {
                    "date": tr.date(resource.verified.date),
                    "method": verification_label(tr, resource.verified.method),
                }
            )
        )
    else:
        blocks.append(italic(tr.gettext("Not yet checked by the people who keep this list.")))
    if resource.verified is not None and is_stale(view, resource, now):
        blocks.append(italic(stale_note(view)))
    return split_messages(blocks)


def _buttons(
    view: View, resource: Resource, action: ShowResource
) -> tuple[tuple[Button, ...], ...]:
    """Report, share, and the way back to where the card was opened from."""
    tr = view.tr
    back = (
        Button(tr.pgettext("button", "◀ Back to list"), action.back)
        if action.back is not None
        else Button(tr.pgettext("button", "◀ Needs"), ShowNeeds())
    )
    place = (
        action.back.neighbourhood_id if isinstance(action.back, ShowNearby | ShowOpenNow) else ""
    )
    need = card_need(resource, action)
    share = share_button(view, ShowShare("n", need) if need else ShowShare())
    return ((report_button(view, action),), (share,), nav_row(view, back, place=place))


def card_need(resource: Resource, action: ShowResource) -> str:
    """The need a card is shown for: its list's need, else the resource's first."""
    back = action.back
    need = back.need_id if isinstance(back, ShowNeed | ShowNearby) else ""
    return need or next(iter(resource.needs), "")
