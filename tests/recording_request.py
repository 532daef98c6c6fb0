"""A Bot API stand-in inside the process: answers canned replies and records every call.

Used by the application tests and by `bench/`: the real Application runs unchanged, only its
HTTP client is swapped for this one, so nothing leaves the process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

from tests.fake_bot_api import bot_user

_METHOD = re.compile(r"/bot[^/]+/(?P<method>\w+)$")
_TAG = re.compile(r"<[^>]*>")
BOT_USER = bot_user("7000000001:AAH-test-token-never-real-000000000000")


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call the bot made: the method and its decoded parameters."""

    method: str
    params: dict[str, Any]
    # Uploaded files (sendPhoto's image), by field name.
    files: dict[str, bytes] = field(default_factory=dict)

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
        if isinstance(params.get("reply_markup"), str):
            # Sent already serialised (bot/handlers/wire.py): read it as Telegram does.
            params["reply_markup"] = json.loads(params["reply_markup"])
        files = {
            key: part[1] if isinstance(part, tuple) else part
            for key, part in ((request_data.multipart_data or {}) if request_data else {}).items()
        }
        self.calls.append(ApiCall(name, params, files))
        if name in self.delays:
            await asyncio.sleep(self.delays[name])
        if name in self.failures:
            code, description = self.failures.pop(name)
            body = {"ok": False, "error_code": code, "description": description}
            return code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self.result(name, params)}).encode()

    def result(self, method: str, params: dict[str, Any]) -> Any:
        """The canned result for a method."""
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return []
        if method in ("sendMessage", "editMessageText", "sendPhoto"):
            message_id = params.get("message_id") or next(self.message_ids)
            message: dict[str, Any] = {
                "message_id": int(message_id),
                "date": int(dt.datetime.now(dt.UTC).timestamp()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": _TAG.sub("", str(params.get("text", ""))),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        return True

    def since(self, mark: int) -> list[ApiCall]:
        """Calls made after `mark` (a previous `len(calls)`)."""
        return self.calls[mark:]
