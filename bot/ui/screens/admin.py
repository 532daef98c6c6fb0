"""Screens only admins see (their commands, reloads, reports); never shown to anyone else."""

from __future__ import annotations

from bot.ui.render import Screen, esc
from bot.ui.screens.view import View


def admin_help(view: View, commands: list[tuple[str, str]]) -> Screen:
    """The admin commands, each with one line on what it does."""
    title = esc(view.tr.gettext("Admin commands (only people in ADMIN_IDS can use them):"))
    lines = [f"/{esc(name)}: {esc(summary)}" for name, summary in sorted(commands)]
    return Screen(("\n".join([f"<b>{title}</b>", *lines]),), ())
