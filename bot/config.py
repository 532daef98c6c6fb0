"""Configuration of `python -m bot run`, read strictly from environment variables."""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import re
import secrets
import stat
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.domain.upkeep import DEFAULT_UNSAFE_LIMIT, DEFAULT_UNSAFE_WINDOW_DAYS, UnsafeRule

DEFAULT_API_URL = "https://api.telegram.org"
SECRET_FILE = "hash-secret"
DATABASE_FILE = "waypoint.sqlite3"
SECRET_BYTES = 32
MIN_SECRET_LENGTH = 32  # bytes of UTF-8
MIN_SECRET_BITS = 64  # by `secret_strength`; random 32-character secrets score 75 or more
MAX_SECRET_FILE_BYTES = 4096
MAKE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
DATA_DIR_MODE = 0o700

DEFAULT_STOP_GRACE = 8.0
DEFAULT_FLOOD_LIMIT = 20
DEFAULT_FLOOD_WINDOW = 60.0
DEFAULT_ALERT_RATE = 25.0  # under Telegram's 30 messages a second
DEFAULT_RETENTION_DAYS = 90
DEFAULT_PROTECT_CONTENT = False
MAX_UNSAFE_LIMIT = 1000
DEFAULT_WEBHOOK_LISTEN = "0.0.0.0"
DEFAULT_WEBHOOK_PORT = 8443
WEBHOOK_URL_PORTS = (443, 80, 88, 8443)  # the only ports Telegram delivers webhooks to
WEBHOOK_SETTINGS = ("WEBHOOK_SECRET", "WEBHOOK_LISTEN", "WEBHOOK_PORT")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}\Z")  # what Telegram accepts
_HOST = re.compile(r"(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+\.?\Z|\[[0-9A-Fa-f:.]+\]\Z")
_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{20,80}\Z")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_WHOLE = re.compile(r"[0-9]{1,9}\Z")
_DECIMAL = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?\Z")
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line saying which and how to fix it."""


class WebhookError(Exception):
    """Webhook mode could not start; the message is one line saying why and what to change.
    (Here, not in bot/webhook.py, so that catching it does not import the web server.)"""


@dataclass(frozen=True)
class Config:
    """Everything `run` needs, checked. `repr` hides the token and the secrets.

    The fields after `hash_secret` have defaults, so a Config can be built without them.
    """

    token: str = field(repr=False)
    api_url: str
    content_dir: Path
    data_dir: Path
    admin_ids: frozenset[int]
    default_locale: str | None
    log_level: int
    hash_secret: bytes = field(repr=False)
    # Seconds to finish the updates in hand after SIGTERM or SIGINT.
    stop_grace: float = DEFAULT_STOP_GRACE
    # Flood control: at most `flood_limit` updates per person per `flood_window` seconds.
    flood_limit: int = DEFAULT_FLOOD_LIMIT
    flood_window: float = DEFAULT_FLOOD_WINDOW
    # Days an unused language and area choice is kept.
    retention_days: int = DEFAULT_RETENTION_DAYS
    # The deployment's default for Telegram's protect_content (no forwarding or saving).
    protect_content: bool = DEFAULT_PROTECT_CONTENT
    # Webhook mode (bot/webhook.py) instead of long polling when `webhook_url` is set: Telegram
    # posts updates to that address, which reaches `webhook_listen`:`webhook_port`, and proves
    # it is Telegram with `webhook_secret` in a header.
    webhook_url: str | None = None
    webhook_listen: str = DEFAULT_WEBHOOK_LISTEN
    webhook_port: int = DEFAULT_WEBHOOK_PORT
    webhook_secret: str | None = field(default=None, repr=False)
    # Admins are told at once when a listing is reported unsafe more than `limit` times within
    # `window_days` days (UNSAFE_REPORT_LIMIT, UNSAFE_REPORT_WINDOW_DAYS).
    unsafe_rule: UnsafeRule = field(default_factory=UnsafeRule)
    # Where anonymous bad-date reports go (REPORT_CHAT_ID); None: each admin's private chat.
    report_chat_id: int | None = None
    # Safety alerts go out at most this many a second, all chats together (ALERT_RATE).
    alert_rate: float = DEFAULT_ALERT_RATE

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
        return self.data_dir / DATABASE_FILE


def load_config(environ: Mapping[str, str]) -> Config:
    """The configuration from environment variables; raises ConfigError on the first problem.

    The key for hashing user ids comes from HASH_SECRET, or from the file HASH_SECRET_FILE
    names (outside DATA_DIR), or else is generated into DATA_DIR (created owner-only). An
    existing DATA_DIR open to other users is tightened to 0700 when it is ours, else refused.
    Nothing is written before every other setting has been checked.
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
    api_url = _api_url(environ.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL)
    content_dir = Path(environ.get("CONTENT_DIR", "").strip() or "content")
    admin_ids = _admin_ids(environ.get("ADMIN_IDS", ""))
    report_chat_id = _report_chat_id(environ.get("REPORT_CHAT_ID", "").strip())
    default_locale = environ.get("DEFAULT_LOCALE", "").strip() or None
    log_level = _log_level(environ.get("LOG_LEVEL", "").strip() or "INFO")
    stop_grace = _seconds(environ, "STOP_GRACE_SECONDS", DEFAULT_STOP_GRACE, 0, 60, above=True)
    flood_limit = _whole(environ, "FLOOD_LIMIT", DEFAULT_FLOOD_LIMIT, 1, 1000)
    flood_window = _seconds(environ, "FLOOD_WINDOW_SECONDS", DEFAULT_FLOOD_WINDOW, 1, 3600)
    retention_days = _whole(environ, "RETENTION_DAYS", DEFAULT_RETENTION_DAYS, 1, 3650)
    protect_content = _flag(environ, "PROTECT_CONTENT", DEFAULT_PROTECT_CONTENT)
    webhook_url, webhook_listen, webhook_port, webhook_secret = _webhook(environ, token)
    unsafe_rule = UnsafeRule(
        _whole(environ, "UNSAFE_REPORT_LIMIT", DEFAULT_UNSAFE_LIMIT, 0, MAX_UNSAFE_LIMIT),
        _whole(environ, "UNSAFE_REPORT_WINDOW_DAYS", DEFAULT_UNSAFE_WINDOW_DAYS, 1, 365),
    )
    return Config(
        token=token,
        api_url=api_url,
        content_dir=content_dir,
        data_dir=data_dir,
        admin_ids=admin_ids,
        default_locale=default_locale,
        log_level=log_level,
        stop_grace=stop_grace,
        flood_limit=flood_limit,
        flood_window=flood_window,
        retention_days=retention_days,
        protect_content=protect_content,
        webhook_url=webhook_url,
        webhook_listen=webhook_listen,
        webhook_port=webhook_port,
        webhook_secret=webhook_secret,
        unsafe_rule=unsafe_rule,
        report_chat_id=report_chat_id,
        alert_rate=_alert_rate(environ.get("ALERT_RATE", "").strip()),
        # Last: the only step that may write (a generated secret, DATA_DIR made owner-only).
        hash_secret=_hash_secret(environ, data_dir),
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


def _webhook(environ: Mapping[str, str], token: str) -> tuple[str | None, str, int, str | None]:
    """WEBHOOK_URL, WEBHOOK_LISTEN, WEBHOOK_PORT and WEBHOOK_SECRET, checked. Without
    WEBHOOK_URL (long polling) the others must not be set: they would silently do nothing."""
    url = environ.get("WEBHOOK_URL", "").strip()
    if not url:
        for name in WEBHOOK_SETTINGS:
            if environ.get(name, "").strip():
                raise ConfigError(
                    f"{name} is set but WEBHOOK_URL is not: set WEBHOOK_URL to receive updates"
                    f" by webhook, or remove {name} to use long polling."
                )
        return None, DEFAULT_WEBHOOK_LISTEN, DEFAULT_WEBHOOK_PORT, None
    _check_webhook_url(url, token)
    secret = _webhook_secret(environ.get("WEBHOOK_SECRET", "").strip())
    if secret in url or secret in unquote(url):
        raise ConfigError(
            "WEBHOOK_URL contains WEBHOOK_SECRET: keep the secret out of the address (Telegram"
            " sends it in a header), and make a new secret since this one may have been seen."
        )
    listen = _listen_address(environ.get("WEBHOOK_LISTEN", "").strip() or DEFAULT_WEBHOOK_LISTEN)
    port = _whole(environ, "WEBHOOK_PORT", DEFAULT_WEBHOOK_PORT, 1, 65535)
    return url, listen, port, secret


def _check_webhook_url(value: str, token: str) -> None:
    """An https address Telegram can post to; the error never shows it (it may hold secrets)."""
    example = "https://bot.example.org/telegram"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        parts, port = urlsplit(""), -1
    if (
        parts.scheme != "https"
        or not value.isascii()
        or not value.isprintable()
        or any(mark in value for mark in "?#@\\ ")
        or not _HOST.match(parts.netloc.rsplit(":", 1)[0] if port is not None else parts.netloc)
        or port == -1
    ):
        raise ConfigError(
            f"WEBHOOK_URL must be an https address like {example}, without a user name,"
            " password, query (?) or fragment (#)."
        )
    if port is not None and port not in WEBHOOK_URL_PORTS:
        raise ConfigError(
            "WEBHOOK_URL must use port 443, 80, 88 or 8443 (Telegram posts to no other), like"
            " https://bot.example.org:8443/telegram; WEBHOOK_PORT may differ behind a proxy."
        )
    secret_part = token.partition(":")[2]
    if any(secret_part in text for text in (value, unquote(value))):
        raise ConfigError(
            "WEBHOOK_URL contains the bot token: choose an address without it (WEBHOOK_SECRET"
            " is what proves a request comes from Telegram), and consider revoking the token"
            " with @BotFather if the address was shared."
        )


def _webhook_secret(value: str) -> str:
    """WEBHOOK_SECRET: Telegram's alphabet and length, and as hard to guess as HASH_SECRET."""
    if not value:
        raise ConfigError(
            "WEBHOOK_SECRET is not set: webhook mode needs it so that only Telegram can send"
            f" updates; make one with `{MAKE_SECRET}`."
        )
    if not _WEBHOOK_SECRET.match(value):
        raise ConfigError(
            "WEBHOOK_SECRET may hold only letters A-Z and a-z, digits, _ and - (at most 256),"
            f" as Telegram requires: make one with `{MAKE_SECRET}`."
        )
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"WEBHOOK_SECRET must be at least {MIN_SECRET_LENGTH} characters long: make one"
            f" with `{MAKE_SECRET}`."
        )
    if secret_strength(value) < MIN_SECRET_BITS:
        raise ConfigError(
            "WEBHOOK_SECRET is too easy to guess (it repeats itself, runs in sequence or uses"
            f" too few different characters): make one with `{MAKE_SECRET}`."
        )
    return value


def _listen_address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise ConfigError(
            "WEBHOOK_LISTEN must be an IP address to listen on, for example"
            f" WEBHOOK_LISTEN={DEFAULT_WEBHOOK_LISTEN} (every interface, the default) or"
            " 127.0.0.1 (behind a reverse proxy on this machine)."
        ) from None


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


def _report_chat_id(value: str) -> int | None:
    if not value:
        return None
    digits = value.removeprefix("-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 16 and int(digits) != 0):
        raise ConfigError(
            "REPORT_CHAT_ID must be one Telegram chat id (a number; a group's starts with -),"
            " for example REPORT_CHAT_ID=-1001234567890; leave it unset to send reports to"
            " each admin's private chat. docs/reports-from-the-street.md shows how to find it."
        )
    return int(value)


def _log_level(value: str) -> int:
    name = value.upper()
    if name not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}.")
    return logging.getLevelName(name)


def _whole(environ: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not (_WHOLE.match(value) and low <= int(value) <= high):
        raise ConfigError(
            f"{name} must be a whole number from {low} to {high}, for example"
            f" {name}={default} (the default)."
        )
    return int(value)


def _seconds(
    environ: Mapping[str, str],
    name: str,
    default: float,
    low: float,
    high: float,
    *,
    above: bool = False,
) -> float:
    """A number of seconds from `low` (or above it, when `above`) to `high`."""
    value = environ.get(name, "").strip()
    if not value:
        return default
    number = float(value) if _DECIMAL.match(value) else math.nan
    if not (low < number <= high if above else low <= number <= high):
        bounds = f"above {low:g} and at most {high:g}" if above else f"from {low:g} to {high:g}"
        raise ConfigError(
            f"{name} must be a number of seconds {bounds} (like 2.5), for example"
            f" {name}={default:g} (the default)."
        )
    return number


def _alert_rate(value: str) -> float:
    """ALERT_RATE: messages a second, above 0 and at most Telegram's 30."""
    if not value:
        return DEFAULT_ALERT_RATE
    number = float(value) if _DECIMAL.match(value) else math.nan
    if not 0 < number <= 30:
        raise ConfigError(
            "ALERT_RATE must be a number of messages a second above 0 and at most 30 (Telegram's"
            f" limit), for example ALERT_RATE={DEFAULT_ALERT_RATE:g} (the default)."
        )
    return number


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in _TRUE + _FALSE:
        raise ConfigError(
            f"{name} must be true or false (or yes/no, 1/0), for example"
            f" {name}={str(default).lower()} (the default)."
        )
    return value in _TRUE


# The hashing secret


def _hash_secret(environ: Mapping[str, str], data_dir: Path) -> bytes:
    """The key from HASH_SECRET or HASH_SECRET_FILE, else the one kept in DATA_DIR."""
    given = environ.get("HASH_SECRET", "").strip()
    given_file = environ.get("HASH_SECRET_FILE", "").strip()
    if given and given_file:
        raise ConfigError(
            "HASH_SECRET and HASH_SECRET_FILE are both set: keep only one (HASH_SECRET_FILE"
            " keeps the secret out of the environment)."
        )
    if not (given or given_file):
        return load_or_create_secret(data_dir)
    secret = (
        _checked_secret(given, "HASH_SECRET")
        if given
        else read_secret_file(Path(given_file), data_dir)
    )
    # No secret goes into DATA_DIR, so it is not created here (the store creates it 0700), but
    # an existing one is checked like a generated secret's folder.
    if os.path.lexists(data_dir):
        check_data_dir(data_dir)
    return secret


def secret_strength(text: str) -> float:
    """Estimated bits of entropy in `text`: low for anything repeated, patterned or uniform.

    The smaller of two Shannon estimates, one over the characters (low for few different ones)
    and one over the steps between neighbouring code points (low for runs like aaaa and
    sequences like abcd or 0123); 0 for one block repeated (abcabcab). Random secrets score
    near their real entropy: 32 hex digits (128 bits) about 115, never below 85 in a million
    tries; 32 decimal digits about 100, never below 75; 64 hex digits about 245;
    token_urlsafe(48) about 330.
    """
    if len(text) < 2 or _smallest_period(text) <= len(text) // 2:
        return 0.0
    steps = [ord(b) - ord(a) for a, b in pairwise(text)]
    return min(_shannon_bits(text), _shannon_bits(steps))


def _shannon_bits(items: str | list[int]) -> float:
    total = len(items)
    return -sum(n * math.log2(n / total) for n in Counter(items).values())


def _smallest_period(text: str) -> int:
    """The least p with text[i] == text[i + p] for every i (Knuth-Morris-Pratt failure table)."""
    border = [0] * len(text)
    for i in range(1, len(text)):
        k = border[i - 1]
        while k and text[i] != text[k]:
            k = border[k - 1]
        border[i] = k + 1 if text[i] == text[k] else k
    return len(text) - border[-1]


def _checked_secret(value: str, name: str) -> bytes:
    """`value` as UTF-8 when it is long and unpredictable enough; the error never shows it."""
    try:
        encoded = value.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(
            f"{name} is not valid UTF-8 text: make a secret with `{MAKE_SECRET}`."
        ) from None
    if len(encoded) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"{name} must be at least {MIN_SECRET_LENGTH} bytes long: make one with"
            f" `{MAKE_SECRET}`, or set neither HASH_SECRET nor HASH_SECRET_FILE to have one"
            " generated in DATA_DIR."
        )
    if secret_strength(value) < MIN_SECRET_BITS:
        raise ConfigError(
            f"{name} is too easy to guess (it repeats itself, runs in sequence or uses too few"
            f" different characters): make one with `{MAKE_SECRET}`."
        )
    return encoded


def read_secret_file(path: Path, data_dir: Path) -> bytes:
    """The secret in the file HASH_SECRET_FILE names: owner-only, outside DATA_DIR, UTF-8.

    Whoever holds both the database and the secret can tell whether a known Telegram id uses
    the bot (hash the id, look the key up); with the secret elsewhere, a copy of DATA_DIR
    alone cannot.
    """
    name = f"HASH_SECRET_FILE ({path})"
    if _inside(path, data_dir):
        raise ConfigError(
            f"{name} is inside DATA_DIR: keep the secret elsewhere (a secrets manager, another"
            " volume), since whoever has both the database and the secret can check whether"
            " a known Telegram id uses the bot."
        )
    try:
        # O_NONBLOCK: a FIFO at this path must not hang the start; it is refused below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ConfigError(f"{name} is not a file: point HASH_SECRET_FILE at a file.")
            if info.st_mode & 0o077:
                raise ConfigError(
                    f"{name} can be read or changed by other users: run `chmod 600 {path}`."
                )
            data = b""
            while chunk := os.read(fd, MAX_SECRET_FILE_BYTES + 1 - len(data)):
                data += chunk
        finally:
            os.close(fd)
    except OSError as exc:
        raise ConfigError(
            f"cannot read {name} ({type(exc).__name__}): check the path and that this user"
            " can read it."
        ) from None
    if len(data) > MAX_SECRET_FILE_BYTES:
        raise ConfigError(
            f"{name} is longer than {MAX_SECRET_FILE_BYTES} bytes: it should hold only the"
            f" secret, made with `{MAKE_SECRET}`."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"{name} is not UTF-8 text: write the secret into it, made with `{MAKE_SECRET}`."
        ) from None
    return _checked_secret(text.strip(), name)


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path`, as given or with links followed, is in `folder` (or is it)."""
    as_given = Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))
    return as_given or Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


# DATA_DIR


def prepare_data_dir(data_dir: Path) -> None:
    """Create DATA_DIR owner-only (0700), or check an existing one (see `check_data_dir`).

    Missing parent folders are created with the usual permissions; only DATA_DIR is 0700.
    """
    try:
        data_dir.mkdir(mode=DATA_DIR_MODE, parents=True)
    except FileExistsError:
        check_data_dir(data_dir)
        return
    except OSError as exc:
        raise ConfigError(
            f"cannot create DATA_DIR {data_dir} ({type(exc).__name__}): check that its parent"
            " folder is writable by this user."
        ) from None
    _tighten(data_dir)  # mkdir's mode is filtered by the umask


def check_data_dir(data_dir: Path) -> None:
    """An existing DATA_DIR open to other users is tightened to 0700 if ours, else refused."""
    try:
        info = data_dir.stat()
    except OSError as exc:
        raise ConfigError(
            f"cannot open DATA_DIR {data_dir} ({type(exc).__name__}): check that it is a folder"
            " this user can use."
        ) from None
    if not stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"DATA_DIR {data_dir} is not a folder: set DATA_DIR to a folder.")
    if not info.st_mode & 0o077:
        return
    if info.st_uid != os.geteuid():
        raise ConfigError(
            f"DATA_DIR {data_dir} is open to other users and belongs to another user: have its"
            f" owner run `chmod 700 {data_dir}`, or set DATA_DIR to a folder of this user."
        )
    _tighten(data_dir)


def _tighten(data_dir: Path) -> None:
    try:
        data_dir.chmod(DATA_DIR_MODE)
    except OSError as exc:
        raise ConfigError(
            f"cannot make DATA_DIR {data_dir} owner-only ({type(exc).__name__}):"
            f" run `chmod 700 {data_dir}`."
        ) from None


def load_or_create_secret(data_dir: Path) -> bytes:
    """The key for hashing user ids, kept in DATA_DIR; created (owner-only) on first run.

    DATA_DIR itself is created 0700, or tightened to 0700 (see `prepare_data_dir`). Losing
    this file makes every saved preference unreachable, which is safe: people just choose
    their language and area again.
    """
    prepare_data_dir(data_dir)
    path = data_dir / SECRET_FILE
    try:
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
