"""The one place that builds the Telegram Application, and what runs it: our own long polling
(bot/polling.py) or webhook (bot/webhook.py) feeding a dispatcher (bot/dispatch.py) that keeps
each person's updates in order, and Bot API calls that retry what is safe to retry
(bot/retrying_request.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
import ssl
from typing import Any

import httpx
from telegram import Bot, BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, Defaults, Job
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Config
from bot.content_cache import ContentCache
from bot.content_files import PreviousVersions
from bot.dispatch import Dispatcher, FloodGate
from bot.handlers.alert_sender import AlertSender
from bot.handlers.context import TurnContext
from bot.handlers.handlers import Handlers
from bot.handlers.publishing import Publisher, previous_folder
from bot.i18n import translator
from bot.live import Handover, LiveContent
from bot.logs import describe_error
from bot.policy import COUNTS_WRITTEN_EVERY_SECONDS
from bot.polling import Poller
from bot.retrying_request import RetryingRequest
from bot.sealed import ChatSeal
from bot.store import Store
from bot.ui.commands import command_menu
from bot.ui.conversation import Conversation
from bot.ui.screens import View
from bot.ui.state import UserState
from bot.user_keys import UserKeys

logger = logging.getLogger(__name__)

# Updates answered at once. Each answer waits mostly on Telegram, so many can overlap;
# one connection each (and one for polling) keeps a slow reply from holding up the others.
CONCURRENT_UPDATES = 64
CONNECTION_POOL_SIZE = CONCURRENT_UPDATES + 1
POOL_TIMEOUT = 10.0
# The alert sender has its own Bot and connections: a broadcast never takes one from a reply.
ALERT_CONNECTIONS = 2
UPDATE_CONNECTIONS = 2
# Inline queries need inline mode on in BotFather (/setinline); chosen inline results arrive
# only with inline feedback on (/setinlinefeedback), and are only counted.
ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.INLINE_QUERY,
    Update.CHOSEN_INLINE_RESULT,
)


class WaypointApplication(Application[Any, TurnContext, Any, Any, Any, Any]):
    """python-telegram-bot's Application, minus its notes for a persistence the bot has none
    of: for every update it adds the chat's and the user's id, in clear, to two sets that only
    a persistence ever empties. They would hold the id of everyone who ever wrote, for the life
    of the process (DESIGN section 6), and grow with each new person. The method is private:
    python-telegram-bot is pinned to 22, and tests/test_nothing_stays_in_memory.py finds any
    id left behind."""

    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Job | None = None
    ) -> None:
        return


def build_application(
    config: Config,
    handlers: Handlers,
    *,
    request: BaseRequest | None = None,
    tls: ssl.SSLContext | None = None,
) -> WaypointApplication:
    """The Application with every handler registered (no updater: see `serve`).

    `request` replaces the HTTP client (tests pass a recording one); without it, the pool is
    sized for many users at once, and servers are checked with `tls` (else a context of its
    own). Either way calls go through the retry rules.
    """
    inner: BaseRequest
    for_updates: BaseRequest
    if request is None:
        tls = tls or httpx.create_ssl_context()
        # getUpdates has its own client: a long poll never takes an answer's connection. Two
        # connections, so the call confirming the last updates at shutdown never waits on the
        # long poll it abandoned; and the same retry rules as every other call.
        inner, for_updates = (
            http_client(CONNECTION_POOL_SIZE, tls),
            http_client(UPDATE_CONNECTIONS, tls),
        )
    else:
        inner = for_updates = request
    builder = (
        Application.builder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(context=TurnContext))
        .request(RetryingRequest(inner))
        .get_updates_request(RetryingRequest(for_updates))
        .updater(None)
        .job_queue(None)
        .application_class(WaypointApplication)
    )
    application = builder.build()
    assert isinstance(application, WaypointApplication)  # the class the builder was given
    handlers.register(application)
    return application


def http_client(connections: int, tls: ssl.SSLContext) -> HTTPXRequest:
    """A Bot API client with a pool of `connections`, checking servers with `tls`. The bot's
    clients share one context: each context loads every certificate authority again (0.8 MiB
    of a running bot's memory each)."""
    return HTTPXRequest(
        connection_pool_size=connections, pool_timeout=POOL_TIMEOUT, httpx_kwargs={"verify": tls}
    )


async def register_commands(application: WaypointApplication, handlers: Handlers) -> None:
    """The command list for each shipped language, and the default language's as a fallback."""
    bot = application.bot
    registered: set[str] = set()
    try:
        for locale in handlers.conversation.locales:
            language = telegram_language(locale)
            if language in registered:
                continue
            registered.add(language)
            await bot.set_my_commands(_commands(locale), language_code=language)
        await bot.set_my_commands(_commands(handlers.default_locale))
    except TelegramError as error:
        # Commands still work without the list; a later start registers it again.
        logger.warning("Could not register the command list: %s", describe_error(error))


def telegram_language(locale: str) -> str:
    """The two-letter ISO 639-1 code Telegram takes for a locale's command list. Simplified
    and Traditional Chinese share "zh" there (the first shipped, zh_Hans, is registered; a
    zh_Hant reader sees its commands in Simplified characters); Filipino is "tl"."""
    language = locale.split("_")[0]
    return {"fil": "tl"}.get(language, language)


def _commands(locale: str) -> list[BotCommand]:
    return [BotCommand(name, text) for name, text in command_menu(translator(locale))]


def build_dispatcher(
    application: WaypointApplication, handlers: Handlers, config: Config
) -> Dispatcher:
    """The dispatcher that feeds updates to `application` (per person in order, floods cut)."""
    return Dispatcher(
        process=application.process_update,
        person_of=handlers.person_of,
        flood=FloodGate(config.flood_limit, config.flood_window),
        on_flood=handlers.flood_notice,
        concurrency=CONCURRENT_UPDATES,
        key_of_user=handlers.keys.key_for,
    )


async def serve(config: Config, first: Handover, locales: tuple[str, ...], default: str) -> None:
    """Answer updates by long polling (or by webhook, when WEBHOOK_URL is set) until SIGINT or
    SIGTERM, from the catalog handed over on (and those of reloads); then finish what is in
    hand within the stop grace and confirm only what was handled."""
    store = await Store.open(config.database_path)
    try:
        handlers = Handlers(
            # Only the handlers hold the conversation and its catalog: a reload replaces both.
            Conversation(
                first.take(),
                locales,
                retention_days=config.retention_days,
                protect_default=config.protect_content,
            ),
            store,
            UserKeys(config.hash_secret),
            default,
            admin_ids=config.admin_ids,
            unsafe_rule=config.unsafe_rule,
            content_dir=config.content_dir,
            report_chat_id=config.report_chat_id,
        )
        publisher = attach_publisher(handlers, config)
        # What httpx would make for each client (certifi's authorities, or SSL_CERT_FILE's).
        tls = httpx.create_ssl_context()
        application = build_application(config, handlers, tls=tls)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        async with application:
            await register_commands(application, handlers)
            dispatcher = build_dispatcher(application, handlers, config)
            beside = run_beside(application.bot, handlers, publisher, config, stop, tls)
            try:
                await _receive(application, dispatcher, config, stop)
            finally:
                stop.set()
                for task in beside:
                    await task
            logger.info("Stopped")
    finally:
        await store.close()


def run_beside(
    bot: Bot,
    handlers: Handlers,
    publisher: Publisher,
    config: Config,
    stop: asyncio.Event,
    tls: ssl.SSLContext,
) -> list[asyncio.Task[None]]:
    """Start what runs beside answering updates, each until `stop`."""
    return [
        # Messages due to disappear go on being deleted (overdue ones first) while we run.
        asyncio.create_task(handlers.deleter.run(bot, stop)),
        # Edits to the content folder are served as soon as they load without errors.
        asyncio.create_task(publisher.watch(bot, stop)),
        # Safety alerts in the outbox (published here or from the command line) go out.
        asyncio.create_task(send_alerts(config, handlers, stop, tls)),
        # Anonymous counts are added up in memory and written now and then.
        asyncio.create_task(write_counts(handlers.store, stop)),
    ]


def alert_sender(config: Config, handlers: Handlers) -> AlertSender:
    """The outbox sender, drawing alerts in each subscriber's language with current content."""

    def view_for(locale: str) -> View:
        state = UserState(
            locale if locale in handlers.conversation.locales else handlers.default_locale
        )
        return handlers.conversation.view(state, handlers.clock())

    return AlertSender(
        handlers.store,
        ChatSeal(handlers.keys.secret),
        view_for,
        rate=config.alert_rate,
        newest=handlers.newest,
    )


async def send_alerts(
    config: Config, handlers: Handlers, stop: asyncio.Event, tls: ssl.SSLContext
) -> None:
    """Run the alert sender on a Bot of its own (its own connection pool, the same `tls`)
    until `stop`."""
    bot = alert_bot(config, tls)
    try:
        async with bot:
            await alert_sender(config, handlers).run(bot, stop)
    except TelegramError as error:  # Telegram unreachable at start: the bot answers all the same
        logger.error("The alert sender could not start: %s", describe_error(error))


def alert_bot(config: Config, tls: ssl.SSLContext) -> Bot:
    """The alert sender's Bot: one client of its own, checking servers with `tls`. It never asks
    for updates, so that slot holds the same client: left empty, python-telegram-bot would make
    a default one, with a TLS context loading every certificate authority again."""
    client = http_client(ALERT_CONNECTIONS, tls)
    return Bot(config.token, base_url=config.base_url, request=client, get_updates_request=client)


async def write_counts(
    store: Store, stop: asyncio.Event, every: float = COUNTS_WRITTEN_EVERY_SECONDS
) -> None:
    """Write the counts added up in memory every `every` seconds until `stop` (what is left
    then is written when the store closes), and any checkpoint an erasure still owes. A failed
    write keeps them for the next one."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        try:
            await store.settle()
        except sqlite3.Error as error:
            logger.error("Could not write the counts: %s", type(error).__name__)


def attach_publisher(handlers: Handlers, config: Config) -> Publisher:
    """Live content for `handlers`: reloads of CONTENT_DIR swap their catalog, and admins
    get /reload, /rollback and uploads (earlier versions kept in DATA_DIR)."""
    cache = ContentCache.in_data_dir(config.data_dir, config.hash_secret)
    catalog = handlers.conversation.catalog
    live = LiveContent(config.content_dir, catalog, handlers.use_catalog, cache)
    previous = PreviousVersions(previous_folder(config.data_dir))
    publisher = Publisher(live, handlers.admin, previous, handlers.clock)
    publisher.register()
    return publisher


async def _receive(
    application: WaypointApplication, dispatcher: Dispatcher, config: Config, stop: asyncio.Event
) -> None:
    """Take updates by webhook when WEBHOOK_URL is set, else by long polling, until `stop`."""
    if config.webhook_url:
        # Imported only here: long polling runs without the web server (see bot/run.py).
        from bot.webhook import serve_webhook

        await serve_webhook(application.bot, dispatcher, config, ALLOWED_UPDATES, stop)
        return
    # Telegram refuses getUpdates while a webhook is set (after webhook mode, say); removing
    # it keeps the updates it holds for us.
    await application.bot.delete_webhook(drop_pending_updates=False)
    poller = Poller(application.bot, dispatcher, ALLOWED_UPDATES)
    logger.info("Waiting for updates (long polling)")
    await poller.run(stop, config.stop_grace)
