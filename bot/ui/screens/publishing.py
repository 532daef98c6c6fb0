"""Admin screens for publishing content: reloads, uploads, confirmation and rollback."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.changes import ContentChanges
from bot.domain.problems import Problem
from bot.ui.actions import AdminPress
from bot.ui.render import Button, Screen, bold, esc, split_messages
from bot.ui.screens.view import View

# Errors listed in one admin message burst; the rest are counted (`validate` lists them all).
ERRORS_SHOWN = 40
CONFIRM_UPLOAD = "upload_yes"
CANCEL_UPLOAD = "upload_no"


def problem_lines(view: View, errors: tuple[Problem, ...]) -> list[str]:
    """Each error as `file:line: what is wrong`, escaped; the ones past ERRORS_SHOWN counted."""
    lines = [f"<code>{esc(p.file)}:{p.line}</code>: {esc(p.message)}" for p in errors]
    if len(lines) <= ERRORS_SHOWN:
        return lines
    more = len(lines) - ERRORS_SHOWN
    rest = view.tr.ngettext(
        "... and %(count)d more error: run `python -m bot validate` to see them all.",
        "... and %(count)d more errors: run `python -m bot validate` to see them all.",
        more,
    ) % {"count": more}
    return [*lines[:ERRORS_SHOWN], esc(rest)]


def change_lines(view: View, changes: ContentChanges) -> list[str]:
    """Listings added, changed and removed, by name; a line saying none when none."""
    tr = view.tr
    lines = []
    for label, names in (
        (tr.gettext("Listings added:"), changes.added),
        (tr.gettext("Listings changed:"), changes.changed),
        (tr.gettext("Listings removed:"), changes.removed),
    ):
        if names:
            lines.append(f"{bold(label)} {esc(', '.join(names))}")
    if not changes.listings:
        lines.append(esc(tr.gettext("No listing added, changed or removed.")))
    if changes.other:
        lines.append(esc(tr.gettext("Other content (areas, needs, pages or words) changed too.")))
    return lines


def reload_failed(view: View, errors: tuple[Problem, ...]) -> Screen:
    """The content on disk has errors: people keep getting the last good version."""
    title = view.tr.gettext(
        "The content was not reloaded: it has errors. People still get the last good version."
        " Fix these lines and save again:"
    )
    return Screen(split_messages(["\n".join([bold(title), *problem_lines(view, errors)])]))


def reload_done(view: View, changes: ContentChanges) -> Screen:
    """The new content is served; what changed for people."""
    title = bold(view.tr.gettext("Content reloaded: people now get the new version."))
    return Screen(split_messages(["\n".join([title, *change_lines(view, changes)])]))


def reload_unchanged(view: View) -> Screen:
    """A reload found the files exactly as they were."""
    return Screen((esc(view.tr.gettext("Content reloaded: nothing had changed.")),))


def upload_errors(view: View, path: str, errors: tuple[Problem, ...]) -> Screen:
    """An uploaded file that would break the content: nothing was changed."""
    title = view.tr.gettext(
        "%(path)s has errors, so nothing was changed. Fix these lines and send it again:"
    ) % {"path": path}
    return Screen(split_messages(["\n".join([bold(title), *problem_lines(view, errors)])]))


def upload_preview(
    view: View, path: str, changes: ContentChanges, coverage: Mapping[str, float], token: str
) -> Screen:
    """What an uploaded file would change, with Confirm and Cancel."""
    tr = view.tr
    title = tr.gettext("%(path)s checks out. If you confirm, this changes:") % {"path": path}
    languages = [
        esc(tr.gettext("%(language)s: %(percent)d%%") % {"language": code, "percent": percent})
        for code, percent in coverage.items()
    ]
    coverage_title = bold(tr.gettext("Translated, per language:"))
    block = "\n".join([bold(title), *change_lines(view, changes), "", coverage_title, *languages])
    buttons = (
        (
            Button(tr.pgettext("button", "✅ Confirm"), AdminPress(CONFIRM_UPLOAD, token)),
            Button(tr.pgettext("button", "✖️ Cancel"), AdminPress(CANCEL_UPLOAD, token)),
        ),
    )
    return Screen(split_messages([block]), buttons)


def upload_bad_name(view: View) -> Screen:
    """An upload whose name says nowhere it could go."""
    return Screen(
        (
            esc(
                view.tr.gettext(
                    "I can't tell which content file this is. Send NAME.yaml for a region"
                    " (it goes to regions/NAME.yaml), or needs.yaml, settings.yaml or"
                    " situations.yaml; for any other file write its path as the caption,"
                    " for example pages/es/spectrum.md."
                )
            ),
        )
    )


def upload_too_big(view: View, limit_kib: int) -> Screen:
    """An upload over the size limit."""
    text = view.tr.gettext("This file is too large: content files are at most %(size)d KiB.")
    return Screen((esc(text % {"size": limit_kib}),))


def upload_not_received(view: View) -> Screen:
    """Telegram did not hand over the file."""
    text = view.tr.gettext("I could not download this file from Telegram. Please send it again.")
    return Screen((esc(text),))


def upload_gone(view: View) -> Screen:
    """A Confirm or Cancel for an upload no longer waiting (expired, done or replaced)."""
    text = view.tr.gettext(
        "This upload is no longer waiting: it expired, or was already confirmed or cancelled."
        " Send the file again if you still want it."
    )
    return Screen((esc(text),))


def upload_cancelled(view: View) -> Screen:
    """The admin cancelled an upload."""
    return Screen((esc(view.tr.gettext("Cancelled: nothing was changed.")),))


def file_written(view: View, path: str) -> Screen:
    """An uploaded file is in place (the reload's own screen follows)."""
    text = view.tr.gettext("Saved %(path)s (the previous version is kept for /rollback).")
    return Screen((esc(text % {"path": path}),))


def write_failed(view: View) -> Screen:
    """The content folder could not be written."""
    text = view.tr.gettext(
        "I could not write to the content folder, so nothing was changed. Check that the bot"
        " may write to CONTENT_DIR and DATA_DIR."
    )
    return Screen((esc(text),))


def nothing_to_roll_back(view: View) -> Screen:
    """/rollback with no earlier version kept."""
    text = view.tr.gettext(
        "There is nothing to roll back: no file was changed from Telegram since the last rollback."
    )
    return Screen((esc(text),))


def rolled_back(view: View, path: str) -> Screen:
    """/rollback put a file back (the reload's own screen follows)."""
    text = view.tr.gettext("Put back the previous version of %(path)s.")
    return Screen((esc(text % {"path": path}),))
