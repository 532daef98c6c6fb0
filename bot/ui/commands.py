"""The command list a Telegram client shows: neutral words that reveal nothing on a lock screen."""

from __future__ import annotations

from bot.i18n import Translator


def command_menu(tr: Translator) -> tuple[tuple[str, str], ...]:
    """(command, description) pairs, in the order the client lists them."""
    return (
        ("start", tr.pgettext("command", "Start")),
        ("menu", tr.pgettext("command", "Menu")),
        ("help", tr.pgettext("command", "Help")),
        ("language", tr.pgettext("command", "Language")),
        ("area", tr.pgettext("command", "Area")),
        ("rights", tr.pgettext("command", "Information")),
        ("urgent", tr.pgettext("command", "Urgent contacts")),
        ("alerts", tr.pgettext("command", "Safety alerts")),
        ("privacy", tr.pgettext("command", "Privacy")),
        ("report", tr.pgettext("command", "Report anonymously")),
        ("clear", tr.pgettext("command", "Clear this chat")),
        ("forget", tr.pgettext("command", "Erase my settings")),
    )
