"""Configuration of `python -m bot run`, read strictly from environment variables."""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_API_URL = "https://api.telegram.org"
SECRET_FILE = "hash-secret"
SECRET_BYTES = 32
MIN_SECRET_LENGTH = 32
_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{20,80}\Z")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line saying which and how to fix it."""


@dataclass(frozen=True)
class Config:
    """Everything `run` needs, checked. `repr` hides the token and the secret."""

    token: str = field(repr=False)
    api_url: str
    content_dir: Path
    data_dir: Path
    admin_ids: frozenset[int]
    default_locale: str | None
    log_level: int
    hash_secret: bytes = field(repr=False)

    @property
    def base_url(self) -> str:
        """Where Bot API methods live; the library appends the token."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """Where files are downloaded from; the library appends the token."""
        return f"{self.api_url}/file/bot"

    @property
    def database_path(self) -> Path:
        """The SQLite file holding preferences and anonymous counts."""
        return self.data_dir / "waypoint.sqlite3"


def load_config(environ: Mapping[str, str]) -> Config:
    """The configuration from environment variables; raises ConfigError on the first problem.

    When HASH_SECRET is not given, a random one is kept in DATA_DIR (created owner-only).
    """
    token = environ.get("BOT_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "BOT_TOKEN is not set: ask @BotFather on Telegram for a token and set BOT_TOKEN,"
            " or try the whole conversation without Telegram with `python -m bot chat`."
        )
    if not _TOKEN.match(token):
        raise ConfigError(
            "BOT_TOKEN does not look like a bot token (digits, a colon, then letters):"
            " copy it again from @BotFather."
        )
    data_dir = Path(environ.get("DATA_DIR", "").strip() or "data")
    given_secret = environ.get("HASH_SECRET", "").strip()
    return Config(
        token=token,
        api_url=_api_url(environ.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL),
        content_dir=Path(environ.get("CONTENT_DIR", "").strip() or "content"),
        data_dir=data_dir,
        admin_ids=_admin_ids(environ.get("ADMIN_IDS", "")),
        default_locale=environ.get("DEFAULT_LOCALE", "").strip() or None,
        log_level=_log_level(environ.get("LOG_LEVEL", "").strip() or "INFO"),
        hash_secret=_secret(given_secret) if given_secret else load_or_create_secret(data_dir),
    )


def _api_url(value: str) -> str:
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = urlsplit(""), False
    # The token must never be part of this setting (it would end up in reprs and logs).
    path_ok = ":" not in parts.path and not any(
        segment.startswith("bot") for segment in parts.path.split("/")
    )
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not port_ok
        or not path_ok
        or parts.username is not None
        or any(mark in value for mark in "?# ")
    ):
        raise ConfigError(
            f"TELEGRAM_API_URL must be an http(s) address like {DEFAULT_API_URL}, without the"
            " token or /bot at the end."
        )
    return value.rstrip("/")


def _admin_ids(value: str) -> frozenset[int]:
    ids = set()
    for part in value.replace(",", " ").split():
        if not (part.isascii() and part.isdigit()):
            raise ConfigError(
                "ADMIN_IDS must be Telegram user ids (numbers) separated by commas,"
                " for example ADMIN_IDS=12345,67890."
            )
        ids.add(int(part))
    return frozenset(ids)


def _log_level(value: str) -> int:
    name = value.upper()
    if name not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}.")
    return logging.getLevelName(name)


def _secret(value: str) -> bytes:
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"HASH_SECRET must be at least {MIN_SECRET_LENGTH} characters; leave it unset to"
            " have one generated in DATA_DIR."
        )
    return value.encode("utf-8")


def load_or_create_secret(data_dir: Path) -> bytes:
    """The key for hashing user ids, kept in DATA_DIR; created (owner-only) on first run.

    Losing this file makes every saved preference unreachable, which is safe: people just
    choose their language and area again.
    """
    path = data_dir / SECRET_FILE
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(SECRET_BYTES))
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        value = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read or create the secret file {path} ({type(exc).__name__}):"
            " check that DATA_DIR is writable by this user."
        ) from None
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"the secret file {path} is damaged; delete it to have a new one made"
            " (saved preferences will be lost)."
        )
    return value.encode("ascii")
