"""Safety alerts: the current alerts for the person's area, the opt-in, and an alert as it
arrives in a subscriber's chat."""

from __future__ import annotations

from bot.domain.alerts import Alert
from bot.ui.actions import STOP_ALERTS, AlertArea
from bot.ui.render import Button, Screen, bold, esc, italic, split_messages
from bot.ui.screens.view import View, nav_row, rows


def area_names(view: View, areas: tuple[str, ...]) -> str:
    """The areas' names in the person's language (an id when the area is no longer known)."""
    regions = view.catalog.content.regions
    names = [
        regions[area].name.get(view.state.locale) if area in regions else area for area in areas
    ]
    return ", ".join(names)


def alert_block(view: View, alert: Alert) -> str:
    """One alert: its date and areas, then its text (with a note when not in this language)."""
    tr = view.tr
    text, translated = alert.text_for(view.state.locale)
    heading = tr.gettext("%(date)s · %(areas)s") % {
        "date": tr.date(alert.published.date()),
        "areas": area_names(view, alert.areas),
    }
    lines = [bold(heading), esc(text)]
    if not translated:
        lines.append(italic(tr.gettext("(not yet translated)")))
    lines.append(
        italic(tr.gettext("Until %(date)s") % {"date": tr.date(alert.expires)}),
    )
    return "\n".join(lines)


def alert_message(view: View, alert: Alert) -> str:
    """An alert as it is delivered to someone who opted in."""
    tr = view.tr
    heading = tr.gettext("⚠️ Safety alert")
    stop = tr.gettext("To stop these alerts: /alerts")
    return f"{bold(heading)}\n\n{alert_block(view, alert)}\n\n{esc(stop)}"


def alerts_screen(view: View, alerts: list[Alert], subscribed: tuple[str, ...] | None) -> Screen:
    """The current alerts for the person's area, newest first, readable without opting in;
    then what opting in keeps, and a button per area to turn alerts on or off."""
    tr = view.tr
    region = view.region
    title = tr.gettext("⚠️ Safety alerts")
    if region is not None:
        title = tr.gettext("⚠️ Safety alerts: %(area)s") % {
            "area": region.name.get(view.state.locale)
        }
    shown = [bold(title)]
    if alerts:
        shown.extend(alert_block(view, alert) for alert in alerts)
    else:
        shown.append(esc(tr.gettext("No safety alerts right now.")))
    # Many alerts at once run past one message: split between alerts, never inside one.
    messages = (*split_messages(shown), _opt_in_text(view, subscribed))
    return Screen(messages, _opt_in_buttons(view, subscribed))


def _opt_in_text(view: View, subscribed: tuple[str, ...] | None) -> str:
    tr = view.tr
    lines = [
        bold(tr.gettext("New alerts in this chat")),
        esc(
            tr.gettext(
                "Only if you turn them on. The bot then keeps this chat's number, locked by a key"
                " kept outside the database, the areas you pick and your language. All of it is"
                " deleted when you stop, with /forget, or if you block the bot."
            )
        ),
    ]
    if subscribed:
        on = tr.gettext("Alerts are on for: %(areas)s") % {"areas": area_names(view, subscribed)}
        lines.append(esc(on))
    else:
        lines.append(esc(tr.gettext("Alerts are off. Tap an area to turn them on.")))
    return "\n\n".join(lines)


def _opt_in_buttons(
    view: View, subscribed: tuple[str, ...] | None
) -> tuple[tuple[Button, ...], ...]:
    tr = view.tr
    chosen = set(subscribed or ())
    areas = [
        Button(
            ("✅ " if region_id in chosen else "➕ ") + region.name.get(view.state.locale),
            AlertArea(region_id),
        )
        for region_id, region in view.catalog.content.regions.items()
    ]
    last: tuple[Button, ...] = nav_row(view)
    if chosen:
        last = nav_row(view, Button(tr.gettext("Stop all alerts"), AlertArea(STOP_ALERTS)))
    return (*rows(areas, 2), last)
