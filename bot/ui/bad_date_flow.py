"""The steps of the anonymous bad-date report: a tap or the typed description in, the next
screen and the draft after it out (None when the report is over)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.domain.bad_dates import (
    MAX_DESCRIPTION,
    BadDateDraft,
    BadDateKind,
    RoughlyWhen,
    Step,
    clean_description,
)
from bot.ui.actions import BadDateStep
from bot.ui.render import Screen
from bot.ui.screens import bad_dates as screens
from bot.ui.screens.menus import out_of_date
from bot.ui.screens.view import View


@dataclass(frozen=True)
class FlowAnswer:
    """The screen to show, the draft after it, and the report to pass on (on Send only)."""

    screen: Screen
    draft: BadDateDraft | None
    relay: BadDateDraft | None = None


def waits_for_text(draft: BadDateDraft | None) -> bool:
    """Whether typed text is this report's description (otherwise it stays a search)."""
    return draft is not None and draft.step is Step.DESCRIBE


def typed(view: View, draft: BadDateDraft | None, text: str) -> FlowAnswer:
    """The description, typed: the preview, or the request again when empty or too long."""
    if draft is None:
        return FlowAnswer(screens.gone(view), None)
    description = clean_description(text)
    if not description or len(description) > MAX_DESCRIPTION:
        return FlowAnswer(screens.describe(view, draft, too_long=bool(description)), draft)
    draft = replace(draft, description=description, step=Step.PREVIEW)
    return FlowAnswer(screens.preview(view, draft), draft)


def tapped(view: View, draft: BadDateDraft | None, step: BadDateStep) -> FlowAnswer:
    """A button of the report."""
    if step.move == "start":
        regions = view.catalog.content.regions
        own = view.state.region_id if view.state.region_id in regions else None
        fresh = BadDateDraft(region_id=own)
        return FlowAnswer(screens.kind_picker(view, fresh), fresh)
    if draft is None:
        return FlowAnswer(screens.gone(view), None)
    if step.move == "cancel":
        return FlowAnswer(screens.cancelled(view), None)
    if step.move == "send":
        if not draft.complete:
            return FlowAnswer(screens.step_screen(view, draft), draft)
        return FlowAnswer(screens.sent(view), None, relay=draft)
    moved = _moved(view, draft, step)
    if moved is None:
        return FlowAnswer(out_of_date(view), draft)
    return FlowAnswer(screens.step_screen(view, moved), moved)


def _moved(view: View, draft: BadDateDraft, step: BadDateStep) -> BadDateDraft | None:
    """The draft after a choice, Edit or Keep; None for a choice that does not exist."""
    if step.move == "kind" and step.choice in set(BadDateKind):
        return replace(draft, kind=BadDateKind(step.choice), step=Step.AREA)
    if step.move == "area" and step.choice in view.catalog.content.regions:
        return replace(draft, region_id=step.choice, step=Step.WHEN)
    if step.move == "when" and step.choice in set(RoughlyWhen):
        return replace(draft, when=RoughlyWhen(step.choice), step=Step.DESCRIBE)
    if step.move == "edit":
        return replace(draft, step=Step.KIND)
    if step.move == "keep":
        return replace(draft, step=Step.PREVIEW if draft.description else Step.DESCRIBE)
    return None
