"""The anonymous bad-date report: its steps, the preview, and what the person hears after."""

from __future__ import annotations

from bot.domain.bad_dates import MAX_DESCRIPTION, BadDateDraft, BadDateKind, RoughlyWhen, Step
from bot.i18n import Translator
from bot.ui.actions import AdminPress, BadDateStep
from bot.ui.render import Button, Screen, bold, esc, italic, split_messages
from bot.ui.screens.view import View, nav_row, rows

CHOSEN = "✓ "


def bad_date_button(view: View) -> Button:
    """The way into a report, on the main menu and the safety tips."""
    return Button(view.tr.pgettext("menu", "🚩 Report a bad date"), BadDateStep("start"))


def kind_label(tr: Translator, kind: BadDateKind) -> str:
    """What happened, in words."""
    return {
        BadDateKind.VIOLENT: tr.pgettext("bad date", "Violent or threatening client"),
        BadDateKind.ROBBERY: tr.pgettext("bad date", "Robbery or not paying"),
        BadDateKind.CONDOMS: tr.pgettext("bad date", "Stealthing or refusing condoms"),
        BadDateKind.POLICE: tr.pgettext("bad date", "Police, or someone posing as police"),
        BadDateKind.DRUGS: tr.pgettext("bad date", "A bad batch of drugs"),
        BadDateKind.OTHER: tr.pgettext("bad date", "Something else"),
    }[kind]


def when_label(tr: Translator, when: RoughlyWhen) -> str:
    """Roughly when, in words."""
    return {
        RoughlyWhen.TODAY: tr.pgettext("bad date", "Today"),
        RoughlyWhen.YESTERDAY: tr.pgettext("bad date", "Yesterday"),
        RoughlyWhen.THIS_WEEK: tr.pgettext("bad date", "This week"),
        RoughlyWhen.EARLIER: tr.pgettext("bad date", "Earlier"),
    }[when]


def area_label(view: View, region_id: str | None) -> str:
    """The area's name in the viewer's language ("unknown" if it is no longer in the content)."""
    region = view.catalog.content.regions.get(region_id or "")
    if region is None:
        return view.tr.pgettext("bad date", "unknown")
    return region.name.get(view.state.locale)


def report_lines(view: View, draft: BadDateDraft) -> list[str]:
    """The report as HTML lines: what happened, area, when, then the description verbatim."""
    tr = view.tr
    unknown = tr.pgettext("bad date", "unknown")
    kind = kind_label(tr, draft.kind) if draft.kind else unknown
    when = when_label(tr, draft.when) if draft.when else unknown
    return [
        esc(tr.gettext("What happened: %(kind)s") % {"kind": kind}),
        esc(tr.gettext("Area: %(area)s") % {"area": area_label(view, draft.region_id)}),
        esc(tr.gettext("When: %(when)s") % {"when": when}),
        bold(tr.gettext("Description:")) + "\n" + esc(draft.description),
    ]


def _cancel_row(view: View) -> tuple[Button, ...]:
    cancel = Button(view.tr.pgettext("button", "✖ Cancel"), BadDateStep("cancel"))
    return nav_row(view, cancel)


def _choice(label: str, chosen: bool, step: BadDateStep) -> Button:
    return Button(f"{CHOSEN}{label}" if chosen else label, step)


def kind_picker(view: View, draft: BadDateDraft) -> Screen:
    """The first step: what this is for, that nothing is kept, and what happened."""
    tr = view.tr
    text = [
        bold(tr.gettext("Report a bad date or an unsafe situation")),
        esc(
            tr.gettext(
                "This passes a warning to the organisation, so others can stay safe. It goes"
                " without your name, number or account, and the bot keeps nothing of it."
                " You can stop at any time."
            )
        ),
        esc(tr.gettext("What happened?")),
    ]
    buttons = [
        _choice(kind_label(tr, kind), kind is draft.kind, BadDateStep("kind", kind.value))
        for kind in BadDateKind
    ]
    return Screen(("\n\n".join(text),), (*rows(buttons, 1), _cancel_row(view)))


def area_choice(view: View, draft: BadDateDraft) -> Screen:
    """Which area (the person's own area is marked already)."""
    buttons = [
        _choice(
            region.name.get(view.state.locale),
            region.id == draft.region_id,
            BadDateStep("area", region.id),
        )
        for region in view.catalog.content.regions.values()
    ]
    text = esc(view.tr.gettext("Which area was it in?"))
    return Screen((text,), (*rows(buttons, 1), _cancel_row(view)))


def when_choice(view: View, draft: BadDateDraft) -> Screen:
    """Roughly when: four choices, nothing more precise."""
    buttons = [
        _choice(when_label(view.tr, when), when is draft.when, BadDateStep("when", when.value))
        for when in RoughlyWhen
    ]
    text = esc(view.tr.gettext("Roughly when?"))
    return Screen((text,), (*rows(buttons, 2), _cancel_row(view)))


def describe(view: View, draft: BadDateDraft, too_long: bool = False) -> Screen:
    """Before anything is typed: what helps others, and the warning not to identify oneself."""
    tr = view.tr
    text = []
    if too_long:
        text.append(
            bold(
                tr.ngettext(
                    "That is longer than %(count)d character. Please shorten it and send it again.",
                    "That is longer than %(count)d characters. Please shorten it and send it"
                    " again.",
                    MAX_DESCRIPTION,
                )
                % {"count": MAX_DESCRIPTION}
            )
        )
    text += [
        esc(
            tr.gettext(
                "Now type, in your own words, what would help others recognise the person,"
                " the vehicle or the place: how they look, a car and its plate, a phone number"
                " they used, where it was."
            )
        ),
        bold(
            tr.gettext(
                "⚠️ Do not include your own name, your number or anything that could identify you."
            )
        ),
        esc(
            tr.ngettext(
                "Send it as one message, up to %(count)d character.",
                "Send it as one message, up to %(count)d characters.",
                MAX_DESCRIPTION,
            )
            % {"count": MAX_DESCRIPTION}
        ),
    ]
    keep = []
    if draft.description:
        keep.append((Button(tr.pgettext("button", "Keep what I wrote ▶"), BadDateStep("keep")),))
    return Screen(("\n\n".join(text),), (*keep, _cancel_row(view)))


def preview(view: View, draft: BadDateDraft) -> Screen:
    """The report exactly as the organisation will get it, then Send, Edit or Cancel."""
    tr = view.tr
    text = [
        bold(tr.gettext("Check your report")),
        esc(tr.gettext("This is what the organisation will get. Nothing in it says who sent it.")),
        "\n".join(report_lines(view, draft)),
    ]
    choices = (
        Button(tr.pgettext("button", "✔ Send"), BadDateStep("send")),
        Button(tr.pgettext("button", "✏️ Edit"), BadDateStep("edit")),
    )
    # Escaped, a description of "<" alone is four times as long: split where needed.
    return Screen(split_messages(text), (choices, _cancel_row(view)))


def step_screen(view: View, draft: BadDateDraft) -> Screen:
    """The screen for the step the report is at."""
    return {
        Step.KIND: kind_picker,
        Step.AREA: area_choice,
        Step.WHEN: when_choice,
        Step.DESCRIBE: describe,
        Step.PREVIEW: preview,
    }[draft.step](view, draft)


def _help_now(view: View) -> str:
    return esc(view.tr.gettext("If you need help now, tap 🆘 Urgent help below."))


def sent(view: View) -> Screen:
    """After sending: it went, without a trace of the sender, and nothing was kept."""
    tr = view.tr
    text = [
        bold(tr.gettext("Sent. Thank you.")),
        esc(
            tr.gettext(
                "The organisation got your report as a new message, with no name, number or"
                " account on it. The bot kept nothing of it."
            )
        ),
        _help_now(view),
    ]
    return Screen(("\n\n".join(text),), (nav_row(view),))


def not_sent(view: View) -> Screen:
    """When passing the report on failed: said plainly; nothing was kept either."""
    text = [
        esc(
            view.tr.gettext(
                "Sorry: the report could not be passed on just now, so it was not sent. The bot"
                " kept nothing of it. You can try again later."
            )
        ),
        _help_now(view),
    ]
    return Screen(("\n\n".join(text),), (nav_row(view),))


def too_many(view: View, begun: bool = False) -> Screen:
    """Past the hourly limit of reports from one person: calm, and nothing kept; `begun`
    when they only started a new one."""
    tr = view.tr
    said = (
        tr.gettext(
            "Thank you. You have already sent several reports this hour: you can send"
            " another one later."
        )
        if begun
        else tr.gettext(
            "Thank you. You have already sent several reports this hour, so this one was"
            " not passed on. The bot kept nothing of it: you can write it again later."
        )
    )
    text = [esc(said), _help_now(view)]
    return Screen(("\n\n".join(text),), (nav_row(view),))


def cancelled(view: View) -> Screen:
    """After Cancel."""
    text = esc(view.tr.gettext("Cancelled. Nothing was sent and the bot kept nothing."))
    return Screen((text,), (nav_row(view),))


def gone(view: View) -> Screen:
    """A report button when no report is open (it expired, or was left or erased)."""
    tr = view.tr
    text = esc(
        tr.gettext(
            "This report is no longer open: the bot drops an unfinished report after 30"
            " minutes, or when you leave it. Nothing was sent."
        )
    )
    again = Button(tr.pgettext("button", "Start a new report"), BadDateStep("start"))
    return Screen((text,), ((again,), nav_row(view)))


def relayed(view: View, draft: BadDateDraft) -> Screen:
    """The report as the organisation gets it (admin labels in the admin's language), marked
    unverified and anonymous, with the button to draft an alert from it (which carries none
    of the report)."""
    tr = view.tr
    text = [
        bold(tr.gettext("🚩 Anonymous report from the street")),
        "\n".join(report_lines(view, draft)),
        italic(
            tr.gettext(
                "Unverified and anonymous: someone chose to pass this on through the bot. The"
                " bot does not know who sent it and kept no copy."
            )
        ),
    ]
    draft_alert = Button(tr.pgettext("button", "📝 Draft an alert"), AdminPress("alert_draft", ""))
    return Screen(split_messages(text), ((draft_alert,),))
