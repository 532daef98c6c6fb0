"""`python -m bot run`: the content loaded for a start (from the compiled cache), then the bot
answering on Telegram until stopped. Kept apart from the other commands (bot/cli.py), so that
the running bot loads none of their code: `python -m bot run` comes here straight from
bot/__main__.py."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import TextIO

from telegram.error import InvalidToken, NetworkError

from bot.cache_compiler import CacheCompiler
from bot.config import Config, ConfigError, WebhookError, load_config
from bot.content_cache import ContentCache, load_through_cache
from bot.domain.load_result import LoadResult
from bot.domain.models import Content
from bot.i18n import available_locales
from bot.live import Handover, compiled_first, frozen_when_loaded
from bot.logs import configure_logging
from bot.store import StoreError

# At exit, how long a cache still being compiled may take before it is ended (the next
# start then compiles it again).
COMPILER_PATIENCE_AT_EXIT_S = 5.0


def shipped_locales(content: Content) -> tuple[str, ...]:
    """Locales with both an interface translation and content."""
    return tuple(locale for locale in available_locales() if locale in content.locales)


def print_errors(result: LoadResult, err: TextIO) -> None:
    """The errors that stop content from being used, and where to see the full report."""
    for problem in result.problems.errors:
        err.write(f"{problem}\n")
    err.write("The content has errors; run `python -m bot validate` for the full report.\n")


def leave_out_the_web_server() -> None:
    """Have python-telegram-bot go without tornado, as it does when tornado is not installed.
    Why: it imports tornado whenever it can, for a webhook server we never use (webhook mode
    is bot/webhook.py's), and that is 3.8 MiB of a bot that polls. None in `sys.modules`
    makes an import fail (Python's documented rule); only webhook mode needs tornado, and
    the check is made before anything imports it."""
    if "tornado" not in sys.modules:
        sys.modules["tornado"] = None  # type: ignore[assignment]


def start_up_catalog(config: Config, err: TextIO) -> tuple[Handover | None, CacheCompiler]:
    """The catalog to start with, to hand over to the bot (None after printing the content's
    errors), from the compiled
    cache in DATA_DIR when the content and the code are those it was compiled from. Without
    one, the compiler writes it first (in another process, see `compiled_first`) and the bot
    reads it; only if that fails (files changing meanwhile, no process) does the bot load the
    files itself, then has the compiler write the cache for next time."""
    cache = ContentCache.in_data_dir(config.data_dir, config.hash_secret)
    compiler = CacheCompiler(config.content_dir, cache)
    loaded = compiled_first(config.content_dir, cache, compiler)
    if loaded is None:
        with frozen_when_loaded():
            loaded = load_through_cache(config.content_dir, cache)
    if loaded.catalog is None:
        print_errors(loaded.result, err)
        return None, compiler
    if loaded.fresh is not None:
        compiler.start()
    return Handover(loaded.catalog), compiler


def run(err: TextIO) -> int:
    """Answer on Telegram until stopped; 2 for a bad setting, 1 when it cannot start."""
    try:
        config = load_config(os.environ)
    except ConfigError as error:
        err.write(f"{error}\n")
        return 2
    secrets = (config.token, config.hash_secret.decode(), config.webhook_secret)
    configure_logging(config.log_level, secrets=tuple(s for s in secrets if s))
    first, compiler = start_up_catalog(config, err)
    try:
        return _serve(config, first, err) if first is not None else 1
    finally:
        compiler.stop(patience=COMPILER_PATIENCE_AT_EXIT_S)


def _serve(config: Config, first: Handover, err: TextIO) -> int:
    """Answer with the catalog handed over until stopped; 2 for a bad setting, 1 when it
    cannot start."""
    locales = shipped_locales(first.content)
    default = config.default_locale or first.content.default_locale
    if default not in locales:
        err.write(f"DEFAULT_LOCALE {default}: not available; choose one of: {', '.join(locales)}\n")
        return 2
    if not config.webhook_url:
        leave_out_the_web_server()
    from bot.app import serve  # after the line above: it imports python-telegram-bot's ext

    try:
        asyncio.run(serve(config, first, locales, default))
    except InvalidToken:
        err.write("Telegram refused BOT_TOKEN: copy it again from @BotFather.\n")
        return 1
    except NetworkError as error:
        err.write(
            f"Cannot reach the Bot API at {config.api_url} ({type(error).__name__}):"
            " check the network or TELEGRAM_API_URL.\n"
        )
        return 1
    except (StoreError, WebhookError) as error:
        err.write(f"{error}\n")
        return 1
    return 0
