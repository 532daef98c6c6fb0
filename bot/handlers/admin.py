"""Admin commands and buttons: each checked against ADMIN_IDS on the server, every time, and
written to the audit table (which admin by keyed hash, what, when; no user data).

A feature adds an admin command with `AdminDesk.add_command` and an admin button with
`AdminDesk.add_button`; the handlers route to them only for admins. For anyone else an admin
command is an unknown command and an admin button is out of date, as for any forged input.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Bot, Chat, Update
from telegram.error import TelegramError

from bot.handlers.output import for_phone, send_screen
from bot.logs import describe_error
from bot.store import Store
from bot.ui.render import Screen
from bot.ui.screens import View
from bot.user_keys import UserKeys

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdminTurn:
    """One admin action: the update, the admin's chat, their keyed hash, the view to draw with
    (their language), and the command's argument or the button's."""

    update: Update
    bot: Bot
    chat_id: int
    admin_key: str
    view: View
    argument: str

    async def show(self, screen: Screen) -> list[int]:
        """Send `screen` to the admin; the ids of the messages sent."""
        return await send_screen(self.bot, self.chat_id, for_phone(self.view, screen))


AdminAction = Callable[[AdminTurn], Awaitable[None]]


@dataclass(frozen=True)
class AdminCommand:
    """A /command only admins can run, with the line `/admin` lists it with."""

    name: str
    describe: Callable[[View], str]
    run: AdminAction


@dataclass
class AdminDesk:
    """The admin commands and buttons, and who may use them (fixed at start from ADMIN_IDS)."""

    admin_ids: frozenset[int]
    store: Store
    keys: UserKeys
    clock: Callable[[], dt.datetime]
    view_of: Callable[[int], Awaitable[View]]
    commands: dict[str, AdminCommand] = field(default_factory=dict)
    buttons: dict[str, AdminAction] = field(default_factory=dict)
    document_action: AdminAction | None = None

    def add_command(self, command: AdminCommand) -> None:
        """Offer `/name` to admins."""
        self.commands[command.name] = command

    def add_button(self, name: str, action: AdminAction) -> None:
        """Act on `AdminPress(name, ...)` buttons pressed by admins."""
        self.buttons[name] = action

    def set_document_action(self, action: AdminAction) -> None:
        """Act on documents (files) admins send; anyone else's are never opened."""
        self.document_action = action

    def is_admin(self, update: Update) -> bool:
        """Whether this update comes from an admin, in their private chat with the bot."""
        user, chat = update.effective_user, update.effective_chat
        return (
            user is not None
            and chat is not None
            and chat.type == Chat.PRIVATE
            and user.id in self.admin_ids
        )

    def handles_command(self, update: Update, name: str) -> bool:
        """Whether `/name` is an admin command and this update's sender may run it."""
        return name in self.commands and self.is_admin(update)

    def handles_button(self, update: Update, name: str) -> bool:
        """Whether an admin button `name` exists and this update's sender may press it."""
        return name in self.buttons and self.is_admin(update)

    def handles_document(self, update: Update) -> bool:
        """Whether this update is a document an admin sent and something acts on documents."""
        message = update.effective_message
        return (
            self.document_action is not None
            and message is not None
            and message.document is not None
            and self.is_admin(update)
        )

    async def receive_document(self, update: Update, view: View) -> None:
        """Act on an admin's document (the caller checked `handles_document`)."""
        assert self.document_action is not None
        await self._run(update, "document", self.document_action, "", view)

    async def run_command(self, update: Update, name: str, argument: str, view: View) -> None:
        """Run an admin command (the caller checked `handles_command`)."""
        await self._run(update, f"/{name}", self.commands[name].run, argument, view)

    async def press(self, update: Update, name: str, argument: str, view: View) -> None:
        """Act on an admin button (the caller checked `handles_button`)."""
        await self._run(update, f"button {name}", self.buttons[name], argument, view)

    async def press_in_private(self, update: Update, name: str, argument: str) -> bool | None:
        """An admin button pressed in a chat that is not private (the report group): run it in
        the presser's own private chat with the bot, in their language. None when the presser
        is not an admin or the button does not exist (nothing runs); False when their private
        chat cannot be reached (they never started the bot)."""
        user = update.effective_user
        if user is None or user.id not in self.admin_ids or name not in self.buttons:
            return None
        admin_key = self.keys.key_for(user.id)
        await self.store.audit(self.clock(), admin_key, f"button {name}")
        view = await self.view_of(user.id)
        turn = AdminTurn(update, update.get_bot(), user.id, admin_key, view, argument)
        try:
            await self.buttons[name](turn)
        except TelegramError as error:
            logger.warning("Could not reach an admin: %s", describe_error(error))
            return False
        return True

    async def _run(
        self, update: Update, what: str, action: AdminAction, argument: str, view: View
    ) -> None:
        # Checked again here, so no route to an action can skip the check.
        if not self.is_admin(update):
            raise PermissionError("not an admin")
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        admin_key = self.keys.key_for(user.id)
        await self.store.audit(self.clock(), admin_key, what)
        await action(AdminTurn(update, update.get_bot(), chat.id, admin_key, view, argument))

    async def notify(self, bot: Bot, draw: Callable[[View], Screen]) -> int:
        """Send every admin, in their private chat, the screen `draw` makes in their language;
        how many were reached. An admin who never started the bot cannot be reached; that is
        logged, not raised."""
        reached = 0
        for admin_id in sorted(self.admin_ids):
            try:
                view = await self.view_of(admin_id)
                await send_screen(bot, admin_id, for_phone(view, draw(view)))
                reached += 1
            except TelegramError as error:
                logger.warning("Could not reach an admin: %s", describe_error(error))
        return reached
