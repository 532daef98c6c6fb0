"""Menus and short screens: welcome, language, area, needs, places, privacy, help, errors."""

from __future__ import annotations

from bot.domain.models import Section
from bot.i18n import language_name
from bot.ui.actions import (
    DISAPPEAR_CHOICES,
    Action,
    ChooseArea,
    ChooseDisappearing,
    ChooseLanguage,
    ClearChat,
    SetArea,
    SetDisappearing,
    SetLanguage,
    SetProtect,
    ShowAlerts,
    ShowMenu,
    ShowNearby,
    ShowNeed,
    ShowNeeds,
    ShowPlaces,
    ShowPrivacy,
    ShowSection,
)
from bot.ui.render import Button, Screen, bold, esc, italic
from bot.ui.screens.bad_dates import bad_date_button
from bot.ui.screens.view import View, nav_row, rows, sample_note, urgent_button

# Welcome, language, area, menu


def welcome(view: View) -> Screen:
    """The first screen: what this is, in a discreet way, and the language choice."""
    tr = view.tr
    text = [
        bold(tr.gettext("Hi.")),
        esc(
            tr.gettext(
                "This is a private guide to local services: supplies, drop-ins, health care,"
                " legal help, your rights and more. Every service here is open to everyone."
            )
        ),
        esc(
            tr.gettext(
                "You never have to say who you are or what you do. Type a word like"
                " “condoms” or “lawyer” at any time, or use the buttons."
            )
        ),
    ]
    buttons = [Button(language_name(code), SetLanguage(code)) for code in view.locales]
    next_step: Action = ShowMenu() if view.region is not None else ChooseArea()
    return Screen(
        (("\n\n".join(text)),),
        (
            *rows(buttons, 3),
            (Button(tr.pgettext("button", "Continue ▶"), next_step),),
            (urgent_button(view),),
        ),
    )


def language_picker(view: View) -> Screen:
    """The language choice, noting that translations are drafts."""
    tr = view.tr
    buttons = [Button(language_name(code), SetLanguage(code)) for code in view.locales]
    note = tr.gettext("Translations are drafts until people from the community have reviewed them.")
    return Screen(
        (esc(tr.gettext("Choose your language:")) + "\n\n" + italic(note),),
        (*rows(buttons, 3), nav_row(view)),
    )


def area_picker(view: View) -> Screen:
    """The choice of area (region)."""
    tr = view.tr
    buttons = [
        Button(region.name.get(view.state.locale), SetArea(region.id))
        for region in view.catalog.content.regions.values()
    ]
    return Screen(
        (esc(tr.gettext("Which area do you want services for?")),),
        (*rows(buttons, 1), (urgent_button(view),)),
    )


def main_menu(view: View) -> Screen:
    """The main menu, or the area picker when no area is chosen yet."""
    tr = view.tr
    if view.region is None:
        return area_picker(view)
    lines = [
        bold(tr.gettext("What do you need?")),
        esc(tr.gettext("Area: %(area)s") % {"area": view.region.name.get(view.state.locale)}),
        esc(tr.gettext("You can also type what you are looking for.")),
    ]
    if view.region.sample:
        lines.append(sample_note(view))
    buttons = (
        (
            Button(tr.pgettext("menu", "🧭 Find help"), ShowNeeds()),
            Button(tr.pgettext("menu", "📍 Near a place"), ShowPlaces()),
        ),
        (
            Button(tr.pgettext("menu", "⚖️ Know your rights"), ShowSection(Section.RIGHTS)),
            Button(
                tr.pgettext("menu", "Choice, circumstance, coercion"),
                ShowSection(Section.SPECTRUM),
            ),
        ),
        (
            Button(tr.pgettext("menu", "🛡 Safety tips"), ShowSection(Section.SAFETY)),
            Button(tr.pgettext("menu", "⚠️ Safety alerts"), ShowAlerts()),
        ),
        (urgent_button(view),),
        (bad_date_button(view),),
        (
            Button(tr.pgettext("menu", "🌐 Language"), ChooseLanguage()),
            Button(tr.pgettext("menu", "🗺 Area"), ChooseArea()),
            Button(tr.pgettext("menu", "🔒 Privacy"), ShowPrivacy()),
        ),
    )
    return Screen(("\n\n".join(lines),), buttons)


def needs_menu(view: View) -> Screen:
    """Every need, one button each."""
    tr = view.tr
    buttons = [
        Button(need.name.get(view.state.locale), ShowNeed(need.id))
        for need in view.catalog.content.needs.values()
    ]
    return Screen(
        (esc(tr.gettext("What are you looking for?")),),
        (*rows(buttons, 1), nav_row(view)),
    )


def places_menu(view: View) -> Screen:
    """The neighbourhoods of the user's area, to list what is close to one."""
    tr = view.tr
    region = view.region
    if region is None:
        return area_picker(view)
    hoods = [h for h in view.catalog.content.neighbourhoods.values() if h.region_id == region.id]
    buttons = [Button(h.name.get(view.state.locale), ShowNearby(h.id)) for h in hoods]
    text = tr.gettext(
        "Pick a neighbourhood, or type its name. In Telegram you can also send a location:"
        " it is used for that one answer and never kept."
    )
    return Screen((esc(text),), (*rows(buttons, 2), nav_row(view)))


# Privacy, help, errors


def privacy(view: View) -> Screen:
    """Exactly what the bot keeps, for how long, what could be handed over; and the controls."""
    return Screen(
        ("\n\n".join(_what_is_kept(view)), "\n\n".join(_on_the_phone(view))),
        _privacy_buttons(view),
    )


def _what_is_kept(view: View) -> list[str]:
    tr = view.tr
    days = view.retention_days
    kept = (
        tr.ngettext(
            "Your choices (language, area, disappearing messages, forward protection),"
            " filed under a scrambled code made from your account, never your account"
            " number. Erased after %(days)d day without use, or at once with /forget.",
            "Your choices (language, area, disappearing messages, forward protection),"
            " filed under a scrambled code made from your account, never your account"
            " number. Erased after %(days)d days without use, or at once with /forget.",
            days,
        )
        % {"days": days},
        tr.gettext(
            "Only with disappearing messages on: the numbers of the messages waiting to be"
            " deleted, with this chat's number locked by a key kept outside the database."
            " Each goes when its message is deleted, at the latest after 48 hours."
        ),
        tr.gettext("Counts with no names or numbers, such as how often a list was opened."),
        tr.gettext(
            "Counts of “something is wrong here” taps per listing, reason and day, and of"
            " searches that found nothing (never the words), with nothing about who tapped"
            " or searched."
        ),
        tr.gettext(
            "Per day, how many cards were shared and how many starts came through each"
            " outreach link, with nothing that says who."
        ),
        tr.gettext(
            "A log of what the organisation's admins changed in the bot (which admin, what,"
            " when), with nothing about you."
        ),
        tr.gettext(
            "Only if you turn on safety alerts (/alerts): this chat's number, locked by a key"
            " kept outside the database, the areas you picked and your language; and, for"
            " each alert sent to you, its message number, until the alert ends or at most 48"
            " hours, so a withdrawn alert can be deleted. All of it goes when you stop."
        ),
        tr.gettext(
            "The safety alerts the organisation published, with nothing about who received them."
        ),
        tr.gettext(
            "Never: what you type, your name, username or phone number, or a location you"
            " send (it is used for that one answer)."
        ),
    )
    compelled = tr.gettext(
        "If the people who run this bot were forced by law to hand over data, that list"
        " is all there is. Your messages are not in it."
    )
    return [
        bold(tr.gettext("What this bot keeps")),
        *("• " + esc(line) for line in kept),
        esc(compelled),
    ]


def _on_the_phone(view: View) -> list[str]:
    tr = view.tr
    return [
        bold(tr.gettext("On your phone")),
        "• "
        + esc(
            tr.gettext(
                "Clear this chat deletes the messages here that Telegram still allows (the last"
                " 48 hours), on both sides."
            )
        ),
        "• "
        + esc(
            tr.gettext(
                "Telegram can also delete a chat's messages by itself: open the chat, tap its"
                " name, then Auto-delete."
            )
        ),
        "• "
        + esc(
            tr.gettext(
                "To hide the chat, archive it; to lock Telegram, use Settings, Privacy and"
                " Security, Passcode. Turning off message previews in Settings, Notifications"
                " keeps messages off your lock screen."
            )
        ),
    ]


def _privacy_buttons(view: View) -> tuple[tuple[Button, ...], ...]:
    tr = view.tr
    protect = (
        tr.pgettext("button", "🔒 Forwarding blocked: turn off")
        if view.protected
        else tr.pgettext("button", "🔓 Block forwarding and saving")
    )
    return (
        (Button(tr.pgettext("button", "🧹 Clear this chat"), ClearChat()),),
        (
            Button(
                tr.pgettext("button", "⏱ Disappearing messages: %(when)s")
                % {"when": disappear_label(view, view.state.disappear_after)},
                ChooseDisappearing(),
            ),
        ),
        (Button(protect, SetProtect(not view.protected)),),
        nav_row(view),
    )


def disappear_label(view: View, seconds: int) -> str:
    """ "off", "1 minute", "10 minutes", "1 hour"."""
    tr = view.tr
    if seconds == 0:
        return tr.pgettext("disappear", "off")
    if seconds < 3600:
        minutes = seconds // 60
        return tr.ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = seconds // 3600
    return tr.ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def disappearing_picker(view: View) -> Screen:
    """How long after sending the messages here are deleted (both sides)."""
    tr = view.tr
    text = tr.gettext(
        "Delete the messages in this chat, yours and mine, this long after they are sent:"
    )
    buttons = [
        Button(
            ("✓ " if seconds == view.state.disappear_after else "")
            + disappear_label(view, seconds),
            SetDisappearing(seconds),
        )
        for seconds in DISAPPEAR_CHOICES
    ]
    back = Button(tr.pgettext("button", "◀ Privacy"), ShowPrivacy())
    return Screen((esc(text),), (*rows(buttons, 2), nav_row(view, back)))


def cleared(view: View) -> Screen:
    """The one neutral line after /clear; it removes itself a few seconds later."""
    return Screen((esc(view.tr.gettext("Done.")),))


def forgotten(view: View) -> Screen:
    """Confirms that the saved language and area were erased."""
    text = view.tr.gettext(
        "Done: your saved language and area are erased. Send /start to begin again."
    )
    return Screen((esc(text),), (nav_row(view),))


def help_screen(view: View) -> Screen:
    """How to use the bot, and its commands."""
    tr = view.tr
    text = [
        bold(tr.gettext("How to use this bot")),
        esc(tr.gettext("Type what you need in a word or two, like “shower” or “abogado”.")),
        esc(tr.gettext("Type a neighbourhood name to see what is close to it.")),
        esc(tr.gettext("If you are in danger, tap 🆘 Urgent help or send /urgent.")),
        esc(
            tr.gettext(
                "Commands: /menu main menu, /urgent urgent help, /language, /area, /rights,"
                " /privacy, /report an anonymous bad-date report, /clear deletes this chat's"
                " messages, /forget."
            )
        ),
    ]
    return Screen(("\n\n".join(text),), (nav_row(view),))


def out_of_date(view: View) -> Screen:
    """For buttons the bot can no longer follow (old, changed or not ours)."""
    return Screen(
        (esc(view.tr.gettext("This button is out of date. Here is the menu again.")),),
        (nav_row(view),),
    )


def unknown_command(view: View) -> Screen:
    """For a /command the bot does not have."""
    return Screen(
        (esc(view.tr.gettext("I don't know that command. Try /menu or /help.")),),
        (nav_row(view),),
    )


def cannot_read(view: View) -> Screen:
    """For stickers, photos, voice notes and anything else that is not text or a location."""
    text = view.tr.gettext(
        "I can only read typed words, button presses and locations. Here is the menu."
    )
    return Screen((esc(text),), (nav_row(view),))


def apology(view: View) -> Screen:
    """When something broke on the bot's side."""
    text = view.tr.gettext("Sorry, something went wrong on my side. Please try again.")
    return Screen((esc(text),), (nav_row(view),))


def slow_down(view: View) -> Screen:
    """For someone sending faster than the bot takes: one calm notice, then a short pause."""
    text = view.tr.gettext(
        "That is a lot of messages at once, so I am pausing for a minute."
        " After that I answer again, and the buttons below work again."
    )
    return Screen((esc(text),), (nav_row(view),))


def private_only(view: View) -> Screen:
    """For groups and channels: the bot works only in a private chat (no buttons there)."""
    text = view.tr.gettext("I only work in private chats. Open a private chat with me to use me.")
    return Screen((esc(text),))
