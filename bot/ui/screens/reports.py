""" "Something is wrong here": the reasons to pick from, and the plain thanks after one tap."""

from __future__ import annotations

from bot.domain.upkeep import ReportReason
from bot.i18n import Translator
from bot.ui.actions import ReportWrong, SendReport, ShowResource
from bot.ui.render import Button, Screen, bold, esc
from bot.ui.screens.menus import out_of_date
from bot.ui.screens.view import View, nav_row, rows


def report_button(view: View, card: ShowResource) -> Button:
    """The button on every card that opens the reasons."""
    return Button(view.tr.pgettext("button", "⚠️ Something is wrong here"), ReportWrong(card))


def reason_choice(tr: Translator, reason: ReportReason) -> str:
    """A reason as a person picks it."""
    return {
        ReportReason.CLOSED: tr.pgettext("report", "It is closed or gone"),
        ReportReason.HOURS: tr.pgettext("report", "The hours are wrong"),
        ReportReason.CONTACT: tr.pgettext("report", "The phone or address is wrong"),
        ReportReason.UNSAFE: tr.pgettext("report", "I was treated badly or felt unsafe"),
    }[reason]


def _back_to_card(view: View, card: ShowResource) -> Button:
    return Button(view.tr.pgettext("button", "◀ Back to the listing"), card)


def report_picker(view: View, action: ReportWrong) -> Screen:
    """The reasons for one listing: one tap each, nothing to type, nothing else asked."""
    tr = view.tr
    resource = view.catalog.content.resources.get(action.card.resource_id)
    if resource is None:
        return out_of_date(view)
    text = [
        bold(resource.name.get(view.state.locale)),
        esc(
            tr.gettext(
                "Thank you for helping keep this list right. What is wrong? One tap is enough:"
                " you will not be asked anything else."
            )
        ),
    ]
    reasons = [
        Button(reason_choice(tr, reason), SendReport(resource.id, reason))
        for reason in ReportReason
    ]
    return Screen(
        ("\n\n".join(text),),
        (*rows(reasons, 1), nav_row(view, _back_to_card(view, action.card))),
    )


def report_thanks(view: View, action: SendReport) -> Screen:
    """Thanks, what happens next, and that nothing about the person is kept."""
    tr = view.tr
    if action.resource_id not in view.catalog.content.resources:
        return out_of_date(view)
    text = [
        esc(
            tr.gettext("Thank you. The organisation that keeps this list will check this listing.")
        ),
        esc(tr.gettext("Nothing about you is kept: only that this listing got one more report.")),
    ]
    if action.reason is ReportReason.UNSAFE:
        text.append(
            esc(tr.gettext("If you are not safe right now, Urgent help is one tap away below."))
        )
    back = _back_to_card(view, ShowResource(action.resource_id))
    return Screen(("\n\n".join(text),), (nav_row(view, back),))
