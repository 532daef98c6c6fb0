"""Publishing from Telegram: /reload, uploads checked then confirmed, /rollback, and telling
admins how each reload of the watched content folder went."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from telegram import Bot, Document
from telegram.error import TelegramError

from bot.content_files import NameRefused, PreviousVersions, target_path
from bot.domain.changes import ContentChanges, content_changes
from bot.domain.content_limits import MAX_FILE_BYTES
from bot.handlers.admin import AdminCommand, AdminDesk, AdminTurn
from bot.live import LiveContent, ReloadOutcome
from bot.logs import describe_error
from bot.ui.render import Screen
from bot.ui.screens import View
from bot.ui.screens import publishing as screens

logger = logging.getLogger(__name__)

UPLOAD_EXPIRY = dt.timedelta(minutes=15)
MAX_UPLOAD_BYTES = MAX_FILE_BYTES


@dataclass(frozen=True)
class PendingUpload:
    """A checked upload waiting for its admin's Confirm: held in memory only."""

    token: str
    path: PurePosixPath
    data: bytes
    changes: ContentChanges
    expires: dt.datetime


def outcome_screen(view: View, outcome: ReloadOutcome) -> Screen:
    """What admins read about one reload."""
    if not outcome.served:
        return screens.reload_failed(view, outcome.errors)
    if outcome.unchanged:
        return screens.reload_unchanged(view)
    return screens.reload_done(view, outcome.changes)


@dataclass
class Publisher:
    """The admin side of live content. `pending` holds at most one upload per admin (by their
    keyed hash), each until it is confirmed, cancelled, replaced or expired."""

    live: LiveContent
    desk: AdminDesk
    previous: PreviousVersions
    clock: Callable[[], dt.datetime]
    pending: dict[str, PendingUpload] = field(default_factory=dict)
    writing: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    def register(self) -> None:
        """Offer /reload, /rollback, uploads and the Confirm and Cancel buttons to admins."""
        self.desk.add_command(
            AdminCommand(
                "reload",
                lambda view: view.tr.gettext("load the content folder again now"),
                self.reload,
            )
        )
        self.desk.add_command(
            AdminCommand(
                "rollback",
                lambda view: view.tr.gettext("put back the file changed last from Telegram"),
                self.roll_back,
            )
        )
        self.desk.add_button(screens.CONFIRM_UPLOAD, self.confirm)
        self.desk.add_button(screens.CANCEL_UPLOAD, self.cancel)
        self.desk.set_document_action(self.receive)

    async def watch(self, bot: Bot, stop: asyncio.Event) -> None:
        """Reload on every change of the content folder until `stop`, telling every admin."""
        await self.live.watch(stop, lambda outcome: self.announce(bot, outcome))

    async def announce(self, bot: Bot, outcome: ReloadOutcome) -> None:
        """Tell every admin how a reload went."""
        await self.desk.notify(bot, lambda view: outcome_screen(view, outcome))

    async def reload(self, turn: AdminTurn) -> None:
        """/reload: load the folder now; the admin who asked reads the result."""
        await turn.show(outcome_screen(turn.view, await self.live.reload()))

    async def roll_back(self, turn: AdminTurn) -> None:
        """/rollback: the last changed file as it was before, then a reload."""
        async with self.writing:
            try:
                restored = await asyncio.to_thread(self.previous.roll_back, self.live.root)
            except OSError as error:
                logger.error("Rollback failed: %s", describe_error(error))
                await turn.show(screens.write_failed(turn.view))
                return
        if restored is None:
            await turn.show(screens.nothing_to_roll_back(turn.view))
            return
        await turn.show(screens.rolled_back(turn.view, restored.as_posix()))
        await turn.show(outcome_screen(turn.view, await self.live.reload()))

    async def receive(self, turn: AdminTurn) -> None:
        """A document from an admin: check it against the content and show what it changes."""
        message = turn.update.effective_message
        document = message.document if message is not None else None
        if document is None:
            return
        try:
            path = target_path(document.file_name, message.caption if message else None)
        except NameRefused:
            await turn.show(screens.upload_bad_name(turn.view))
            return
        data = await self._download(turn, document)
        if data is None:
            return
        await self._check(turn, path, data)

    async def _download(self, turn: AdminTurn, document: Document) -> bytes | None:
        limit_kib = MAX_UPLOAD_BYTES // 1024
        if document.file_size is not None and document.file_size > MAX_UPLOAD_BYTES:
            await turn.show(screens.upload_too_big(turn.view, limit_kib))
            return None
        try:
            file = await turn.bot.get_file(document.file_id)
            if file.file_size is not None and file.file_size > MAX_UPLOAD_BYTES:
                await turn.show(screens.upload_too_big(turn.view, limit_kib))
                return None
            data = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            logger.warning("Could not download an upload: %s", describe_error(error))
            await turn.show(screens.upload_not_received(turn.view))
            return None
        if len(data) > MAX_UPLOAD_BYTES:
            await turn.show(screens.upload_too_big(turn.view, limit_kib))
            return None
        return data

    async def _check(self, turn: AdminTurn, path: PurePosixPath, data: bytes) -> None:
        shown = path.as_posix()
        checked = await self.live.check_with(path, data)
        if checked.catalog is None:
            self.pending.pop(turn.admin_key, None)
            await turn.show(screens.upload_errors(turn.view, shown, checked.errors))
            return
        changes = content_changes(self.live.catalog.content, checked.catalog.content)
        token = secrets.token_hex(6)
        expires = self.clock() + UPLOAD_EXPIRY
        self.pending[turn.admin_key] = PendingUpload(token, path, data, changes, expires)
        await turn.show(screens.upload_preview(turn.view, shown, changes, checked.coverage, token))

    def _take(self, turn: AdminTurn) -> PendingUpload | None:
        """The admin's pending upload this button belongs to, if it is still waiting."""
        pending = self.pending.get(turn.admin_key)
        if pending is None or pending.token != turn.argument:
            return None
        del self.pending[turn.admin_key]
        return pending if self.clock() < pending.expires else None

    async def confirm(self, turn: AdminTurn) -> None:
        """Confirm: write the upload in place (keeping the previous version), then reload."""
        pending = self._take(turn)
        if pending is None:
            await turn.show(screens.upload_gone(turn.view))
            return
        async with self.writing:
            try:
                await asyncio.to_thread(
                    self.previous.publish, self.live.root, pending.path, pending.data
                )
            except (OSError, NameRefused) as error:
                logger.error("Could not write an upload: %s", describe_error(error))
                await turn.show(screens.write_failed(turn.view))
                return
        await turn.show(screens.file_written(turn.view, pending.path.as_posix()))
        outcome = await self.live.reload(skip_if_unchanged=True)
        if outcome.served and outcome.unchanged:
            # The folder watcher saw the new file first and served it already.
            outcome = replace(outcome, unchanged=False, changes=pending.changes)
        await turn.show(outcome_screen(turn.view, outcome))

    async def cancel(self, turn: AdminTurn) -> None:
        """Cancel: forget the pending upload."""
        pending = self._take(turn)
        await turn.show(
            screens.upload_cancelled(turn.view) if pending else screens.upload_gone(turn.view)
        )


def previous_folder(data_dir: Path) -> Path:
    """Where earlier versions of content files are kept: in DATA_DIR, outside CONTENT_DIR."""
    return data_dir / "previous-content"
