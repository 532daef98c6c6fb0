"""Putting a screen on Telegram: new messages, or the pressed message edited in place; and
the QR code /share sends."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Awaitable, Callable

from telegram import Bot, CallbackQuery, Message
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.handlers.newest import ChatPlace
from bot.handlers.wire import (
    Keyboard,
    answer_press,
    button_json,
    edit_keyboard,
    edit_text,
    keyboard_of,
    send_text,
)
from bot.ui import screens
from bot.ui.actions import carries_words, encode
from bot.ui.deeplink import DeepLink
from bot.ui.links import qr_png, start_link
from bot.ui.render import Button, Screen, with_first_line
from bot.ui.screens import View

logger = logging.getLogger(__name__)

# Distinct keyboards are few (menus, lists, cards), so serialising each once saves time on
# every update that shows it again; and a keyboard with typed words in some buttons reuses
# its other buttons.
KEYBOARD_CACHE_SIZE = 4096
BUTTON_CACHE_SIZE = 1024
# Screens sent again while they are kept (a minute) are far fewer than the distinct keyboards.
KEPT_BY_IDENTITY = 1024


Rows = tuple[tuple[Button, ...], ...]


class _KeptByIdentity:
    """Serialised keyboards found by the identity of their buttons. A screen kept for the
    minute (`Conversation.drawn`) comes back with the very same buttons, and finding its
    keyboard by them avoids hashing every button's action (in Python, field by field), which
    cost more than the rest of sending the keyboard. Each entry holds its buttons, so their
    identity is not reused while it is kept; the oldest goes first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._by_id: dict[int, tuple[Rows, Keyboard]] = {}

    def get(self, buttons: Rows) -> Keyboard | None:
        """The keyboard kept for these very buttons, or None."""
        kept = self._by_id.get(id(buttons))
        return kept[1] if kept is not None and kept[0] is buttons else None

    def keep(self, buttons: Rows, markup: Keyboard) -> None:
        """Keep a keyboard (never one holding typed words) for these very buttons."""
        if len(self._by_id) >= self._size:
            del self._by_id[next(iter(self._by_id))]
        self._by_id[id(buttons)] = (buttons, markup)


_kept_by_identity = _KeptByIdentity(KEPT_BY_IDENTITY)


def keyboard(screen: Screen) -> Keyboard | None:
    """The screen's buttons as a serialised inline keyboard, or None when it has none. A
    button that carries typed words (a search) is never kept, nor a keyboard holding one
    (docs/privacy.md)."""
    buttons = screen.buttons
    if not buttons:
        return None
    markup = _kept_by_identity.get(buttons)
    if markup is not None:
        return markup
    if _holds_words(buttons):
        return keyboard_of([[_fresh_or_kept(b) for b in row] for row in buttons])
    markup = _markup(buttons)
    _kept_by_identity.keep(buttons, markup)
    return markup


def _holds_words(buttons: Rows) -> bool:
    # Loops, not `any` over a generator: asked of every keyboard sent.
    for row in buttons:
        for button in row:
            if carries_words(button.action):
                return True
    return False


def _fresh_or_kept(button: Button) -> str:
    return _button(button) if carries_words(button.action) else _kept_button(button)


def _button(button: Button) -> str:
    return button_json(button.label, encode(button.action))


_kept_button = functools.lru_cache(maxsize=BUTTON_CACHE_SIZE)(_button)


@functools.lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def _markup(buttons: Rows) -> Keyboard:
    return keyboard_of([[_kept_button(b) for b in row] for row in buttons])


async def send_screen(
    bot: Bot, chat_id: int, screen: Screen, *, protect: bool = False, place: ChatPlace | None = None
) -> list[int]:
    """Send every message of the screen, the buttons under the last one; their message ids.
    `protect` asks Telegram to block forwarding and saving them. `place` knows the chat's
    newest message id (or not); with it, a send that fails without saying whether it reached
    Telegram is looked for (see `find_lost_send`) instead of given up."""
    markup = keyboard(screen)
    last = len(screen.messages) - 1
    sent: list[int] = []
    for index, text in enumerate(screen.messages):
        buttons = markup if index == last else None
        send = functools.partial(send_text, bot, chat_id, text, buttons, protect=protect)
        sent.append(await _Send(bot, chat_id, buttons, send).deliver(place))
    return sent


# A lost send is looked for among this many ids after the chat's newest known message: the
# person's own later messages may come first (flood control lets few through).
PROBE_WINDOW = 8
# Sends of one message: the first and, each time the look shows it never arrived, more. At a
# quarter of calls failing, three tries left 1 failing send in 64 unanswered, six about 1 in
# 1,000 (seen once in 400 answers); ten, 1 in 260,000. DELIVERY_BUDGET_SECONDS bounds them.
SEND_TRIES = 10
# The whole delivery of one message (its sends, and the looks for those that failed), in
# seconds; past it the person gets the apology. Read timeouts (5 s each) use most of it.
DELIVERY_BUDGET_SECONDS = 60.0
_NOT_MODIFIED, _NOT_FOUND, _NOT_EDITABLE = (
    "message is not modified",
    "message to edit not found",
    "message can't be edited",
)


class LostSendUnknown(Exception):
    """The probe could not tell whether a failed send reached the chat."""


def outcome_unknown(error: TelegramError) -> bool:
    """Whether a failed call may have taken effect unseen: a server error, a timeout or a
    dropped connection (NetworkError but not BadRequest), or a reply that is not JSON."""
    if isinstance(error, BadRequest):
        return False
    if isinstance(error, NetworkError):
        return True
    return type(error) is TelegramError and "invalid server response" in error.message.lower()


class _Send:
    """One message to send (by `send`, which gives its id), found or sent again when a send
    fails unseen. `markup` is the keyboard it carries (None: none), which the look compares."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        markup: Keyboard | None,
        send: Callable[[], Awaitable[int]],
    ) -> None:
        self.bot, self.chat_id, self.markup, self.send = bot, chat_id, markup, send

    async def deliver(self, place: ChatPlace | None) -> int:
        """Its message id. With the chat's newest id known, every send that failed unseen is
        looked for: if it arrived, its id is taken; if not, it is sent again (up to SEND_TRIES
        and DELIVERY_BUDGET_SECONDS). Otherwise, or when the look cannot tell, the error is
        raised (the caller apologises)."""
        newest = place.newest() if place is not None else 0
        deadline = time.monotonic() + DELIVERY_BUDGET_SECONDS
        for attempt in range(1, SEND_TRIES + 1):
            try:
                message_id = await self.send()
            except TelegramError as error:
                if not newest or not outcome_unknown(error):
                    raise
                found = await self._look(place, newest, deadline, error)
                if found is not None:
                    message_id = found
                elif attempt == SEND_TRIES or time.monotonic() >= deadline:
                    logger.warning("A send failed %d time(s) and never arrived", attempt)
                    raise
                else:
                    logger.info("A send that failed unseen had not arrived; sending it again")
                    continue
            if place is not None:
                place.sent(message_id)
            return message_id
        raise AssertionError("unreachable")  # pragma: no cover

    async def _look(
        self, place: ChatPlace | None, newest: int, deadline: float, error: TelegramError
    ) -> int | None:
        """The id where the failed send landed, or None; raises `error` when the look cannot
        tell (and the place stops being a safe place to look after)."""
        try:
            found = await find_lost_send(
                self.bot, self.chat_id, self.markup, newest, deadline - time.monotonic()
            )
        except LostSendUnknown:
            logger.warning("A send failed unseen and the look for it could not tell")
            if place is not None:
                place.lost_track()
            raise error from None
        if found is not None:
            logger.info("A send that failed unseen had arrived; not sent again")
        return found


async def find_lost_send(
    bot: Bot, chat_id: int, markup: Keyboard | None, newest: int, budget: float
) -> int | None:
    """Where a send that failed unseen landed: its message id, or None when it is in none of
    the PROBE_WINDOW ids after `newest`. Raises LostSendUnknown when a probe cannot answer
    within `budget` seconds.

    Each probe sets a candidate message's reply markup to exactly the markup the lost send
    carried, which changes nothing for the message it is looking for: Telegram answers "message
    is not modified" only for a message of the bot's with that very markup; "message can't be
    edited" for the person's own; "message to edit not found" for an id not (or no longer)
    used. A private chat numbers the person's and the bot's messages in one increasing
    sequence, and this person's updates are answered one at a time, so the send is after
    `newest` and no other send of ours for this person is between."""
    deadline = time.monotonic() + budget
    for candidate in range(newest + 1, newest + 1 + PROBE_WINDOW):
        if await _probe(bot, chat_id, candidate, markup, deadline):
            return candidate
    return None


async def _probe(
    bot: Bot, chat_id: int, message_id: int, markup: Keyboard | None, deadline: float
) -> bool:
    """Whether `message_id` is a message of ours with exactly `markup`. A probe that fails
    unseen (its retries used up) is made again until `deadline`: an edit to the same markup
    can be repeated, and giving up here costs the person the apology."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LostSendUnknown
        try:
            async with asyncio.timeout(remaining):
                await edit_keyboard(bot, chat_id, message_id, markup)
        except BadRequest as error:
            text = error.message.lower()
            if _NOT_MODIFIED in text:
                return True
            if _NOT_FOUND in text or _NOT_EDITABLE in text:
                return False
            raise LostSendUnknown from error
        except TelegramError as error:
            if outcome_unknown(error):
                continue
            raise LostSendUnknown from error
        except TimeoutError as error:
            raise LostSendUnknown from error
        # It was ours with another markup (and now has this one): not the lost send.
        return False


# Answering a button press only stops the spinner on the person's phone, and Telegram refuses
# the answer ("query is too old") some seconds after the press. So it runs alongside the reply,
# not before it, and is given up this long after the press was taken: a slow answer must not
# hold up the reply, nor (the update staying unconfirmed) polling for everyone else.
ANSWER_BUDGET_SECONDS = 10.0


class Answering:
    """Answer the press while the body runs; afterwards wait for the answer only until
    ANSWER_BUDGET_SECONDS from the start, then give it up (its failures are ignored: the reply
    itself tells the person the press worked). A class rather than `asynccontextmanager`: its
    generator machinery cost more than the rest of this, on every press."""

    __slots__ = ("_answer", "_query", "_started")

    def __init__(self, query: CallbackQuery) -> None:
        self._query = query

    async def __aenter__(self) -> None:
        self._started = time.monotonic()
        self._answer = asyncio.ensure_future(_answer_quietly(self._query))
        await asyncio.sleep(0)  # the answer goes out first, as the person expects

    async def __aexit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        answer = self._answer
        if kind is not None:
            answer.cancel()
            return
        if answer.done():  # as it nearly always is by now
            return
        remaining = ANSWER_BUDGET_SECONDS - (time.monotonic() - self._started)
        _done, pending = await asyncio.wait({answer}, timeout=max(remaining, 0.0))
        for late in pending:
            late.cancel()


async def _answer_quietly(query: CallbackQuery) -> None:
    with contextlib.suppress(TelegramError):
        await answer_press(query.get_bot(), query.id)


async def edit_or_send(
    bot: Bot,
    pressed: Message | None,
    chat_id: int,
    screen: Screen,
    *,
    protect: bool = False,
    place: ChatPlace | None = None,
) -> list[int]:
    """Replace the pressed message with a one-message screen; otherwise send it anew. Returns
    the ids of messages sent anew (an edited message keeps its id and its schedule).

    A long screen (several messages) is sent as new messages so the page reads in order.
    """
    if pressed is not None and pressed.text is not None and len(screen.messages) == 1:
        try:
            await edit_text(bot, chat_id, pressed.message_id, screen.messages[0], keyboard(screen))
            return []
        except BadRequest as error:
            # Pressing the button of the screen already shown changes nothing: that is fine.
            if "not modified" in error.message.lower():
                return []
            # Otherwise the message is too old or gone: fall through and send the screen anew.
    return await send_screen(bot, chat_id, screen, protect=protect, place=place)


def for_phone(view: View, screen: Screen) -> Screen:
    """A screen as it goes to Telegram: every message starts with the same neutral line, so a
    lock-screen preview does not show what it is about."""
    return with_first_line(screen, view.tr.pgettext("preview", "Waypoint"))


async def send_share(
    bot: Bot, chat_id: int, view: View, link: DeepLink, place: ChatPlace | None = None
) -> list[int]:
    """/share: the QR code of the link, with the line to forward as its caption, then the
    screen with the link. The QR message is never forward-protected: it is made to be passed
    on, and it holds nothing about the person. Returns the ids of the messages sent; both are
    looked for, like any screen, when a send fails unseen."""
    url = start_link(bot.username, link)
    caption = screens.share_line(view, url)

    async def send_photo() -> int:
        return (await bot.send_photo(chat_id, qr_png(url), caption=caption)).message_id

    photo = await _Send(bot, chat_id, None, send_photo).deliver(place)
    screen = for_phone(view, screens.share_screen(view, url))
    sent = await send_screen(bot, chat_id, screen, protect=view.protected, place=place)
    return [photo, *sent]
