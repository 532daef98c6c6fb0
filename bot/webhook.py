"""Webhook mode: Telegram posts each update to us, and our answer says whether it was handled.

The same rules as our long polling (bot/polling.py), over HTTP:
- Only Telegram knows the secret it sends in the X-Telegram-Bot-Api-Secret-Token header. A
  request without it, or with a wrong one, is answered 403 from the headers alone: its body is
  never read (the connection is closed after the answer), no handler runs, and nothing about it
  is logged but a count when the bot stops.
- A body (at most 1 MiB) that is not an update is answered 400; an update python-telegram-bot
  cannot parse is logged by kind and id only and answered 200, so Telegram does not send it
  again forever.
- An update is answered when the dispatcher has handled it (200), so an update in hand when
  the bot stops is answered 503 and Telegram delivers it again. An update delivered twice is
  answered like its first delivery, without being handled twice.
- On stop, new requests are refused at once, the updates in hand get the stop grace, and the
  rest are answered 503 before the connections close. The webhook stays set at Telegram, which
  keeps what arrives meanwhile for the next start.

The HTTP server is tornado's, as python-telegram-bot's own webhook server uses, with our own
request handler: every path is served (the secret, not the path, tells Telegram apart, and a
reverse proxy may rewrite the path), and tornado's per-request logging is off.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Iterator, Sequence
from types import TracebackType
from typing import Any

import tornado.web
from telegram import Bot
from telegram.error import BadRequest
from tornado.httpserver import HTTPServer
from tornado.iostream import StreamClosedError
from tornado.netutil import bind_sockets

from bot.config import Config, WebhookError
from bot.dispatch import Dispatcher
from bot.logs import describe_error
from bot.polling import read_update

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram's updates are far smaller
# Updates remembered as delivered, to answer a repeated delivery without handling it twice.
REMEMBERED_UPDATES = 10_000
# After the grace, how long the last answers (503s) may take to go out.
LAST_ANSWERS_WAIT = 2.0
# A connection with no request for this long is closed; a request's headers must arrive within
# it too, and its body within it once the headers are in.
IDLE_SECONDS = 60.0
MAX_HEADER_BYTES = 16 * 1024


class WebhookServer:
    """Receives updates over HTTP for a dispatcher; see the module docstring for the rules."""

    def __init__(self, bot: Bot, dispatcher: Dispatcher, secret: str) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        self._secret = secret.encode("ascii")
        # Requests refused for a missing or wrong secret (only ever logged as this count).
        self.refused = 0
        self.stopping = False
        self._delivered: OrderedDict[int, asyncio.Future[None]] = OrderedDict()
        self._answering = 0
        self._all_answered = asyncio.Event()
        self._all_answered.set()
        self._http = HTTPServer(
            _Application(self),
            idle_connection_timeout=IDLE_SECONDS,
            body_timeout=IDLE_SECONDS,
            max_header_size=MAX_HEADER_BYTES,
        )

    def listen(self, address: str, port: int) -> int:
        """Start accepting connections on `address`:`port` (0: any free port); the port."""
        sockets = bind_sockets(port, address)
        self._http.add_sockets(sockets)
        return int(sockets[0].getsockname()[1])

    def is_from_telegram(self, header: str | None) -> bool:
        """Whether a request carries the secret (compared in constant time)."""
        if header is None:
            return False
        return hmac.compare_digest(header.encode("latin-1", "replace"), self._secret)

    async def answer(self, body: bytes) -> int:
        """The HTTP status for the body of a request from Telegram, once its update is handled
        (or dropped by flood control); 503 when the bot stops first."""
        if self.stopping:
            return 503
        raw = _update_json(body)
        if raw is None:
            logger.warning("Refused a webhook request whose body is not an update (400)")
            return 400
        done = self._delivered.get(raw["update_id"]) or self._take(raw)
        await asyncio.wait([done])
        return 503 if done.cancelled() else 200

    def _take(self, raw: dict[str, Any]) -> asyncio.Future[None]:
        """Hand a new update to the dispatcher (one that cannot be read is logged and
        skipped), and remember it exactly: Telegram may deliver updates out of order, so an
        id below the highest one seen is not necessarily handled already."""
        update_id: int = raw["update_id"]
        if self.dispatcher.flooded(raw):
            done = self.dispatcher.submit(update_id, None)  # dropped unread
        else:
            done = self.dispatcher.submit(*(read_update(raw, self.bot) or (update_id, None)))
        self._delivered[update_id] = done
        while len(self._delivered) > REMEMBERED_UPDATES:
            self._delivered.popitem(last=False)
        return done

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """Counts a request from Telegram until its answer is written."""
        self._answering += 1
        self._all_answered.clear()
        try:
            yield
        finally:
            self._answering -= 1
            if not self._answering:
                self._all_answered.set()

    async def stop(self, grace: float) -> None:
        """Refuse new requests at once, give the updates in hand `grace` seconds, answer the
        rest 503 (Telegram sends them again), then close every connection."""
        self.stopping = True
        self._http.stop()
        in_hand = self.dispatcher.in_hand()
        if not await self.dispatcher.drain(grace):
            logger.warning(
                "Stopping with %d of %d update(s) unfinished: Telegram sends them again",
                self.dispatcher.in_hand(),
                in_hand,
            )
            await self.dispatcher.cancel()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._all_answered.wait(), LAST_ANSWERS_WAIT)
        await self._http.close_all_connections()
        if self.refused:
            logger.info(
                "Refused %d webhook request(s) with a missing or wrong secret", self.refused
            )


async def serve_webhook(
    bot: Bot,
    dispatcher: Dispatcher,
    config: Config,
    allowed_updates: Sequence[str],
    stop: asyncio.Event,
) -> None:
    """Receive updates by webhook until `stop` is set, then finish within the stop grace.

    The server listens before the webhook is set, so Telegram's first delivery finds it; the
    webhook is not deleted on stop, so Telegram keeps new updates for the next start.
    """
    if not (config.webhook_url and config.webhook_secret):
        raise WebhookError("Webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET.")
    server = WebhookServer(bot, dispatcher, config.webhook_secret)
    try:
        port = server.listen(config.webhook_listen, config.webhook_port)
    except OSError as error:
        raise WebhookError(
            f"Cannot listen on {config.webhook_listen} port {config.webhook_port}"
            f" ({error.strerror or type(error).__name__}): choose a free WEBHOOK_PORT (below"
            " 1024 needs privileges) and an address of this machine for WEBHOOK_LISTEN."
        ) from None
    try:
        try:
            await bot.set_webhook(
                url=config.webhook_url,
                secret_token=config.webhook_secret,
                allowed_updates=list(allowed_updates),
                drop_pending_updates=False,
            )
        except BadRequest as error:
            raise WebhookError(
                f"Telegram refused WEBHOOK_URL ({error.message}): it must be a public https"
                " address on port 443, 80, 88 or 8443 with a valid certificate."
            ) from None
        logger.info(
            "Waiting for updates (webhook, listening on %s port %d)", config.webhook_listen, port
        )
        await stop.wait()
    finally:
        await server.stop(config.stop_grace)


def _update_json(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object with a whole-number update_id, else None."""
    try:
        raw = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
        return None
    return raw


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


class _Application(tornado.web.Application):
    def __init__(self, server: WebhookServer) -> None:
        super().__init__([(r".*", _UpdateHandler, {"server": server})])

    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: a line per request would record when people used the bot."""


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    """One request. `prepare` sees only the headers; the body arrives in `data_received`
    (never, for a refused request) and is answered in `post`."""

    server: WebhookServer

    def initialize(self, server: WebhookServer) -> None:
        """Tornado's per-request setup."""
        self.server = server
        self._chunks: list[bytes] = []
        self._size = 0
        self._answered = False

    def set_default_headers(self) -> None:
        """Answers carry only a status: no body type, no server name."""
        self.clear_header("Content-Type")
        self.clear_header("Server")

    def prepare(self) -> None:
        """Refuse from the headers alone whatever cannot be an update from Telegram."""
        if not self.server.is_from_telegram(self.request.headers.get(SECRET_HEADER)):
            self.server.refused += 1
            self._answer(403)
        elif self.server.stopping:
            self._answer(503)
        elif self.request.method != "POST":
            self._answer(405)
        elif _declared_size(self.request.headers.get("Content-Length")) > MAX_BODY:
            self._too_big()

    def data_received(self, chunk: bytes) -> None:
        """Collect the body of a request from Telegram (a chunked one is cut at MAX_BODY)."""
        self._size += len(chunk)
        if self._size > MAX_BODY:
            self._too_big()
        elif not self._answered:
            self._chunks.append(chunk)

    async def post(self) -> None:
        """Answer once the update is handled."""
        if self._answered:
            return
        with self.server.answering():
            status = await self.server.answer(b"".join(self._chunks))
            with contextlib.suppress(StreamClosedError):
                await self._answer(status, body_read=True)

    def _too_big(self) -> None:
        if not self._answered:
            logger.warning("Refused a webhook request over %d bytes (413)", MAX_BODY)
            self._answer(413)

    def _answer(self, status: int, *, body_read: bool = False) -> Awaitable[None]:
        """Send `status` with an empty body. Before the body was read, tornado then closes the
        connection instead of reading the body; the header tells the client so."""
        self._answered = True
        self.set_status(status)
        if not body_read or self.server.stopping:
            self.set_header("Connection", "close")
        return self.finish()

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Errors too are answered with a status only."""
        self.finish()

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Nothing per request for HTTP errors; type names only for a failure of ours."""
        if not isinstance(value, tornado.web.HTTPError):
            logger.error("A webhook request failed: %s", describe_error(value))


def _declared_size(header: str | None) -> int:
    """The Content-Length a request declares (0 when none: a chunked body is counted as it
    arrives; tornado refuses a malformed one)."""
    if header is None or not (header.isascii() and header.isdigit()):
        return 0
    return int(header) if len(header) < 19 else MAX_BODY + 1
