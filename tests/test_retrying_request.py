"""Retries: 429 waits at least retry_after (any method); faults are retried where repeating is
safe; a send that may have reached Telegram is never repeated."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest

from bot.retrying_request import MAX_ATTEMPTS, TIMEOUT_PAUSE, RetryingRequest

OK = (200, json.dumps({"ok": True, "result": True}).encode())


def too_many(seconds: int) -> tuple[int, bytes]:
    body = {"ok": False, "error_code": 429, "parameters": {"retry_after": seconds}}
    return 429, json.dumps(body).encode()


class Scripted(BaseRequest):
    """Answers each call with the next scripted outcome (a reply, or an exception to raise)."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    async def initialize(self) -> None: ...

    async def shutdown(self) -> None: ...

    @property
    def read_timeout(self) -> float | None:
        return None

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        outcome = self.outcomes.pop(0) if self.outcomes else OK
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def with_cause(error: Exception, cause: Exception) -> Exception:
    error.__cause__ = cause
    return error


async def call(method: str, *outcomes: Any) -> tuple[Any, Scripted, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    inner = Scripted(*outcomes)
    request = RetryingRequest(inner, sleep=sleep)
    try:
        result: Any = await request.do_request(f"http://x/bot1:t/{method}", "POST")
    except Exception as error:
        result = error
    return result, inner, slept


async def test_429_waits_at_least_retry_after_even_for_a_send() -> None:
    result, inner, slept = await call("sendMessage", too_many(3), too_many(1))
    assert result == OK and inner.calls == 3
    assert slept[0] >= 3 and slept[1] >= 1


@pytest.mark.parametrize("method", ["editMessageText", "answerCallbackQuery", "deleteMessages"])
@pytest.mark.parametrize(
    "fault",
    [
        (500, b'{"ok":false}'),
        (502, b"<html>bad gateway</html>"),
        (200, b"{not json"),
        with_cause(TimedOut(), httpx.ReadTimeout("slow")),
        with_cause(NetworkError("reset"), httpx.RemoteProtocolError("dropped")),
    ],
)
async def test_safe_calls_are_retried_through_faults(method: str, fault: Any) -> None:
    result, inner, slept = await call(method, fault, fault)
    assert result == OK and inner.calls == 3 and len(slept) == 2


@pytest.mark.parametrize(
    "fault",
    [
        with_cause(TimedOut(), httpx.ReadTimeout("slow")),
        with_cause(NetworkError("reset"), httpx.RemoteProtocolError("dropped")),
    ],
)
async def test_a_send_that_may_have_arrived_is_not_repeated(fault: Exception) -> None:
    result, inner, _slept = await call("sendMessage", fault)
    assert result is fault and inner.calls == 1


@pytest.mark.parametrize("code", [500, 502])
async def test_a_send_with_a_server_error_is_not_repeated(code: int) -> None:
    result, inner, _slept = await call("sendMessage", (code, b"{}"))
    assert result == (code, b"{}") and inner.calls == 1


async def test_a_send_that_never_left_is_retried() -> None:
    fault = with_cause(NetworkError("refused"), httpx.ConnectError("refused"))
    result, inner, _slept = await call("sendMessage", fault)
    assert result == OK and inner.calls == 2


async def test_retries_are_bounded() -> None:
    faults = [(502, b"{}")] * (MAX_ATTEMPTS + 5)
    result, inner, _slept = await call("editMessageText", *faults)
    assert result == (502, b"{}") and inner.calls == MAX_ATTEMPTS


async def test_errors_that_are_answers_are_not_retried() -> None:
    bad = (400, b'{"ok":false,"description":"Bad Request: message is not modified"}')
    result, inner, _slept = await call("editMessageText", bad)
    assert result == bad and inner.calls == 1


async def test_after_a_read_timeout_the_retry_does_not_wait_again() -> None:
    # The timed-out attempt already waited its whole read timeout; a backoff on top would only
    # hold the update, and polling behind it, longer.
    slow = with_cause(TimedOut(), httpx.ReadTimeout("slow"))
    result, inner, slept = await call("editMessageText", slow, slow, slow)
    assert result == OK and inner.calls == 4
    assert slept == [TIMEOUT_PAUSE] * 3


def reply_of(result: object) -> tuple[int, bytes]:
    return 200, json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode()


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The replies python-telegram-bot's own `parse_json_payload` reads."""
    read: list[bytes] = []
    parse = BaseRequest.parse_json_payload

    def counted(payload: bytes) -> Any:
        read.append(payload)
        return parse(payload)

    monkeypatch.setattr(BaseRequest, "parse_json_payload", staticmethod(counted))
    return read


async def test_a_repeatable_calls_reply_is_read_once_and_as_python_telegram_bot_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The reply of an edit is read to see that it is readable (else the edit is tried again):
    # `post` gets that reading instead of reading the reply a second time.
    message = {"message_id": 7, "text": "Ñandú — 中文 ไทย", "reply_markup": {"inline_keyboard": []}}
    request = RetryingRequest(Scripted(reply_of(message)))
    read = counting_reads(monkeypatch)
    assert await request.post("http://x/bot1:t/editMessageText") == message
    assert read == []
    # A send's reply is not read before: python-telegram-bot reads it, once.
    request = RetryingRequest(Scripted(reply_of(message)))
    assert await request.post("http://x/bot1:t/sendMessage") == message
    assert len(read) == 1


async def test_a_reply_read_back_is_never_another_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    request = RetryingRequest(Scripted(reply_of("first"), reply_of("second")))
    # An edit's reply read, but never passed on (as when a caller stops there) ...
    await request.do_request("http://x/bot1:t/editMessageText", "POST")
    read = counting_reads(monkeypatch)
    # ... is not what the next call's reply reads as.
    assert await request.post("http://x/bot1:t/sendMessage") == "second"
    assert len(read) == 1
