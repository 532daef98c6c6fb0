"""Screens only admins see for safety alerts: writing one step by step (areas, how long, the
text per language, a preview, publish), and the list of current alerts to withdraw."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.domain.alerts import Alert
from bot.i18n import language_name
from bot.ui.actions import AdminPress
from bot.ui.render import Button, Screen, bold, esc, italic
from bot.ui.screens.alerts import alert_message, area_names
from bot.ui.screens.view import View, rows

# How long an alert lasts, as the admin picks it.
DURATION_DAYS = (1, 3, 7, 30)


@dataclass(frozen=True)
class AlertDraft:
    """An alert being written by one admin (kept in memory only, until published or stale)."""

    started: dt.datetime
    areas: tuple[str, ...] = ()
    days: int = 0
    texts: dict[str, str] = field(default_factory=dict)
    writing: str = ""  # the language whose text the admin's next message is


def draft_areas(view: View, draft: AlertDraft) -> Screen:
    """Step 1: which areas (toggle), then next."""
    tr = view.tr
    chosen = set(draft.areas)
    buttons = [
        Button(
            ("✅ " if region_id in chosen else "▫️ ") + region.name.get(view.state.locale),
            AdminPress("alert_area", region_id),
        )
        for region_id, region in view.catalog.content.regions.items()
    ]
    last = [_cancel(view)]
    if chosen:
        last.insert(0, Button(tr.gettext("Next"), AdminPress("alert_next")))
    text = "\n\n".join(
        [
            bold(tr.gettext("New safety alert")),
            esc(tr.gettext("Which areas is it for? Tap one or more, then Next.")),
        ]
    )
    return Screen((text,), (*rows(buttons, 2), tuple(last)))


def draft_duration(view: View) -> Screen:
    """Step 2: how long it is shown and sent."""
    tr = view.tr
    buttons = [
        Button(
            tr.ngettext("%(days)d day", "%(days)d days", days) % {"days": days},
            AdminPress("alert_days", str(days)),
        )
        for days in DURATION_DAYS
    ]
    text = esc(tr.gettext("How long should the alert be shown? It ends after the last day."))
    return Screen((text,), (tuple(buttons), (_cancel(view),)))


def draft_language(view: View, draft: AlertDraft) -> Screen:
    """Step 3: the language of the next text (languages already written are marked)."""
    tr = view.tr
    buttons = [
        Button(
            ("✅ " if code in draft.texts else "") + language_name(code),
            AdminPress("alert_lang", code),
        )
        for code in view.locales
    ]
    last = [_cancel(view)]
    if draft.texts:
        last.insert(0, Button(tr.gettext("Preview"), AdminPress("alert_preview")))
    text = esc(
        tr.gettext(
            "Which language will you write it in? You can add more languages after. People"
            " whose language has no text get the first one, marked as not translated yet."
        )
    )
    return Screen((text,), (*rows(buttons, 3), tuple(last)))


def draft_write(view: View, locale: str) -> Screen:
    """Asks for the text in one language, as the admin's next message."""
    tr = view.tr
    text = tr.gettext(
        "Send the alert's text in %(language)s as your next message. Do not include anything"
        " that could identify the person who reported it."
    ) % {"language": language_name(locale)}
    return Screen((esc(text),), ((_cancel(view),),))


def draft_preview(view: View, draft: AlertDraft, alert: Alert) -> Screen:
    """The alert as people will get it, in each language written, then publish or change."""
    tr = view.tr
    missing = [code for code in view.locales if code not in draft.texts]
    lines = [bold(tr.gettext("Preview")), alert_message(view, alert)]
    if missing:
        note = tr.gettext("Not translated yet (they get the first text): %(languages)s") % {
            "languages": ", ".join(language_name(code) for code in missing)
        }
        lines.append(italic(note))
    buttons = (
        (Button(tr.gettext("Publish"), AdminPress("alert_publish")),),
        (
            Button(tr.gettext("Add a language"), AdminPress("alert_next")),
            _cancel(view),
        ),
    )
    return Screen(("\n\n".join(lines),), buttons)


def draft_published(view: View, alert_id: int, waiting: int) -> Screen:
    """Published: how many messages are on their way."""
    text = view.tr.ngettext(
        "Alert %(id)d published. %(count)d message is on its way.",
        "Alert %(id)d published. %(count)d messages are on their way.",
        waiting,
    ) % {"id": alert_id, "count": waiting}
    return Screen((esc(text),), ())


def draft_gone(view: View) -> Screen:
    """A button of a draft that was cancelled, published or left too long."""
    return Screen((esc(view.tr.gettext("This draft is no longer open. Start again with /alert.")),))


def draft_cancelled(view: View) -> Screen:
    """The draft was thrown away."""
    return Screen((esc(view.tr.gettext("Cancelled. Nothing was published.")),))


def current_alerts(view: View, alerts: list[Alert]) -> Screen:
    """Every current alert, each with a button to withdraw it."""
    tr = view.tr
    if not alerts:
        return Screen((esc(tr.gettext("No current alerts. Write one with /alert.")),))
    lines = [bold(tr.gettext("Current alerts"))]
    buttons = []
    for alert in alerts:
        text, _ = alert.text_for(view.state.locale)
        lines.append(
            f"#{alert.alert_id} · {esc(area_names(view, alert.areas))} · "
            + esc(tr.gettext("Until %(date)s") % {"date": tr.date(alert.expires)})
            + f"\n{esc(text[:200])}"
        )
        label = tr.gettext("Withdraw #%(id)d") % {"id": alert.alert_id}
        buttons.append(Button(label, AdminPress("alert_withdraw", str(alert.alert_id))))
    return Screen(("\n\n".join(lines),), rows(buttons, 2))


def withdrawn(view: View, alert_id: int, done: bool) -> Screen:
    """After a withdrawal (or an attempt on one already gone)."""
    tr = view.tr
    if not done:
        return Screen((esc(tr.gettext("That alert was already withdrawn.")),))
    text = tr.gettext(
        "Alert %(id)d withdrawn. It is no longer shown, and the messages already sent are being"
        " deleted where Telegram still allows (48 hours)."
    ) % {"id": alert_id}
    return Screen((esc(text),))


def _cancel(view: View) -> Button:
    return Button(view.tr.gettext("Cancel"), AdminPress("alert_cancel"))
