"""A Bot API stand-in inside the process: answers canned replies and records every call.

Used by the application tests and by `bench/`: the real Application runs unchanged, only its
HTTP client is swapped for this one, so nothing leaves the process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

from tests.fake_bot_api import bot_user

_METHOD = re.compile(r"/bot[^/]+/(?P<method>\w+)$")
_TAG = re.compile(r"<[^>]*>")
_SENDS_MESSAGE = frozenset({"sendMessage", "editMessageText", "sendPhoto"})
BOT_USER = bot_user("7000000001:AAH-test-token-never-real-000000000000")


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call the bot made: the method, its parameters as the bot gave them and as
    an HTTP client puts them on the wire, and any uploaded files."""

    method: str
    given: dict[str, Any]
    # The form fields as HTTPXRequest sends them (`RequestData.json_parameters`).
    wire: dict[str, str] = field(default_factory=dict)
    # Uploaded files (sendPhoto's image), by field name.
    files: dict[str, bytes] = field(default_factory=dict)

    @functools.cached_property
    def params(self) -> dict[str, Any]:
        """The parameters decoded, a keyboard sent already serialised read back as Telegram
        reads it. Decoded when first asked for, so a benchmark never pays for the stand-in's
        reading (Telegram's work, not the bot's)."""
        params = dict(self.given)
        if isinstance(params.get("reply_markup"), str):
            params["reply_markup"] = json.loads(params["reply_markup"])
        return params

    @property
    def text(self) -> str:
        """The message text sent or edited ("" for other calls)."""
        return str(self.params.get("text", ""))

    @property
    def callback_data(self) -> list[str]:
        """Every button's callback data, in order."""
        markup = self.params.get("reply_markup") or {}
        return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]

    @property
    def button_labels(self) -> list[str]:
        """Every button's label, in order."""
        markup = self.params.get("reply_markup") or {}
        return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class RecordingRequest(BaseRequest):
    """Answers each method with a plausible result; `fail_next` makes one call fail."""

    calls: list[ApiCall] = field(default_factory=list)
    failures: dict[str, tuple[int, str]] = field(default_factory=dict)
    # Seconds each call to a method takes, to make races between updates visible.
    delays: dict[str, float] = field(default_factory=dict)
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float | None:
        """No real network, so no timeout."""
        return None

    def fail_next(self, method: str, code: int = 400, description: str = "Bad Request") -> None:
        """Make the next call to `method` fail with this Bot API error."""
        self.failures[method] = (code, description)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Record the call and answer it."""
        match = _METHOD.search(url)
        name = match.group("method") if match else url
        params = dict(request_data.parameters) if request_data is not None else {}
        # What HTTPXRequest does with every call before sending it, so every bot measured
        # through this stand-in pays it: each parameter JSON-encoded (a keyboard too, unless
        # the bot sent it serialised already), files as multipart.
        wire = request_data.json_parameters if request_data is not None else {}
        multipart = request_data.multipart_data if request_data is not None else None
        files = {
            key: part[1] if isinstance(part, tuple) else part
            for key, part in (multipart or {}).items()
        }
        self.calls.append(ApiCall(name, params, wire, files))
        if name in self.delays:
            await asyncio.sleep(self.delays[name])
        if name in self.failures:
            code, description = self.failures.pop(name)
            body = {"ok": False, "error_code": code, "description": description}
            return code, json.dumps(body).encode()
        body = json.dumps({"ok": True, "result": self.result(name, params)})
        markup = wire.get("reply_markup")
        if markup and name in _SENDS_MESSAGE:
            # The sent message carries its keyboard, as Telegram's reply does: spliced in as
            # it went on the wire, so reading it costs this stand-in the same for every bot.
            body = f'{body[:-2]}, "reply_markup": {markup}}}}}'
        return 200, body.encode()

    def result(self, method: str, params: dict[str, Any]) -> Any:
        """The canned result for a method."""
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return []
        if method in _SENDS_MESSAGE:
            message_id = params.get("message_id") or next(self.message_ids)
            message: dict[str, Any] = {
                "message_id": int(message_id),
                "date": int(dt.datetime.now(dt.UTC).timestamp()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": _TAG.sub("", str(params.get("text", ""))),
            }
            return message
        return True

    def since(self, mark: int) -> list[ApiCall]:
        """Calls made after `mark` (a previous `len(calls)`)."""
        return self.calls[mark:]
