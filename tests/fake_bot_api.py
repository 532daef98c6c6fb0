"""An in-memory fake of the Telegram Bot API HTTP server, for end-to-end tests.

Usage: ``with FakeBotApi(token="123456:TEST") as api:`` then point a bot at ``api.url`` (PTB:
``ApplicationBuilder().base_url(f"{api.url}/bot")``; a subprocess: ``TELEGRAM_API_URL=api.url``),
feed it updates with ``api.push_update(message_update(make_user(), "/start"))`` and block until it
answers with ``api.wait_for_call("sendMessage", since=mark)``. Every call is recorded in
``api.calls``; ``api.fail_next(method, ...)`` makes the next call to ``method`` fail.

For reliability measurements: ``api.inject_faults(rate=0.25, seed=7)`` makes a seeded random
share of later calls fail the ways Telegram and the network do (see :data:`FAULT_KINDS`),
``api.add_file(data, "name.yaml")`` stores a file a user sends: it returns the ``document`` for
:func:`document_update`; ``getFile`` then describes it and ``GET /file/bot{token}/{file_path}``
downloads it, as Telegram does. ``api.limit_rate(30)`` answers sends beyond 30 a second with
429, and ``api.effects`` (calls that took effect, timed), ``api.faults`` (what was injected) and
``api.delivery_counts()`` (how often getUpdates returned each update) show what happened.
Standard library only; nothing is written to disk.
"""

from __future__ import annotations

import copy
import html
import itertools
import json
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.message import Message as _MimeMessage
from email.parser import HeaderParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = [
    "DEFAULT_TOKEN",
    "FAULT_KINDS",
    "Call",
    "Effect",
    "FakeBotApi",
    "Fault",
    "UploadedFile",
    "bot_id_from_token",
    "bot_user",
    "callback_update",
    "document_update",
    "location_update",
    "make_user",
    "message_update",
    "my_chat_member_update",
    "photo_update",
    "sticker_update",
    "voice_update",
]

T = TypeVar("T")
JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST"
"""Token used by :class:`FakeBotApi` and the builders when none is given."""

# Parameters that are free text: never JSON-decoded even if they look like JSON.
_TEXT_PARAMS = frozenset(
    {
        "text",
        "caption",
        "query",
        "title",
        "address",
        "description",
        "short_description",
        "name",
        "question",
        "emoji",
        "url",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
    }
)

# Methods whose real result is a Message; the fake returns a plausible one.
_SEND_METHODS = frozenset(
    {
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendSticker",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendDice",
    }
)

_KNOWN_METHODS = (
    "getMe",
    "getUpdates",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "deleteWebhook",
    "setChatMenuButton",
    "leaveChat",
    "sendChatAction",
    "getChat",
    "getFile",
    "close",
    "logOut",
    *sorted(_SEND_METHODS),
)
_CANONICAL = {name.lower(): name for name in _KNOWN_METHODS}

_PATH_RE = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?$")
_FILE_PATH_RE = re.compile(r"^/file/bot(?P<token>[^/]+)/(?P<path>documents/[A-Za-z0-9_.-]+)$")
_TAG_RE = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Call:
    """One request the bot made: the canonical method name and its decoded parameters.

    Form/multipart scalars stay strings exactly as sent (PTB sends ``chat_id`` as ``"42"``);
    JSON objects/arrays (``reply_markup``, ``commands``, ...) are decoded; uploaded files are
    :class:`UploadedFile` values.
    """

    method: str
    params: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        """Return parameter ``name`` or ``default``."""
        return self.params.get(name, default)

    def int_param(self, name: str) -> int | None:
        """Return parameter ``name`` converted to ``int`` (``None`` if absent or not numeric)."""
        return _as_int(self.params.get(name))


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a ``multipart/form-data`` request."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)


_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are"
    " exactly the same as a current content and reply markup of the message"
)


class _ApiError(Exception):
    """Raised by a method handler: Telegram's error answer for that call."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class _Failure:
    error_code: int
    description: str
    parameters: JSONDict | None


FAULT_KINDS = ("429", "500", "502", "timeout", "drop", "not_json")
"""What :meth:`FakeBotApi.inject_faults` can do to a call:

- ``"429"``: Too Many Requests with ``parameters.retry_after`` (1 s by default); nothing done.
- ``"500"``: Internal Server Error (a JSON error reply); nothing done.
- ``"502"``: Bad Gateway (an HTML page, as Telegram's front proxy sends); nothing done.
- ``"timeout"``: the server holds the request for ``timeout_seconds`` (past the client's read
  timeout), then answers into a closed connection. By default the call took effect before the
  wait (Telegram did it, the client never learns); ``timeout_takes_effect=False``: it did not.
  Never injected into ``getUpdates`` (its client waits the long poll plus 10 s): such a call is
  answered normally.
- ``"drop"``: the connection is closed without an answer, before anything was done.
- ``"not_json"``: the call took effect, then the reply (status 200) is an HTML page, not JSON.
"""

_NOT_JSON_BODY = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@dataclass(frozen=True)
class Fault:
    """One fault the fake put on a call: its kind (one of :data:`FAULT_KINDS`, or
    ``"rate_limit"`` for a 429 from :meth:`FakeBotApi.limit_rate`), whether the call took
    effect all the same, when (``time.monotonic()``), and the call."""

    method: str
    kind: str
    took_effect: bool
    at: float
    call: Call | None = None


@dataclass(frozen=True)
class Effect:
    """A call that took effect (the message was sent, the edit made, ...), whether or not the
    client could read the answer; ``at`` is ``time.monotonic()`` when it happened and
    ``result`` what Telegram's answer would hold. ``getUpdates`` calls are not listed."""

    call: Call
    at: float
    result: Any = None


@dataclass(frozen=True)
class _FaultPlan:
    rate: float
    kinds: tuple[str, ...]
    rng: random.Random
    methods: frozenset[str] | None
    exclude: frozenset[str]
    timeout_seconds: float
    timeout_takes_effect: bool
    retry_after: int


# How a fault queued with fault_next behaves (as inject_faults' defaults).
_QUEUED_PLAN = _FaultPlan(1.0, FAULT_KINDS, random.Random(0), None, frozenset(), 6.0, True, 1)


@dataclass
class _RateLimit:
    per_second: float
    methods: frozenset[str]
    retry_after: int
    recent: deque[float] = field(default_factory=deque)


@dataclass(frozen=True)
class _Reply:
    """What the HTTP handler writes; ``body`` None: close the connection without an answer."""

    status: int
    body: bytes | None
    content_type: str = "application/json"


# --------------------------------------------------------------------------------------------
# Builders (plain dicts in Bot API JSON shape)
# --------------------------------------------------------------------------------------------


class _MessageIds:
    """Ids for the messages people send. Telegram numbers a private chat's messages, the
    person's and the bot's, in one increasing sequence; the fake numbers the bot's after the
    chat's newest, and keeps the people's above every id it gave out, so ids increase in every
    chat however the test interleaves them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 1

    def take(self) -> int:
        with self._lock:
            value = self._next
            self._next += 1
            return value

    def past(self, message_id: int) -> None:
        with self._lock:
            self._next = max(self._next, message_id + 1)


_builder_message_ids = _MessageIds()
_builder_callback_ids = itertools.count(1)


def _now() -> int:
    return int(time.time())


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def bot_id_from_token(token: str) -> int:
    """Return the bot's user id encoded in ``token`` (the part before ``:``), else 1."""
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 1


def bot_user(token: str = DEFAULT_TOKEN) -> JSONDict:
    """Return the ``User`` object ``getMe`` reports for ``token``."""
    return {
        "id": bot_id_from_token(token),
        "is_bot": True,
        "first_name": "Waypoint",
        "username": "waypoint_test_bot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def make_user(
    user_id: int = 1001,
    first_name: str = "Alex",
    last_name: str | None = "Tester",
    username: str | None = "alex_tester",
    language_code: str | None = "en",
) -> JSONDict:
    """Return a (human) ``User`` dict; ``None`` fields are omitted."""
    user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
    optional = {"last_name": last_name, "username": username, "language_code": language_code}
    user.update({key: value for key, value in optional.items() if value is not None})
    return user


def _private_chat(user: JSONDict) -> JSONDict:
    chat: JSONDict = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if user.get(key):
            chat[key] = user[key]
    return chat


def _chat_for(user: JSONDict, chat_type: str, chat_id: int | None) -> JSONDict:
    if chat_type == "private":
        chat = _private_chat(user)
        if chat_id is not None:
            chat["id"] = chat_id
        return chat
    if chat_id is None:
        chat_id = -(1_000_000_000_000 + user["id"]) if chat_type == "supergroup" else -user["id"]
    return {"id": chat_id, "type": chat_type, "title": "Test group"}


def _user_message(
    user: JSONDict, *, chat_type: str = "private", chat_id: int | None = None, **content: Any
) -> JSONDict:
    return {
        "message_id": _builder_message_ids.take(),
        "date": _now(),
        "chat": _chat_for(user, chat_type, chat_id),
        "from": user,
        **content,
    }


def message_update(
    user: JSONDict, text: str, *, chat_type: str = "private", chat_id: int | None = None
) -> JSONDict:
    """Return an update with a text message from ``user``.

    A ``bot_command`` entity is added when ``text`` starts with ``/``. For non-private
    ``chat_type`` a group chat (titled "Test group") is used; ``chat_id`` overrides its id.
    """
    content: JSONDict = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
    return {"message": _user_message(user, chat_type=chat_type, chat_id=chat_id, **content)}


def callback_update(
    user: JSONDict,
    data: str,
    message_id: int,
    chat_id: int | None = None,
    *,
    message: JSONDict | None = None,
    token: str = DEFAULT_TOKEN,
) -> JSONDict:
    """Return a ``callback_query`` update: ``user`` pressed a button with ``data``.

    ``message`` should be the message the bot sent (see :meth:`FakeBotApi.sent_message`, or use
    :meth:`FakeBotApi.callback_update` which looks it up); without it a stand-in message from
    the bot (empty text) in ``chat_id`` (default: the user's private chat) is used.
    """
    if message is None:
        if chat_id is None or chat_id == user["id"]:
            chat = _private_chat(user)
        else:
            chat = _chat_for(user, "private" if chat_id > 0 else "supergroup", chat_id)
        message = {
            "message_id": message_id,
            "date": _now(),
            "chat": chat,
            "from": bot_user(token),
            "text": "",
        }
    chat_instance = str(message["chat"]["id"])
    return {
        "callback_query": {
            "id": f"cbq-{next(_builder_callback_ids)}",
            "from": user,
            "chat_instance": chat_instance,
            "message": copy.deepcopy(message),
            "data": data,
        }
    }


def document_update(user: JSONDict, document: JSONDict, caption: str | None = None) -> JSONDict:
    """Return an update with a document (from :meth:`FakeBotApi.add_file`) sent by ``user`` in
    their private chat, with an optional caption."""
    content: JSONDict = {"document": copy.deepcopy(document)}
    if caption is not None:
        content["caption"] = caption
    return {"message": _user_message(user, **content)}


def location_update(user: JSONDict, latitude: float, longitude: float) -> JSONDict:
    """Return an update with a location message from ``user`` in their private chat."""
    location = {"latitude": latitude, "longitude": longitude}
    return {"message": _user_message(user, location=location)}


def sticker_update(user: JSONDict) -> JSONDict:
    """Return an update with a sticker message from ``user`` in their private chat."""
    sticker = {
        "file_id": "sticker-file-id",
        "file_unique_id": "sticker-unique",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "🙂",
    }
    return {"message": _user_message(user, sticker=sticker)}


def photo_update(user: JSONDict) -> JSONDict:
    """Return an update with a photo message (two sizes) from ``user`` in their private chat."""
    photo = [
        {"file_id": "photo-small", "file_unique_id": "ps", "width": 90, "height": 60},
        {"file_id": "photo-large", "file_unique_id": "pl", "width": 1280, "height": 853},
    ]
    return {"message": _user_message(user, photo=photo)}


def voice_update(user: JSONDict) -> JSONDict:
    """Return an update with a voice message from ``user`` in their private chat."""
    voice = {
        "file_id": "voice-file-id",
        "file_unique_id": "voice-unique",
        "duration": 3,
        "mime_type": "audio/ogg",
        "file_size": 4096,
    }
    return {"message": _user_message(user, voice=voice)}


_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": False,
    "can_manage_video_chats": False,
    "can_restrict_members": False,
    "can_promote_members": False,
    "can_change_info": False,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}


def my_chat_member_update(
    user: JSONDict,
    chat: JSONDict,
    new_status: str = "member",
    *,
    old_status: str = "left",
    token: str = DEFAULT_TOKEN,
) -> JSONDict:
    """Return a ``my_chat_member`` update: ``user`` changed the bot's status in ``chat``.

    ``chat`` is a Chat dict such as ``{"id": -100123, "type": "supergroup", "title": "G"}``.
    Supported statuses: member, left, administrator, kicked.
    """
    bot = bot_user(token)

    def member(status: str) -> JSONDict:
        result: JSONDict = {"user": bot, "status": status}
        if status == "administrator":
            result.update(_ADMIN_RIGHTS)
        elif status == "kicked":
            result["until_date"] = 0
        return result

    return {
        "my_chat_member": {
            "chat": chat,
            "from": user,
            "date": _now(),
            "old_chat_member": member(old_status),
            "new_chat_member": member(new_status),
        }
    }


# --------------------------------------------------------------------------------------------
# Request parsing
# --------------------------------------------------------------------------------------------


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _as_float(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1"}
    return bool(value)


def _decode_value(name: str, value: str) -> Any:
    """Decode a form value: JSON objects/arrays are parsed, everything else stays a string."""
    if name in _TEXT_PARAMS:
        return value
    stripped = value.strip()
    if stripped[:1] in ("{", "["):
        try:
            decoded = json.loads(stripped)
        except ValueError:
            return value
        if isinstance(decoded, dict | list):
            return decoded
    return value


def _header_params(header_value: str, header: str = "content-type") -> _MimeMessage:
    mime = _MimeMessage()
    mime[header] = header_value
    return mime


def _parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    boundary = _header_params(content_type).get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart body without boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    params: dict[str, Any] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        raw_headers, _, content = chunk.partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        headers = HeaderParser().parsestr(raw_headers.decode("utf-8", errors="replace"))
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = headers.get_filename()
        if filename is not None or (
            headers.get_content_type() not in ("text/plain",) and "content-type" in headers
        ):
            params[name] = UploadedFile(filename, headers.get("content-type"), content)
        else:
            params[name] = _decode_value(name, content.decode("utf-8", errors="replace"))
    return params


def parse_request_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Merge parameters from the query string and a form, JSON or multipart body."""
    params: dict[str, Any] = {
        name: _decode_value(name, value) for name, value in parse_qsl(query, keep_blank_values=True)
    }
    if not body:
        return params
    mime_type = _header_params(content_type).get_content_type() if content_type else ""
    if mime_type == "application/json":
        decoded = json.loads(body.decode("utf-8"))
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        params.update(decoded)
    elif mime_type == "multipart/form-data":
        params.update(_parse_multipart(body, content_type))
    else:  # application/x-www-form-urlencoded (and anything unlabelled)
        text = body.decode("utf-8", errors="replace")
        params.update(
            (name, _decode_value(name, value))
            for name, value in parse_qsl(text, keep_blank_values=True)
        )
    return params


def _strip_html(text: str) -> str:
    return html.unescape(_TAG_RE.sub("", text))


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog of 5 overflows when a bot opens dozens of
    # connections at once, and the kernel then resets some after the request went out: a fault
    # nobody asked for. Telegram does not do that, so the fake does not either.
    request_queue_size = 1024

    def __init__(self, api: FakeBotApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive sockets

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request logging to stderr."""

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        api = self.server.api
        split = urlsplit(self.path)
        match = _PATH_RE.match(split.path)
        try:
            body = self._read_body()
            # PTB percent-encodes the download path (the token's ":" becomes %3A).
            download = _FILE_PATH_RE.match(unquote(split.path))
            if download is not None and download["token"] == api.token:
                data = api._download(download["path"])
                if data is not None:
                    self._write(HTTPStatus.OK, data, "application/octet-stream")
                    return
                status, payload = _error(HTTPStatus.NOT_FOUND, "Not Found")
            elif match is None:
                status, payload = _error(HTTPStatus.NOT_FOUND, "Not Found")
            elif match["token"] != api.token:
                status, payload = _error(HTTPStatus.UNAUTHORIZED, "Unauthorized")
            else:
                try:
                    params = parse_request_params(
                        split.query, self.headers.get("content-type", ""), body
                    )
                except ValueError as exc:
                    status, payload = _error(HTTPStatus.BAD_REQUEST, f"Bad Request: {exc}")
                else:
                    reply = api._respond(match["method"], params)
                    if reply.body is None:
                        self.close_connection = True  # dropped: no answer at all
                        return
                    self._write(reply.status, reply.body, reply.content_type)
                    return
            self._write(status, json.dumps(payload).encode("utf-8"), "application/json")
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            # The client gave up (e.g. PTB cancelled a long poll on shutdown); nothing to do.
            pass

    def _write(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _error(code: int, description: str, parameters: JSONDict | None = None) -> tuple[int, JSONDict]:
    payload: JSONDict = {"ok": False, "error_code": int(code), "description": description}
    if parameters:
        payload["parameters"] = parameters
    return int(code), payload


def _json_reply(status: int, payload: JSONDict) -> _Reply:
    return _Reply(status, json.dumps(payload).encode("utf-8"))


# --------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------


class FakeBotApi:
    """A fake Telegram Bot API server on ``127.0.0.1:<ephemeral port>``.

    Serves ``GET|POST /bot{token}/{method}``, records every call (:attr:`calls`), queues
    updates for ``getUpdates`` long polling (:meth:`push_update`) and offers blocking wait
    helpers (:meth:`wait_for`, :meth:`wait_for_call`, :meth:`wait_until_polled`). Use as a
    context manager, or call :meth:`start` / :meth:`close`.
    """

    def __init__(self, token: str = DEFAULT_TOKEN) -> None:
        """Create the server (not yet listening); ``token`` is the only one accepted."""
        self.token = token
        self.bot = bot_user(token)
        self._cond = threading.Condition()
        self._calls: list[Call] = []
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._failures: dict[str, list[_Failure]] = {}
        self._delays: dict[str, float] = {}
        self._fault_plan: _FaultPlan | None = None
        self._queued_faults: dict[str, list[str]] = {}
        self._rate_limit: _RateLimit | None = None
        self._faults: list[Fault] = []
        self._effects: list[Effect] = []
        self._deliveries: dict[int, int] = {}
        self._chats: dict[int | str, JSONDict] = {}
        self._messages: dict[tuple[int | str, int], JSONDict] = {}
        self._newest_in_chat: dict[int | str, int] = {}  # a chat's newest message id
        self._people_messages: set[tuple[int | str, int]] = set()
        self._files: dict[str, tuple[str, bytes]] = {}
        self._downloads: list[str] = []
        self._closed = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": lambda _params: dict(self.bot),
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteWebhook": self._delete_webhook,
            "getMyCommands": lambda _params: [],
            "getChat": self._get_chat,
            "getFile": self._get_file,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        """Bind the port and start serving in a daemon thread; returns ``self``."""
        if self._server is not None:
            return self
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeBotApi",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; waiting ``getUpdates`` long polls return ``[]`` immediately."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def port(self) -> int:
        """The TCP port the server listens on (after :meth:`start`)."""
        if self._server is None:
            raise RuntimeError("FakeBotApi is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT`` (bot calls go to ``{url}/bot{token}/...``)."""
        return f"http://127.0.0.1:{self.port}"

    # -- recording ---------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A snapshot (copy) of all recorded calls, oldest first."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """All recorded calls to ``method`` (case-insensitive), oldest first."""
        wanted = method.lower()
        with self._cond:
            return [call for call in self._calls if call.method.lower() == wanted]

    def mark(self) -> int:
        """Number of calls recorded so far; pass it as ``since`` to :meth:`wait_for_call`."""
        with self._cond:
            return len(self._calls)

    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str = "Bad Request: message is not modified",
        *,
        parameters: JSONDict | None = None,
    ) -> None:
        """Make the next call to ``method`` fail with this error (queued per method, FIFO).

        ``parameters`` becomes the response's ``parameters`` (e.g. ``{"retry_after": 3}``).
        The failing call is still recorded.
        """
        with self._cond:
            failure = _Failure(error_code, description, parameters)
            self._failures.setdefault(_canonical(method), []).append(failure)

    def fault_next(self, method: str, kind: str) -> None:
        """Give the next call to ``method`` the fault ``kind`` (one of :data:`FAULT_KINDS`, as
        :meth:`inject_faults` does it; queued per method, FIFO; listed in :attr:`faults`)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, not {kind!r}")
        with self._cond:
            self._queued_faults.setdefault(_canonical(method), []).append(kind)

    def delay(self, method: str, seconds: float) -> None:
        """Make every later call to ``method`` take ``seconds`` before it is answered (and
        before it takes effect), like a slow Telegram."""
        with self._cond:
            self._delays[_canonical(method)] = seconds

    def inject_faults(
        self,
        rate: float,
        kinds: Iterable[str] = FAULT_KINDS,
        *,
        seed: int = 0,
        methods: Iterable[str] | None = None,
        exclude: Iterable[str] = (),
        timeout_seconds: float = 6.0,
        timeout_takes_effect: bool = True,
        retry_after: int = 1,
    ) -> None:
        """From now on, fail a share ``rate`` (0 to 1) of calls, each with a kind drawn evenly
        from ``kinds`` (see :data:`FAULT_KINDS`), from a random generator seeded with ``seed``
        (the same calls in the same order draw the same faults). ``methods``: only these
        (default: every method, getUpdates included); ``exclude``: never these.
        ``timeout_seconds`` is how long a ``"timeout"`` holds the call (keep it above the
        client's read timeout, 5 s by default in python-telegram-bot); ``retry_after`` is what a
        ``"429"`` asks for. A call with a :meth:`fail_next` failure queued gets that instead.
        ``inject_faults(0)`` stops injecting. Faults are listed in :attr:`faults`."""
        chosen = tuple(kinds)
        unknown = sorted(set(chosen) - set(FAULT_KINDS))
        if unknown or not chosen:
            raise ValueError(f"fault kinds must be some of {FAULT_KINDS}, not {unknown}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        with self._cond:
            self._fault_plan = (
                _FaultPlan(
                    rate,
                    chosen,
                    random.Random(seed),
                    None if methods is None else frozenset(_canonical(m) for m in methods),
                    frozenset(_canonical(m) for m in exclude),
                    timeout_seconds,
                    timeout_takes_effect,
                    retry_after,
                )
                if rate > 0
                else None
            )

    def limit_rate(
        self,
        per_second: float | None,
        *,
        methods: Iterable[str] = ("sendMessage", *sorted(_SEND_METHODS)),
        retry_after: int = 1,
    ) -> None:
        """Like Telegram's limit for one bot: at most ``per_second`` calls to ``methods`` (all
        chats together) take effect in any one second; the others are answered 429 with
        ``retry_after`` and nothing done (listed in :attr:`faults` as ``"rate_limit"``).
        ``limit_rate(None)`` lifts the limit."""
        with self._cond:
            self._rate_limit = (
                None
                if per_second is None
                else _RateLimit(per_second, frozenset(_canonical(m) for m in methods), retry_after)
            )

    @property
    def faults(self) -> list[Fault]:
        """A snapshot of every fault injected so far (and every rate-limit 429), oldest first."""
        with self._cond:
            return list(self._faults)

    @property
    def effects(self) -> list[Effect]:
        """A snapshot of every call that took effect (getUpdates aside), oldest first."""
        with self._cond:
            return list(self._effects)

    def delivery_counts(self) -> dict[int, int]:
        """How many getUpdates answers held each update id (a redelivered update counts more
        than once)."""
        with self._cond:
            return dict(self._deliveries)

    # -- updates -----------------------------------------------------------------------------

    def push_update(self, update: JSONDict) -> int:
        """Queue ``update`` (a copy, with a fresh ``update_id``) for getUpdates; returns the id.

        Chats found in the update are registered, so the bot's replies get the right chat type.
        """
        update = copy.deepcopy(update)
        with self._cond:
            update_id = self._next_update_id
            self._next_update_id += 1
            update["update_id"] = update_id
            for chat in _chats_in(update):
                self._chats[_chat_key(chat["id"])] = dict(chat)
            self._note_person_message(update)
            self._updates.append(update)
            self._cond.notify_all()
        return update_id

    def _note_person_message(self, update: JSONDict) -> None:
        """Keep the chat's newest id and which ids are the person's (they cannot be edited)."""
        message = update.get("message")
        if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
            return
        message_id = _as_int(message.get("message_id"))
        if message_id is None:
            return
        key = _chat_key(message["chat"].get("id"))
        self._people_messages.add((key, message_id))
        self._newest_in_chat[key] = max(self._newest_in_chat.get(key, 0), message_id)

    def pending_updates(self) -> list[JSONDict]:
        """Updates queued and not yet confirmed by an ``offset``."""
        with self._cond:
            return copy.deepcopy(self._updates)

    def pending_update_ids(self) -> list[int]:
        """The ids of the updates queued and not yet confirmed (cheaper than
        :meth:`pending_updates` when only the ids matter)."""
        with self._cond:
            return [update["update_id"] for update in self._updates]

    def register_chat(self, chat: JSONDict) -> None:
        """Remember ``chat`` (needs ``id`` and ``type``) for messages the bot sends to it."""
        with self._cond:
            self._chats[_chat_key(chat["id"])] = dict(chat)

    def sent_message(self, chat_id: int | str, message_id: int) -> JSONDict | None:
        """The current state of a message the bot sent (after edits), or ``None``."""
        with self._cond:
            message = self._messages.get((_chat_key(chat_id), message_id))
            return copy.deepcopy(message) if message is not None else None

    def sent_messages(self, chat_id: int | str | None = None) -> list[JSONDict]:
        """Messages the bot sent (current state, deleted ones omitted), oldest first.

        Restricted to ``chat_id`` if given; ``sent_messages(chat)[-1]["message_id"]`` is how a
        test learns the id of the bot's latest message.
        """
        with self._cond:
            messages = [
                message
                for (key, _), message in self._messages.items()
                if chat_id is None or key == _chat_key(chat_id)
            ]
            messages.sort(key=lambda message: message["message_id"])
            return copy.deepcopy(messages)

    def callback_update(
        self, user: JSONDict, data: str, message_id: int, chat_id: int | str | None = None
    ) -> JSONDict:
        """Like module-level :func:`callback_update`, using the message the bot really sent."""
        message = self.sent_message(user["id"] if chat_id is None else chat_id, message_id)
        if message is None:
            raise KeyError(f"the bot sent no message {message_id} to chat {chat_id or user['id']}")
        return callback_update(user, data, message_id, message=message, token=self.token)

    # -- waiting -----------------------------------------------------------------------------

    def wait_for(
        self,
        predicate: Callable[[list[Call]], T | bool | None],
        timeout: float = 10.0,
        *,
        description: str | None = None,
    ) -> T:
        """Block until ``predicate(calls)`` is truthy and return that value.

        Raises :class:`TimeoutError` (listing the calls so far) after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate(list(self._calls))
                if result:
                    return result  # type: ignore[return-value]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    what = description or getattr(predicate, "__name__", "predicate")
                    raise TimeoutError(
                        f"timed out after {timeout}s waiting for {what}; "
                        f"calls so far: {_summarize(self._calls)}"
                    )
                self._cond.wait(remaining)

    def wait_for_call(
        self,
        method: str,
        since: int = 0,
        timeout: float = 10.0,
        where: Callable[[Call], bool] | None = None,
    ) -> Call:
        """Return the first call to ``method`` at index >= ``since`` matching ``where``."""
        wanted = method.lower()

        def find(calls: list[Call]) -> Call | None:
            for call in calls[since:]:
                if call.method.lower() == wanted and (where is None or where(call)):
                    return call
            return None

        suffix = " matching `where`" if where is not None else ""
        return self.wait_for(
            find, timeout, description=f"a {method} call at index >= {since}{suffix}"
        )

    def wait_until_polled(self, timeout: float = 10.0) -> Call:
        """Return once the bot has sent a ``getUpdates`` request (i.e. it is up and polling)."""
        return self.wait_for_call("getUpdates", timeout=timeout)

    # -- dispatch (called from handler threads) ----------------------------------------------

    def _dispatch(self, method: str, params: dict[str, Any]) -> tuple[int, JSONDict]:
        name = _canonical(method)
        failure, delay = self._record(name, params)
        if delay:
            time.sleep(delay)  # in this request's own server thread
        if failure is not None:
            return _error(failure.error_code, failure.description, failure.parameters)
        return self._perform(name, params)

    def _record(self, name: str, params: dict[str, Any]) -> tuple[_Failure | None, float]:
        """Record the call; the fail_next failure queued for it, and its delay."""
        with self._cond:
            self._calls.append(Call(name, params))
            self._cond.notify_all()
            failures = self._failures.get(name)
            failure = failures.pop(0) if failures else None
            return failure, self._delays.get(name, 0.0)

    def _perform(self, name: str, params: dict[str, Any]) -> tuple[int, JSONDict]:
        """Do what the method does (it takes effect) and give Telegram's answer."""
        if name == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        handler = self._handlers.get(name)
        if handler is not None:
            try:
                result = handler(params)
            except _ApiError as error:
                return _error(error.code, error.description)
        elif name in _SEND_METHODS:
            result = self._send_other(name, params)
        else:
            result = True
        with self._cond:
            self._effects.append(Effect(Call(name, params), time.monotonic(), result))
            self._cond.notify_all()
        return 200, {"ok": True, "result": result}

    def _respond(self, method: str, params: dict[str, Any]) -> _Reply:
        """A call over HTTP: like :meth:`_dispatch`, with injected faults and the rate limit."""
        name = _canonical(method)
        failure, delay = self._record(name, params)
        if delay:
            time.sleep(delay)  # in this request's own server thread
        if failure is not None:
            return _json_reply(*_error(failure.error_code, failure.description, failure.parameters))
        fault, plan = self._draw_fault(name, params)
        if fault is None or plan is None:
            limited = self._rate_limited(name, params)
            if limited is not None:
                return limited
            return _json_reply(*self._perform(name, params))
        if fault == "429":
            return _json_reply(
                *_error(
                    HTTPStatus.TOO_MANY_REQUESTS,
                    f"Too Many Requests: retry after {plan.retry_after}",
                    {"retry_after": plan.retry_after},
                )
            )
        if fault == "500":
            return _json_reply(*_error(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal Server Error"))
        if fault == "502":
            return _Reply(HTTPStatus.BAD_GATEWAY, _NOT_JSON_BODY, "text/html")
        if fault == "drop":
            return _Reply(0, None)
        if fault == "not_json":
            self._perform(name, params)
            return _Reply(HTTPStatus.OK, _NOT_JSON_BODY, "text/html")
        # "timeout": hold the call past the client's read timeout.
        reply = _Reply(0, None)
        if plan.timeout_takes_effect:
            reply = _json_reply(*self._perform(name, params))
        time.sleep(plan.timeout_seconds)
        return reply

    def _draw_fault(
        self, name: str, params: dict[str, Any]
    ) -> tuple[str | None, _FaultPlan | None]:
        """The fault (if any) this call gets under the plan from :meth:`inject_faults`."""
        with self._cond:
            queued = self._queued_faults.get(name)
            if queued:
                return self._noted(name, params, queued.pop(0), _QUEUED_PLAN)
            plan = self._fault_plan
            if plan is None or name in plan.exclude:
                return None, plan
            if plan.methods is not None and name not in plan.methods:
                return None, plan
            if plan.rng.random() >= plan.rate:
                return None, plan
            kind = plan.rng.choice(plan.kinds)
            if kind == "timeout" and name == "getUpdates":
                return None, plan
            return self._noted(name, params, kind, plan)

    def _noted(
        self, name: str, params: dict[str, Any], kind: str, plan: _FaultPlan
    ) -> tuple[str, _FaultPlan]:
        """List the fault this call gets (the caller holds the lock)."""
        took_effect = kind == "not_json" or (kind == "timeout" and plan.timeout_takes_effect)
        self._faults.append(Fault(name, kind, took_effect, time.monotonic(), Call(name, params)))
        return kind, plan

    def _rate_limited(self, name: str, params: dict[str, Any]) -> _Reply | None:
        """A 429 when this call would pass the rate limit; otherwise count it and go on."""
        with self._cond:
            limit = self._rate_limit
            if limit is None or name not in limit.methods:
                return None
            now = time.monotonic()
            while limit.recent and now - limit.recent[0] >= 1.0:
                limit.recent.popleft()
            if len(limit.recent) < limit.per_second:
                limit.recent.append(now)
                return None
            self._faults.append(Fault(name, "rate_limit", False, now, Call(name, params)))
        return _json_reply(
            *_error(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"Too Many Requests: retry after {limit.retry_after}",
                {"retry_after": limit.retry_after},
            )
        )

    def _get_updates(self, params: dict[str, Any]) -> list[JSONDict]:
        offset = _as_int(params.get("offset")) or 0
        limit = min(max(_as_int(params.get("limit")) or 100, 1), 100)
        timeout = max(_as_float(params.get("timeout"), 0.0), 0.0)
        deadline = time.monotonic() + timeout
        with self._cond:
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            while not self._updates and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            batch = self._updates[:limit]
            for update in batch:
                update_id = update["update_id"]
                self._deliveries[update_id] = self._deliveries.get(update_id, 0) + 1
            return copy.deepcopy(batch)

    def _new_message(self, params: dict[str, Any], **content: Any) -> JSONDict:
        chat_id = params.get("chat_id")
        key = _chat_key(chat_id)
        with self._cond:
            # Per chat, after its newest message, as Telegram numbers a private chat.
            message_id = self._newest_in_chat.get(key, 0) + 1
            self._newest_in_chat[key] = message_id
            _builder_message_ids.past(message_id)
            chat = dict(self._chats.get(key) or {"id": key, "type": "private"})
            message: JSONDict = {
                "message_id": message_id,
                "date": _now(),
                "chat": chat,
                "from": dict(self.bot),
                **content,
            }
            if isinstance(params.get("reply_markup"), dict):
                message["reply_markup"] = params["reply_markup"]
            self._messages[(key, message_id)] = message
            return copy.deepcopy(message)

    def _send_message(self, params: dict[str, Any]) -> JSONDict:
        return self._new_message(params, text=_message_text(params, "text"))

    def _send_other(self, method: str, params: dict[str, Any]) -> JSONDict:
        content: JSONDict = {}
        if "caption" in params:
            content["caption"] = _message_text(params, "caption")
        if method in ("sendLocation", "sendVenue"):
            location = {
                "latitude": _as_float(params.get("latitude"), 0.0),
                "longitude": _as_float(params.get("longitude"), 0.0),
            }
            if method == "sendVenue":
                content["venue"] = {
                    "location": location,
                    "title": str(params.get("title", "")),
                    "address": str(params.get("address", "")),
                }
            content["location"] = location
        return self._new_message(params, **content)

    def _stored_for_edit(self, params: dict[str, Any]) -> tuple[tuple[int | str, int], JSONDict]:
        key = (_chat_key(params.get("chat_id")), _as_int(params.get("message_id")) or 0)
        message = self._messages.get(key)
        if message is None:
            chat = dict(self._chats.get(key[0]) or {"id": key[0], "type": "private"})
            message = {"message_id": key[1], "date": _now(), "chat": chat, "from": dict(self.bot)}
        return key, message

    def _edit_message_text(self, params: dict[str, Any]) -> JSONDict | bool:
        if "inline_message_id" in params:
            return True
        with self._cond:
            key, message = self._stored_for_edit(params)
            message["text"] = _message_text(params, "text")
            message["edit_date"] = _now()
            if isinstance(params.get("reply_markup"), dict):
                message["reply_markup"] = params["reply_markup"]
            else:  # Telegram drops the inline keyboard when an edit does not repeat it
                message.pop("reply_markup", None)
            self._messages[key] = message
            return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> bool:
        """Telegram's answers: a person's message cannot be edited; an id with no message is
        not found; the same markup again is "not modified" (and changes nothing)."""
        if "inline_message_id" in params:
            return True
        key = (_chat_key(params.get("chat_id")), _as_int(params.get("message_id")) or 0)
        wanted = params.get("reply_markup")
        wanted = wanted if isinstance(wanted, dict) else None
        with self._cond:
            if key in self._people_messages:
                raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message can't be edited")
            message = self._messages.get(key)
            if message is None:
                raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message to edit not found")
            if message.get("reply_markup") == wanted:
                raise _ApiError(HTTPStatus.BAD_REQUEST, _NOT_MODIFIED)
            if wanted is None:
                message.pop("reply_markup", None)
            else:
                message["reply_markup"] = wanted
        return True

    def _delete_message(self, params: dict[str, Any]) -> bool:
        key = (_chat_key(params.get("chat_id")), _as_int(params.get("message_id")) or 0)
        with self._cond:
            self._messages.pop(key, None)
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if _as_bool(params.get("drop_pending_updates", False)):
            with self._cond:
                self._updates.clear()
        return True

    def add_file(
        self, data: bytes, file_name: str, *, mime_type: str = "application/x-yaml"
    ) -> JSONDict:
        """Store a file as if a user had sent it; the ``document`` object for an update."""
        with self._cond:
            number = len(self._files) + 1
            file_id = f"document-{number}"
            self._files[file_id] = (f"documents/file_{number}.bin", bytes(data))
        return {
            "file_id": file_id,
            "file_unique_id": f"unique-{number}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }

    @property
    def downloads(self) -> list[str]:
        """The file paths downloaded so far, in order."""
        with self._cond:
            return list(self._downloads)

    def _get_file(self, params: dict[str, Any]) -> JSONDict:
        file_id = str(params.get("file_id", ""))
        with self._cond:
            stored = self._files.get(file_id)
        if stored is None:
            raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: invalid file_id")
        path, data = stored
        return {
            "file_id": file_id,
            "file_unique_id": f"unique-{file_id}",
            "file_size": len(data),
            "file_path": path,
        }

    def _download(self, path: str) -> bytes | None:
        with self._cond:
            self._downloads.append(path)
            return next((data for p, data in self._files.values() if p == path), None)

    def _get_chat(self, params: dict[str, Any]) -> JSONDict:
        key = _chat_key(params.get("chat_id"))
        with self._cond:
            chat = dict(self._chats.get(key) or {"id": key, "type": "private"})
        chat.setdefault("accent_color_id", 0)
        chat.setdefault("max_reaction_count", 11)
        chat.setdefault("accepted_gift_types", _ACCEPTED_GIFT_TYPES)
        return chat


_ACCEPTED_GIFT_TYPES = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
}


def _canonical(method: str) -> str:
    return _CANONICAL.get(method.lower(), method)


def _chat_key(chat_id: Any) -> int | str:
    as_int = _as_int(chat_id)
    return as_int if as_int is not None else str(chat_id)


def _message_text(params: dict[str, Any], name: str) -> str:
    text = str(params.get(name, ""))
    if str(params.get("parse_mode", "")).lower() == "html":
        return _strip_html(text)
    return text


def _chats_in(update: JSONDict) -> Iterator[JSONDict]:
    for key, value in update.items():
        if not isinstance(value, dict):
            continue
        candidates = [value.get("chat")]
        if key == "callback_query" and isinstance(value.get("message"), dict):
            candidates.append(value["message"].get("chat"))
        for chat in candidates:
            if isinstance(chat, dict) and "id" in chat and "type" in chat:
                yield chat


def _summarize(calls: list[Call]) -> str:
    polls = sum(1 for call in calls if call.method == "getUpdates")
    others = [_describe(call) for call in calls if call.method != "getUpdates"]
    parts = others[-20:]
    if len(others) > 20:
        parts.insert(0, f"... {len(others) - 20} earlier")
    summary = ", ".join(parts) if parts else "(none besides getUpdates)"
    return f"{summary} (+{polls} getUpdates)"


def _describe(call: Call) -> str:
    shown = {k: call.params[k] for k in ("chat_id", "message_id", "text") if k in call.params}
    if not shown:
        return call.method
    inner = ", ".join(f"{k}={str(v)[:40]!r}" for k, v in shown.items())
    return f"{call.method}({inner})"
