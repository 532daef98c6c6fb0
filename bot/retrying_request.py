"""Bot API calls that survive Telegram's limits and faults without sending anything twice.

- 429 Too Many Requests: Telegram did nothing; wait at least `retry_after`, then try again
  (any method).
- The connection could not be made (connect error or timeout, no free connection): nothing was
  sent; try again with backoff (any method).
- 5xx, a timeout or a dropped connection after the request went out, or a reply that is not
  JSON: the call may have taken effect. Methods that are safe to repeat (edits, answers,
  deletes, reads, settings) are tried again with backoff; a send is not, because a repeat could
  show the person the same message twice. The choice is documented in docs/reliability.md.
Every wait is bounded: past MAX_TOTAL_WAIT the last error is raised.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable

import httpx
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)

# Methods whose repetition cannot show the person anything twice.
SAFE_TO_REPEAT = frozenset(
    {
        "answercallbackquery",
        "editmessagetext",
        "editmessagereplymarkup",
        "deletemessage",
        "deletemessages",
        "getupdates",
        "getme",
        "getchat",
        "setmycommands",
        "deletemycommands",
        "leavechat",
        "setwebhook",
        "deletewebhook",
        "getwebhookinfo",
    }
)
# Raised before anything reached Telegram: safe to repeat for every method.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
MAX_ATTEMPTS = 6
FIRST_BACKOFF, MAX_BACKOFF = 0.5, 8.0
MAX_TOTAL_WAIT = 60.0
MAX_RETRY_AFTER = 60.0
# The pause after a read timeout (the call already waited its whole read timeout).
TIMEOUT_PAUSE = 0.1


def method_of(url: str) -> str:
    """The Bot API method a request URL calls, lower-cased ("sendmessage")."""
    return url.rstrip("/").rsplit("/", 1)[-1].lower()


def _retry_after(payload: bytes) -> float | None:
    """`parameters.retry_after` of a 429 reply, if it can be read."""
    try:
        data = json.loads(payload)
        value = data["parameters"]["retry_after"]
    except (ValueError, KeyError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) and value >= 0 else None


def _read(payload: bytes) -> object:
    """A reply read as python-telegram-bot reads one (`BaseRequest.parse_json_payload`), or
    `_UNREADABLE`."""
    try:
        return json.loads(payload.decode("utf-8", "replace"))
    except ValueError:
        return _UNREADABLE


_UNREADABLE = object()


class RetryingRequest(BaseRequest):
    """Wraps another request object (normally HTTPXRequest) with the retry rules above."""

    def __init__(
        self,
        inner: BaseRequest,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._inner = inner
        self._sleep = sleep
        # The last reply read to see that it is readable, and what it read as, for
        # `parse_json_payload`: `post` reads the reply `do_request` returns right after it, with
        # no other call in between (nothing is awaited there), so it is never read twice.
        self._read_back: tuple[bytes, object] | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One call, tried again as the module docstring says."""
        repeatable = method_of(url) in SAFE_TO_REPEAT
        waited = 0.0
        backoff = FIRST_BACKOFF
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= MAX_ATTEMPTS or waited >= MAX_TOTAL_WAIT
            try:
                code, payload = await self._inner.do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,
                    write_timeout,
                    connect_timeout,
                    pool_timeout,
                )
            except (TimedOut, NetworkError) as error:
                not_sent = isinstance(error.__cause__, _NOT_SENT)
                if last or not (repeatable or not_sent):
                    raise
                # A read timeout has already spaced this attempt from the last by seconds:
                # waiting again would only hold the update (and polling) longer.
                read_timed_out = isinstance(error.__cause__, httpx.ReadTimeout)
                pause = TIMEOUT_PAUSE if read_timed_out else self._backoff(backoff)
            else:
                if code == 429:
                    after = _retry_after(payload)
                    if last or after is None or after > MAX_RETRY_AFTER:
                        return code, payload
                    pause = after + 0.1 * random.random()
                elif repeatable and code >= 500:
                    if last:
                        return code, payload
                    pause = self._backoff(backoff)
                elif repeatable and code == 200:
                    read = _read(payload)
                    if read is not _UNREADABLE:
                        self._read_back = (payload, read)
                        return code, payload
                    if last:
                        return code, payload
                    pause = self._backoff(backoff)
                else:
                    return code, payload
            logger.info("Telegram call failed (attempt %d); trying again shortly", attempt)
            await self._sleep(pause)
            waited += pause
            backoff = min(backoff * 2, MAX_BACKOFF)

    def parse_json_payload(self, payload: bytes) -> JSONDict:  # type: ignore[override]
        """The reply as python-telegram-bot reads it; one `do_request` has just read (to see
        that it is readable) is not read again."""
        read_back, self._read_back = self._read_back, None
        if read_back is not None and read_back[0] is payload:
            return read_back[1]  # type: ignore[return-value]
        return super().parse_json_payload(payload)

    @staticmethod
    def _backoff(base: float) -> float:
        """Exponential backoff with jitter, so many callers do not retry in step."""
        return base * (0.5 + random.random())
