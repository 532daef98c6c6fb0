"""Logging that cannot carry personal data: no message text, ids, names, coordinates or token.

Our own log calls only ever pass counts and type names. Libraries are less careful (at DEBUG,
python-telegram-bot logs every request with its parameters and httpx logs URLs holding the
token), so their records are held at a safe level, stripped of their arguments, and any text
that still reaches a handler has the token blanked out.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterable
from types import TracebackType
from typing import TextIO

# Below these levels, the named libraries log request parameters, URLs, raw updates or SQL
# parameters (which hold user keys).
LIBRARY_FLOORS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiosqlite": logging.INFO,
    # Below WARNING tornado (the webhook server) logs a line per request.
    "tornado": logging.WARNING,
}
OWN_LOGGER = "bot"
REDACTED = "[redacted]"


def describe_error(error: BaseException | None) -> str:
    """An exception as type names and code locations only: its message may hold user data."""
    if error is None:
        return "unknown error"
    parts = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append(f"{type(current).__name__} at {_where(current.__traceback__)}")
        current = current.__cause__ or current.__context__
    return "; caused by ".join(parts)


def _where(tb: TracebackType | None) -> str:
    frames = traceback.extract_tb(tb)[-3:]
    return " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[::-1])


class PrivacyFilter(logging.Filter):
    """Keeps only the fixed template of library records, and blanks secrets everywhere."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        own = record.name == OWN_LOGGER or record.name.startswith(f"{OWN_LOGGER}.")
        if not own and record.args:
            # A library's arguments may be an update, a request or a URL: keep the template.
            record.msg = f"{record.msg} [arguments withheld]"
            record.args = None
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # A wrong format string must not break the update being answered.
            message = f"{record.msg} [unformattable]"
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{message}: {describe_error(record.exc_info[1])}"
        record.exc_info = None
        record.exc_text = None
        for secret in self.secrets:
            message = message.replace(secret, REDACTED)
        record.msg, record.args = message, None
        return True


def privacy_handler(stream: TextIO, secrets: Iterable[str] = ()) -> logging.Handler:
    """A handler writing to `stream` with the privacy filter on every record."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter(secrets))
    return handler


def set_levels(level: int) -> None:
    """Log at `level`, except libraries that would log personal data below their floor."""
    logging.getLogger().setLevel(level)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(level, floor))


def configure_logging(level: int, secrets: Iterable[str] = (), stream: TextIO = sys.stderr) -> None:
    """Log only through the privacy handler, to `stream`, at `level` (library floors kept)."""
    logging.getLogger().handlers[:] = [privacy_handler(stream, secrets)]
    set_levels(level)
