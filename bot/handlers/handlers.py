"""The handlers: each update becomes one conversation event, one reply, one Telegram answer."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from telegram import CallbackQuery, Chat, ChatMember, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    ChosenInlineResultHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.domain.catalog import Catalog
from bot.domain.upkeep import UnsafeRule
from bot.handlers.admin import AdminCommand, AdminDesk, AdminTurn
from bot.handlers.alert_admin import TEXT_BUTTON, AlertAdmin
from bot.handlers.alerts import AlertDesk
from bot.handlers.bad_dates import BadDateDesk
from bot.handlers.context import Turn, TurnContext
from bot.handlers.disappearing import Deleter
from bot.handlers.events import message_event
from bot.handlers.groups import refuse_group
from bot.handlers.inline import InlineDesk
from bot.handlers.newest import ChatPlace, NewestIds
from bot.handlers.open_needs import OpenNeeds
from bot.handlers.output import Answering, edit_or_send, for_phone, send_screen, send_share
from bot.handlers.retention import RetentionSweep
from bot.handlers.upkeep import Upkeep
from bot.i18n import negotiate
from bot.logs import describe_error
from bot.policy import CLEARED_NOTICE_SECONDS
from bot.sealed import ChatSeal
from bot.stats import read_stats
from bot.store import Preferences, Store
from bot.ui import screens
from bot.ui.actions import AdminPress, AlertArea, ShowAlerts, decode
from bot.ui.conversation import Command, Conversation, Event, Press, Reply, Typed
from bot.ui.screens import View
from bot.ui.state import UserState
from bot.user_keys import UserKeys

logger = logging.getLogger(__name__)

BEFORE_ANYTHING = -1
# /stats shows this many days back (the command line takes --since for other spans).
STATS_DAYS = 28


@dataclass
class Handlers:
    """Everything the handlers share, and the handlers themselves as methods.

    What changes: the day of the last retention sweep, `open_needs`, the need whose list
    each person has open, `newest`, the newest message id known in each person's chat, and
    `bad_dates`, the bad-date reports being written (all in memory only).
    """

    conversation: Conversation
    store: Store
    keys: UserKeys
    default_locale: str
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    admin_ids: frozenset[int] = frozenset()
    open_needs: OpenNeeds = field(default_factory=OpenNeeds)
    newest: NewestIds = field(default_factory=NewestIds)
    # Listing reports: when admins hear of an unsafe listing; where /stale finds the files.
    unsafe_rule: UnsafeRule = field(default_factory=UnsafeRule)
    content_dir: Path | None = None
    # Where anonymous bad-date reports go (REPORT_CHAT_ID); None: each admin's private chat.
    report_chat_id: int | None = None
    deleter: Deleter = field(init=False)
    retention: RetentionSweep = field(init=False)
    admin: AdminDesk = field(init=False)
    upkeep: Upkeep = field(init=False)
    inline: InlineDesk = field(init=False)
    bad_dates: BadDateDesk = field(init=False)
    alerts: AlertDesk = field(init=False)
    alert_admin: AlertAdmin = field(init=False)

    def __post_init__(self) -> None:
        self.deleter = Deleter(self.store, ChatSeal(self.keys.secret))
        self.alerts = AlertDesk(self.store, ChatSeal(self.keys.secret), self.clock)
        self.retention = RetentionSweep(self.store, self.conversation.retention_days)
        self.admin = AdminDesk(self.admin_ids, self.store, self.keys, self.clock, self.view_of)
        self.admin.add_command(
            AdminCommand("admin", lambda view: view.tr.gettext("the admin commands"), self.admins)
        )
        self.upkeep = Upkeep(self.store, self.admin, self.unsafe_rule, self.content_dir)
        self.upkeep.install()
        self.admin.add_command(
            AdminCommand("stats", lambda view: view.tr.gettext("anonymous counts"), self.stats)
        )
        self.inline = InlineDesk(self.store, self.clock, self.inline_view)
        self.bad_dates = BadDateDesk(self.admin, self.report_chat_id, self.default_view)
        self.alert_admin = AlertAdmin(self.store, self.admin, self.clock)
        self.alert_admin.install()

    def register(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add every handler, in order: the gate first, then one handler per kind of input."""
        application.add_handler(TypeHandler(Update, self.begin), group=BEFORE_ANYTHING)
        application.add_handler(ChatMemberHandler(self.on_membership))
        application.add_handler(CallbackQueryHandler(self.on_press))
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_message))
        application.add_handler(InlineQueryHandler(self.inline.on_query))
        application.add_handler(ChosenInlineResultHandler(self.inline.on_chosen))
        application.add_error_handler(self.on_error)

    # The gate: runs for every update before any other handler.

    async def begin(self, update: Update, context: TurnContext) -> None:
        """Set this update's locale and state afresh; stop anything not from a private chat
        (inline queries, which come from no chat, go on to their own handler)."""
        if update.inline_query is not None or update.chosen_inline_result is not None:
            return
        chat, user = update.effective_chat, update.effective_user
        if (
            chat is not None
            and chat.type != Chat.PRIVATE
            and chat.id == self.bad_dates.report_chat_id
        ):
            # The organisation's report chat: the bot stays there, and answers nothing.
            await self.bad_dates.quiet_in_report_chat(update)
            raise ApplicationHandlerStop
        if update.callback_query is not None and (chat is None or chat.type != Chat.PRIVATE):
            await update.callback_query.answer()
        if chat is None or user is None:
            raise ApplicationHandlerStop
        if chat.type != Chat.PRIVATE:
            view = self.conversation.view(
                UserState(self.fallback_locale(user.language_code)), self.clock()
            )
            await refuse_group(update, chat.id, for_phone(view, screens.private_only(view)))
            raise ApplicationHandlerStop
        # The content as it is now answers this whole update, whatever a reload does meanwhile.
        conversation = self.conversation
        today = self.clock().date()
        await self.retention.run(today)
        key = self.keys.key_for(user.id)
        self.note_newest(update, key)
        saved = await self.store.preferences(key, today) or Preferences()
        locales = conversation.locales
        locale = saved.locale if saved.locale in locales else None
        regions = conversation.catalog.content.regions
        region_id = saved.region_id if saved.region_id in regions else None
        state = UserState(
            locale or self.fallback_locale(user.language_code),
            region_id,
            self.open_needs.get(key),
            saved.disappear_after,
            saved.protect,
            self.bad_dates.drafts.get(key),
        )
        context.turn = Turn(key, saved, state, conversation)

    def note_newest(self, update: Update, key: str) -> None:
        """Keep the chat's newest message id: a typed message is the newest when it arrives;
        a pressed message may be old, so it only raises an id already known."""
        if update.message is not None:
            self.newest.saw(key, update.message.message_id)
        elif update.callback_query is not None and update.callback_query.message is not None:
            self.newest.saw_if_known(key, update.callback_query.message.message_id)

    def place_of(self, update: Update) -> ChatPlace | None:
        """Where this update's answer goes in its private chat (None outside one)."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != Chat.PRIVATE:
            return None
        return ChatPlace(self.newest, self.keys.key_for(user.id))

    async def view_of(self, user_id: int) -> View:
        """A view in the language a user chose (or the default), for messages the bot sends
        without an update from them, such as reports to admins."""
        saved = await self.store.preferences(self.keys.key_for(user_id), self.clock().date())
        locale = saved.locale if saved and saved.locale in self.conversation.locales else None
        return self.conversation.view(UserState(locale or self.default_locale), self.clock())

    def default_view(self) -> View:
        """A view in the deployment's default language, for a chat that is nobody's own."""
        return self.conversation.view(UserState(self.default_locale), self.clock())

    async def inline_view(self, user_id: int, language_code: str | None) -> View:
        """The view an inline query is answered in: the person's saved language and area,
        else their phone's language and no area."""
        saved = await self.store.preferences(self.keys.key_for(user_id), self.clock().date())
        saved = saved or Preferences()
        locale = saved.locale if saved.locale in self.conversation.locales else None
        regions = self.conversation.catalog.content.regions
        region_id = saved.region_id if saved.region_id in regions else None
        state = UserState(locale or self.fallback_locale(language_code), region_id)
        return self.conversation.view(state, self.clock())

    def use_catalog(self, catalog: Catalog) -> None:
        """Serve new content from the next update on: one reference assignment (updates in
        hand keep the conversation their gate captured)."""
        self.conversation = replace(self.conversation, catalog=catalog)

    def fallback_locale(self, language_code: str | None) -> str:
        """The phone's language when we have it, else the default."""
        return negotiate(language_code, self.conversation.locales) or self.default_locale

    # Used by the dispatcher, before the handlers.

    def person_of(self, update: Update) -> str | None:
        """Whose update this is, as the HMAC key of the user (or chat) id."""
        user, chat = update.effective_user, update.effective_chat
        if user is not None:
            return self.keys.key_for(user.id)
        return self.keys.key_for(chat.id) if chat is not None else None

    async def flood_notice(self, update: Update) -> None:
        """The one calm notice for someone sending faster than the flood limit."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != Chat.PRIVATE:
            return
        saved = await self.store.preferences(self.keys.key_for(user.id), self.clock().date())
        locales = self.conversation.locales
        locale = saved.locale if saved and saved.locale in locales else None
        view = self.conversation.view(
            UserState(locale or self.fallback_locale(user.language_code)), self.clock()
        )
        try:
            # Not looked for when it fails unseen: the notice runs beside the person's queue,
            # so one of their answers may be on its way into the same ids.
            await send_screen(update.get_bot(), chat.id, for_phone(view, screens.slow_down(view)))
        except TelegramError as error:
            logger.warning("Could not send the flood notice: %s", describe_error(error))

    # One handler per kind of input.

    async def on_press(self, update: Update, context: TurnContext) -> None:
        """A button: the query answered alongside the reply (`Answering`), the message edited
        in place (or sent anew)."""
        query = update.callback_query
        assert query is not None
        async with Answering(query):
            await self._answer_press(update, context, query)

    async def _answer_press(
        self, update: Update, context: TurnContext, query: CallbackQuery
    ) -> None:
        pressed = query.message if isinstance(query.message, Message) else None
        action = decode(query.data)
        if isinstance(action, AdminPress) and self.admin.handles_button(update, action.name):
            turn = self.turn(context)
            view = turn.conversation.view(turn.state, self.clock())
            await self.admin.press(update, action.name, action.argument, view)
            return
        if isinstance(action, ShowAlerts | AlertArea):
            await self.show_alerts(update, context, action, pressed)
            return
        await self.reply(update, context, Press(query.data or ""), pressed)

    async def on_message(self, update: Update, context: TurnContext) -> None:
        """Text, commands and locations; a kind pointer to the menu for anything else."""
        message = update.message
        assert message is not None
        event = message_event(message)
        if isinstance(event, Command) and self.admin.handles_command(update, event.name):
            turn = self.turn(context)
            view = turn.conversation.view(turn.state, self.clock())
            await self.admin.run_command(update, event.name, event.argument, view)
            return
        if isinstance(event, Typed) and self.alert_admin.awaits_text(update):
            turn = self.turn(context)
            view = turn.conversation.view(turn.state, self.clock())
            await self.admin.press(update, TEXT_BUTTON, "", view)
            return
        if isinstance(event, Command) and event.name.lower() == "alerts":
            await self.show_alerts(update, context, ShowAlerts())
            return
        if self.admin.handles_document(update):
            turn = self.turn(context)
            await self.admin.receive_document(
                update, turn.conversation.view(turn.state, self.clock())
            )
            return
        if event is None:
            turn = self.turn(context)
            view = turn.conversation.view(turn.state, self.clock())
            await send_screen(
                update.get_bot(),
                message.chat_id,
                for_phone(view, screens.cannot_read(view)),
                place=ChatPlace(self.newest, turn.user_key),
            )
            return
        await self.reply(update, context, event)

    async def on_membership(self, update: Update, context: TurnContext) -> None:
        """Blocking the bot in a private chat erases what it kept, as /forget would."""
        member = update.my_chat_member
        if member is not None and member.new_chat_member.status == ChatMember.BANNED:
            self.open_needs.set(self.turn(context).user_key, "")
            self.newest.forget(self.turn(context).user_key)
            self.bad_dates.drafts.set(self.turn(context).user_key, None)
            await self.store.forget(self.turn(context).user_key)

    # Answering.

    async def reply(
        self, update: Update, context: TurnContext, event: Event, pressed: Message | None = None
    ) -> None:
        """Answer one event: remember what the user chose, then show the screen (replacing the
        pressed message where that reads better)."""
        turn = self.turn(context)
        chat = update.effective_chat
        assert chat is not None
        started = time.perf_counter()
        try:
            reply = turn.conversation.respond(event, turn.state, self.clock())
            await self.remember(turn, reply)
            view = turn.conversation.view(reply.state, self.clock())
            reply = await self.bad_dates.deliver(
                update.get_bot(), turn.user_key, turn.state.bad_date, reply, view
            )
            crossed = await self.upkeep.record(self.clock().date(), reply)
            try:
                await self.show(update, turn, reply, view, pressed)
            finally:
                if reply.erase:  # kept for the look at the confirmation, not a moment longer
                    self.newest.forget(turn.user_key)
                # Counted is counted: admins hear of the crossing even if the thanks failed.
                if crossed is not None:
                    await self.upkeep.flag(update.get_bot(), crossed)
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.debug("Answered a %s in %.1f ms", type(event).__name__, elapsed_ms)
        except Exception as error:
            logger.error("Could not answer an update: %s", describe_error(error))
            await self.apologise(update, turn.state.locale)

    async def show_alerts(
        self,
        update: Update,
        context: TurnContext,
        action: ShowAlerts | AlertArea,
        pressed: Message | None = None,
    ) -> None:
        """The safety alerts screen (read from the store, so outside the pure conversation),
        after an opt-in change if the button made one."""
        turn = self.turn(context)
        chat = update.effective_chat
        assert chat is not None
        view = turn.conversation.view(turn.state, self.clock())
        try:
            bot = update.get_bot()
            place = ChatPlace(self.newest, turn.user_key)
            sent = await self.alerts.answer(
                bot, chat.id, place, turn.user_key, view, action, pressed
            )
            if turn.state.disappear_after:
                typed = [update.message.message_id] if update.message is not None else []
                await self.deleter.later(chat.id, [*typed, *sent], turn.state.disappear_after)
        except Exception as error:
            logger.error("Could not show the alerts: %s", describe_error(error))
            await self.apologise(update, turn.state.locale)

    async def show(
        self, update: Update, turn: Turn, reply: Reply, view: View, pressed: Message | None
    ) -> None:
        """Put the reply on the phone (`view`: the reply's state, now): clear the chat first
        when asked; protect the messages when the person chose so; schedule both sides'
        messages when they disappear."""
        bot, chat = update.get_bot(), update.effective_chat
        assert chat is not None
        incoming = update.effective_message
        # A send that fails unseen is looked for after the chat's newest known message (the
        # typed one, or what the gate knew of the chat for a press: see bot/handlers/newest.py).
        place = ChatPlace(self.newest, turn.user_key)
        newest = max(incoming.message_id if incoming is not None else 0, place.newest())
        typed_id = update.message.message_id if update.message is not None else 0
        if reply.clear:
            await self.deleter.clear(bot, chat.id, newest)
            screen = for_phone(view, reply.screen)
            sent = await send_screen(bot, chat.id, screen, protect=view.protected, place=place)
            await self.deleter.later(chat.id, sent, CLEARED_NOTICE_SECONDS)
            return
        if reply.share is not None:
            sent = await send_share(bot, chat.id, view, reply.share, place)
        else:
            screen = for_phone(view, reply.screen)
            sent = await edit_or_send(
                bot, pressed, chat.id, screen, protect=view.protected, place=place
            )
        after = reply.state.disappear_after
        if after:
            typed = [typed_id] if typed_id else []
            await self.deleter.later(chat.id, [*typed, *sent], after)

    async def remember(self, turn: Turn, reply: Reply) -> None:
        """Save an explicit change of a choice, erase on /forget, count need lists."""
        today = self.clock().date()
        self.open_needs.set(turn.user_key, "" if reply.erase else reply.state.open_need)
        self.bad_dates.drafts.set(turn.user_key, None if reply.erase else reply.state.bad_date)
        if reply.erase:
            await self.store.forget(turn.user_key)
            return
        before, after = turn.state, reply.state
        wanted = Preferences(
            locale=after.locale if after.locale != before.locale else turn.saved.locale,
            region_id=after.region_id,
            disappear_after=after.disappear_after,
            protect=after.protect,
        )
        if wanted != turn.saved:
            await self.store.save_preferences(turn.user_key, wanted, today)
        if after.locale != before.locale:
            self.store.follow_language(turn.user_key, after.locale)
        if reply.counted_need is not None:
            await self.store.count(today, after.region_id, reply.counted_need, after.locale)
        if reply.counted_campaign is not None:
            await self.store.count_campaign_start(today, reply.counted_campaign)
        if reply.share is not None:
            await self.store.count_share(today, screens.shared_topic(reply.share), "share")

    async def apologise(self, update: Update, locale: str) -> None:
        """The generic apology, in the user's language, with the way back to the menu."""
        chat = update.effective_chat
        if chat is None or chat.type != Chat.PRIVATE:
            return
        view = self.conversation.view(UserState(locale), self.clock())
        apology = for_phone(view, screens.apology(view))
        try:
            await send_screen(update.get_bot(), chat.id, apology, place=self.place_of(update))
        except TelegramError as error:
            logger.warning("Could not send the apology: %s", describe_error(error))

    async def on_error(self, update: object, context: TurnContext) -> None:
        """Last resort for errors outside `reply` (the gate, the store): log safely, apologise."""
        logger.error("Update failed: %s", describe_error(context.error))
        if isinstance(update, Update):
            user = update.effective_user
            await self.apologise(update, self.fallback_locale(user.language_code if user else None))

    async def admins(self, turn: AdminTurn) -> None:
        """/admin: the admin commands, each with what it does."""
        lines = [(c.name, c.describe(turn.view)) for c in self.admin.commands.values()]
        await turn.show(screens.admin_help(turn.view, lines))

    async def stats(self, turn: AdminTurn) -> None:
        """/stats: the anonymous counts of the last weeks, small ones hidden."""
        since = self.clock().date() - dt.timedelta(days=STATS_DAYS)
        tables = await read_stats(self.store, since)
        await turn.show(screens.stats_screen(turn.view, since, tables.sections()))

    @staticmethod
    def turn(context: TurnContext) -> Turn:
        """The Turn the gate set for this update."""
        if context.turn is None:
            raise RuntimeError("the gate did not run for this update")
        return context.turn
