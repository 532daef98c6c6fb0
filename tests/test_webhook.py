"""Webhook mode: the settings, the server in process (the real Application with a recording
Bot API, HTTP on 127.0.0.1), and `python -m bot run` end to end against the fake Bot API.

Every wait is on a condition with a deadline; the only delays are a slow fake Telegram.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import ALLOWED_UPDATES, build_dispatcher
from bot.config import Config, ConfigError, WebhookError, load_config
from bot.dispatch import Dispatcher
from bot.domain.catalog import Catalog
from bot.webhook import (
    MAX_BODY,
    SECRET_HEADER,
    WebhookServer,
    _UpdateHandler,
    serve_webhook,
)
from tests.app_harness import TOKEN as HARNESS_TOKEN
from tests.app_harness import Harness, harness_config, running_bot
from tests.canaries import ALL as CANARIES
from tests.canaries import TEXT_WORD, canary_user, found
from tests.conftest import CONTENT, ROOT, SUNDAY_MORNING
from tests.fake_bot_api import FakeBotApi, message_update

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
# A fixed secrets.token_urlsafe(48), so failures are reproducible.
SECRET = "CDt_JzFTBXeY0t1onzSIY1RrfuCvaHWA5qs_yz94ghtqehmaYGMvOqDy6zUjXQQs"
GOOD = {SECRET_HEADER: SECRET}
URL = "https://bot.example.org/telegram"
DEADLINE = 20.0


# Settings


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A valid webhook environment whose DATA_DIR is a fresh temporary folder."""
    return {
        "BOT_TOKEN": TOKEN,
        "DATA_DIR": str(tmp_path / "data"),
        "WEBHOOK_URL": URL,
        "WEBHOOK_SECRET": SECRET,
    }


def error_for(environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(environ)
    message = str(caught.value)
    assert message.strip() and "\n" not in message
    assert SECRET not in message and TOKEN.partition(":")[2] not in message
    return message


def test_webhook_settings_are_read_with_defaults(env: dict[str, str]) -> None:
    config = load_config(env)
    assert config.webhook_url == URL
    assert config.webhook_secret == SECRET
    assert (config.webhook_listen, config.webhook_port) == ("0.0.0.0", 8443)


def test_webhook_listen_and_port_are_read(env: dict[str, str]) -> None:
    config = load_config({**env, "WEBHOOK_LISTEN": " 127.0.0.1 ", "WEBHOOK_PORT": "8080"})
    assert (config.webhook_listen, config.webhook_port) == ("127.0.0.1", 8080)
    assert load_config({**env, "WEBHOOK_LISTEN": "::"}).webhook_listen == "::"


def test_without_webhook_url_it_is_long_polling(tmp_path: Path) -> None:
    config = load_config({"BOT_TOKEN": TOKEN, "DATA_DIR": str(tmp_path), "WEBHOOK_URL": " "})
    assert config.webhook_url is None and config.webhook_secret is None


def test_config_built_without_webhook_settings_is_long_polling(tmp_path: Path) -> None:
    config = harness_config(tmp_path)
    assert config.webhook_url is None and config.webhook_secret is None
    assert (config.webhook_listen, config.webhook_port) == ("0.0.0.0", 8443)


@pytest.mark.parametrize(
    "url",
    [
        "https://bot.example.org",
        "https://bot.example.org/",
        "https://bot.example.org:8443/hook/",
        "https://bot.example.org:443/a/b-c_d.e~f",
        "https://203.0.113.7:88/hook",
        "https://[2001:db8::1]:8443/hook",
        "https://bot.example.org./hook",
    ],
)
def test_good_webhook_urls(env: dict[str, str], url: str) -> None:
    assert load_config({**env, "WEBHOOK_URL": f" {url} "}).webhook_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://bot.example.org/hook",
        "ftp://bot.example.org/hook",
        "bot.example.org/hook",
        "https:///hook",
        "https://user:pass@bot.example.org/hook",
        "https://user@bot.example.org/hook",
        "https://bot.example.org/hook?x=1",
        "https://bot.example.org/hook?",
        "https://bot.example.org/hook#part",
        "https://bot.example.org/a b",
        "https://bot.exämple.org/hook",
        "https://bot.example.org/ho\tok",
        "https://bot.example.org/ho\nok",
        "https://bot.example.org:port/hook",
        "https://bot.example.org:99999/hook",
        "https://bot_example!.org/hook",
        "https://bot.example.org\\@evil.example/hook",
    ],
)
def test_bad_webhook_urls_are_refused_without_echoing_them(env: dict[str, str], url: str) -> None:
    message = error_for({**env, "WEBHOOK_URL": url})
    assert message.startswith("WEBHOOK_URL must be an https address")
    assert url.strip() not in message
    assert not Path(env["DATA_DIR"]).exists()


@pytest.mark.parametrize("port", ["1", "8080", "8444", "0"])
def test_webhook_url_ports_are_those_telegram_posts_to(env: dict[str, str], port: str) -> None:
    message = error_for({**env, "WEBHOOK_URL": f"https://bot.example.org:{port}/hook"})
    assert "443, 80, 88 or 8443" in message


@pytest.mark.parametrize(
    "url",
    [
        f"https://bot.example.org/bot{TOKEN}",
        f"https://bot.example.org/{TOKEN.partition(':')[2]}",
        "https://bot.example.org/" + TOKEN.replace(":", "%3A"),
        "https://bot.example.org/x/" + TOKEN.partition(":")[2].replace("A", "%41"),
    ],
)
def test_a_webhook_url_holding_the_token_is_refused(env: dict[str, str], url: str) -> None:
    message = error_for({**env, "WEBHOOK_URL": url})
    assert "contains the bot token" in message


def test_a_webhook_url_holding_the_secret_is_refused(env: dict[str, str]) -> None:
    message = error_for({**env, "WEBHOOK_URL": f"{URL}/{SECRET}"})
    assert message.startswith("WEBHOOK_URL contains WEBHOOK_SECRET")


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        ("", "WEBHOOK_SECRET is not set"),
        ("  ", "WEBHOOK_SECRET is not set"),
        ("Cy7_rQ2" * 6 + "=", "may hold only letters"),
        ("Cy7/rQ2" * 6, "may hold only letters"),
        ("x" * 257, "may hold only letters"),
        ("Cy7 rQ2vLp9Tz4Wk8Nb1Xs6Jd3Fh5Gm0Aq", "may hold only letters"),
        ("Cy7_rQ2vLp9Tz4Wk8Nb1Xs6Jd3", "at least 32 characters"),
        ("abcdefghijklmnopqrstuvwxyzABCDEF", "too easy to guess"),
        ("Cy7_rQ2v" * 4, "too easy to guess"),
        ("a" * 64, "too easy to guess"),
        ("0123456789" * 4, "too easy to guess"),
    ],
)
def test_bad_webhook_secrets_are_refused(env: dict[str, str], secret: str, says: str) -> None:
    message = error_for({**env, "WEBHOOK_SECRET": secret})
    assert message.startswith("WEBHOOK_SECRET") and says in message
    assert "secrets.token_urlsafe" in message
    if secret.strip():
        assert secret not in message


def test_a_generated_webhook_secret_is_accepted(env: dict[str, str]) -> None:
    import secrets

    for _ in range(50):
        made = secrets.token_urlsafe(48)
        assert load_config({**env, "WEBHOOK_SECRET": made}).webhook_secret == made


@pytest.mark.parametrize("listen", ["localhost", "0.0.0", "256.1.1.1", "1.2.3.4:80", "any"])
def test_bad_webhook_listen_is_refused(env: dict[str, str], listen: str) -> None:
    message = error_for({**env, "WEBHOOK_LISTEN": listen})
    assert message.startswith("WEBHOOK_LISTEN must be an IP address")


@pytest.mark.parametrize("port", ["0", "65536", "-1", "80.5", "http", "9" * 5000])
def test_bad_webhook_port_is_refused(env: dict[str, str], port: str) -> None:
    message = error_for({**env, "WEBHOOK_PORT": port})
    assert message.startswith("WEBHOOK_PORT must be a whole number from 1 to 65535")
    assert "WEBHOOK_PORT=8443" in message


@pytest.mark.parametrize("name", ["WEBHOOK_SECRET", "WEBHOOK_LISTEN", "WEBHOOK_PORT"])
def test_webhook_settings_without_webhook_url_are_refused(env: dict[str, str], name: str) -> None:
    stray = {"WEBHOOK_SECRET": SECRET, "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": "8443"}
    environ = {k: v for k, v in env.items() if not k.startswith("WEBHOOK_")}
    message = error_for({**environ, name: stray[name]})
    assert message.startswith(f"{name} is set but WEBHOOK_URL is not")


def test_repr_hides_the_webhook_secret(env: dict[str, str]) -> None:
    config = load_config(env)
    shown = f"{config!r} {config!s}"
    assert SECRET not in shown and TOKEN.partition(":")[2] not in shown
    assert URL in shown


# The server in process


@dataclass
class Webhook:
    """A webhook server in this process in front of the real Application."""

    harness: Harness
    dispatcher: Dispatcher
    server: WebhookServer
    url: str
    client: httpx.AsyncClient

    async def post(self, body: Any, headers: dict[str, Any] | None = None) -> httpx.Response:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return await self.client.post(
            "/", content=content, headers=GOOD if headers is None else headers
        )

    def calls(self) -> list[str]:
        return [call.method for call in self.harness.request.calls]


@pytest.fixture
async def webhook(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Webhook]:
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as harness:
        config = harness_config(harness.data_dir)
        dispatcher = build_dispatcher(harness.application, harness.handlers, config)
        server = WebhookServer(harness.application.bot, dispatcher, SECRET)
        url = f"http://127.0.0.1:{server.listen('127.0.0.1', 0)}"
        async with httpx.AsyncClient(base_url=url, timeout=DEADLINE) as client:
            try:
                yield Webhook(harness, dispatcher, server, url, client)
            finally:
                if not server.stopping:
                    await server.stop(1.0)


update_ids = iter(range(900_000, 10**9))


def update(text: str = "condoms", number: int = 1) -> dict[str, Any]:
    return {"update_id": next(update_ids), **message_update(canary_user("en", number), text)}


async def wait_until(condition: Callable[[], object]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with a digest of its content."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def wrong_headers(n: int) -> dict[str, Any]:
    """The n-th of many ways to lack the secret: missing, empty, near misses, garbage."""
    near = [
        None,
        "",
        "wrong",
        SECRET[:-1],
        SECRET + "x",
        SECRET.swapcase(),
        SECRET[:-1] + ("A" if SECRET[-1] != "A" else "B"),
        SECRET[::-1],
        "é".encode("latin-1") + SECRET.encode()[1:],
        HARNESS_TOKEN,
    ]
    value = near[n % len(near)]
    headers: dict[str, Any] = {"Content-Type": "application/json", "X-Canary": TEXT_WORD}
    if value is not None:
        headers[SECRET_HEADER] = value
    return headers


async def test_a_thousand_requests_without_the_secret_are_refused_and_only_counted(
    webhook: Webhook, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    calls_before = webhook.calls()
    files_before = snapshot(webhook.harness.data_dir)
    submitted: list[int] = []
    monkeypatch.setattr(webhook.dispatcher, "submit", lambda *args: submitted.append(1))
    body = json.dumps(update("/start")).encode()
    paths = ["/", "/telegram", f"/{TEXT_WORD}", f"/bot{HARNESS_TOKEN}/x"]
    methods = ["POST"] * 8 + ["GET", "PUT"]
    gate = asyncio.Semaphore(16)

    async def refused(n: int) -> int:
        async with gate:
            method = methods[n % len(methods)]
            response = await webhook.client.request(
                method,
                paths[n % len(paths)],
                content=body if method != "GET" else None,
                headers=wrong_headers(n),
            )
            return response.status_code

    started = time.perf_counter()
    statuses = await asyncio.gather(*(refused(n) for n in range(1000)))
    elapsed = time.perf_counter() - started
    print(f"\n1000 refused webhook requests in {elapsed:.2f} s")  # see `pytest -s`

    assert statuses == [403] * 1000
    assert webhook.server.refused == 1000
    assert submitted == [] and webhook.calls() == calls_before
    assert snapshot(webhook.harness.data_dir) == files_before
    assert all(
        logging.getLogger(name).getEffectiveLevel() >= logging.WARNING
        for name in ("tornado.access", "tornado.application", "tornado.general")
    )
    await webhook.server.stop(1.0)
    lines = [record.getMessage() for record in caplog.records]
    assert lines == ["Refused 1000 webhook request(s) with a missing or wrong secret"]


async def test_a_refused_request_is_answered_before_its_body_is_read(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks: list[int] = []
    original = _UpdateHandler.data_received

    def counting(handler: _UpdateHandler, chunk: bytes) -> None:
        chunks.append(len(chunk))
        original(handler, chunk)

    monkeypatch.setattr(_UpdateHandler, "data_received", counting)
    port = int(webhook.url.rsplit(":", 1)[1])
    for headers in (b"X-Telegram-Bot-Api-Secret-Token: wrong\r\n", b""):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            # 10 MB announced, 16 KiB sent: the answer must not wait for the rest.
            writer.write(
                b"POST / HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
                b"Content-Length: 10000000\r\n" + headers + b"\r\n" + b"x" * 16_384
            )
            await writer.drain()
            answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), DEADLINE)
            assert answer.startswith(b"HTTP/1.1 403")
            # ... and the connection is closed rather than the body read.
            assert await asyncio.wait_for(reader.read(), DEADLINE) == b""
        finally:
            writer.close()
    assert chunks == []
    assert webhook.server.refused == 2


async def test_an_oversized_body_from_telegram_is_refused_unread(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks: list[int] = []
    monkeypatch.setattr(_UpdateHandler, "data_received", lambda _h, chunk: chunks.append(1))
    port = int(webhook.url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            b"POST / HTTP/1.1\r\nHost: bot\r\nContent-Length: %d\r\n%s: %s\r\n\r\n{"
            % (MAX_BODY + 1, SECRET_HEADER.encode(), SECRET.encode())
        )
        await writer.drain()
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), DEADLINE)
        assert answer.startswith(b"HTTP/1.1 413")
    finally:
        writer.close()
    assert chunks == []


async def test_a_chunked_body_is_cut_at_the_limit(webhook: Webhook) -> None:
    port = int(webhook.url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            b"POST / HTTP/1.1\r\nHost: bot\r\nTransfer-Encoding: chunked\r\n%s: %s\r\n\r\n"
            % (SECRET_HEADER.encode(), SECRET.encode())
        )
        chunk = b"x" * 65_536
        for _ in range(MAX_BODY // len(chunk) + 1):
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), DEADLINE)
        assert answer.startswith(b"HTTP/1.1 413")
    finally:
        writer.close()
    assert webhook.server.refused == 0


async def test_a_body_of_exactly_the_limit_is_read(webhook: Webhook) -> None:
    raw = update()
    text = json.dumps(raw)
    body = text[:-1] + " " * (MAX_BODY - len(text)) + "}"
    assert len(body.encode()) == MAX_BODY
    assert (await webhook.post(body.encode())).status_code == 200


async def test_an_update_is_answered_only_after_the_reply_was_sent(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = webhook.harness.request
    request.delays["sendMessage"] = 0.2  # a slow Telegram: an early answer would show
    finished: list[str] = []
    original = request.do_request

    async def tracking(*args: Any, **kwargs: Any) -> tuple[int, bytes]:
        result = await original(*args, **kwargs)
        finished.append(str(kwargs.get("url", args[0] if args else "")).rsplit("/", 1)[-1])
        return result

    monkeypatch.setattr(request, "do_request", tracking)
    response = await webhook.post(update("/start"))
    assert response.status_code == 200
    assert "sendMessage" in finished
    assert response.content == b""


async def test_a_repeated_delivery_is_answered_without_handling_it_twice(webhook: Webhook) -> None:
    first = update("/start")
    assert (await webhook.post(first)).status_code == 200
    mark = len(webhook.calls())
    assert (await webhook.post(first)).status_code == 200
    assert webhook.calls()[mark:] == []


async def test_a_repeated_delivery_while_in_hand_shares_the_first_answer(
    webhook: Webhook,
) -> None:
    webhook.harness.request.delays["sendMessage"] = 0.2
    first = update("/start")
    answers = await asyncio.gather(webhook.post(first), webhook.post(first))
    assert [a.status_code for a in answers] == [200, 200]
    assert webhook.calls().count("sendMessage") == 1


async def test_updates_delivered_out_of_order_are_all_handled(webhook: Webhook) -> None:
    # Telegram may deliver out of order; an id below the highest seen is still new.
    later, earlier = update("/start", 2), update("/start", 3)
    later["update_id"], earlier["update_id"] = earlier["update_id"], later["update_id"]
    assert (await webhook.post(later)).status_code == 200
    assert (await webhook.post(earlier)).status_code == 200
    assert webhook.calls().count("sendMessage") == 2


@pytest.mark.parametrize(
    "raw",
    [
        {"update_id": 77, "message": "not a message"},
        {"update_id": 77, "message": {"text": TEXT_WORD, "from": canary_user()}},
        {"update_id": 77, "callback_query": {"data": TEXT_WORD, "from": canary_user()}},
    ],
)
async def test_an_unreadable_update_is_answered_200_and_logged_by_kind_and_id(
    webhook: Webhook, caplog: pytest.LogCaptureFixture, raw: dict[str, Any]
) -> None:
    caplog.set_level(logging.DEBUG)
    mark = len(webhook.calls())
    assert (await webhook.post(raw)).status_code == 200
    assert webhook.calls()[mark:] == []
    kind = next(k for k in raw if k != "update_id")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert len(lines) == 1
    assert lines[0].startswith(f"Skipped update 77 ({kind}): it could not be read")
    assert found(caplog.text) == [] and "not a message" not in caplog.text


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b"[1, 2]",
        b'"text"',
        b"null",
        b'{"message": {"text": "%s"}}' % TEXT_WORD.encode(),
        b'{"update_id": "5", "message": {}}',
        b'{"update_id": true}',
        b'{"update_id": 5.0}',
        b'{"update_id": NaN}',
        b'{"update_id": 1, "x": Infinity}',
        b'{"update_id": 1,}',
        b'{"update_id": 1} trailing',
        b"\xff\xfe{}",
        b'{"update_id": 1, "text": "' + TEXT_WORD.encode("utf-16") + b'"}',
        b"[" * 200_000,
    ],
)
async def test_a_body_that_is_not_an_update_is_answered_400_and_logged_without_content(
    webhook: Webhook, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    caplog.set_level(logging.DEBUG)
    mark = len(webhook.calls())
    assert (await webhook.post(body)).status_code == 400
    assert webhook.calls()[mark:] == []
    lines = [r.getMessage() for r in caplog.records if r.name.startswith(("bot", "tornado"))]
    assert lines == ["Refused a webhook request whose body is not an update (400)"]
    assert found(caplog.text) == []


async def test_other_methods_with_the_secret_are_refused(webhook: Webhook) -> None:
    response = await webhook.client.get("/", headers=GOOD)
    assert response.status_code == 405
    assert webhook.server.refused == 0


async def test_stop_answers_an_update_outlasting_the_grace_with_503(
    webhook: Webhook, caplog: pytest.LogCaptureFixture
) -> None:
    request = webhook.harness.request
    request.delays["sendMessage"] = 60.0  # Telegram hangs: the grace runs out
    mark = len(request.calls)
    answer = asyncio.create_task(webhook.post(update("/start")))
    await wait_until(lambda: any(c.method == "sendMessage" for c in request.since(mark)))
    await webhook.server.stop(0.2)
    response = await asyncio.wait_for(answer, DEADLINE)
    assert response.status_code == 503
    assert "Stopping with 1 of 1 update(s) unfinished" in caplog.text
    with pytest.raises(httpx.ConnectError):
        await webhook.post(update())


async def test_stop_refuses_new_requests_at_once_and_finishes_those_in_hand(
    webhook: Webhook,
) -> None:
    request = webhook.harness.request
    assert (await webhook.post(update("/start", 4))).status_code == 200  # a kept-alive connection
    async with httpx.AsyncClient(base_url=webhook.url, timeout=DEADLINE) as other:
        request.delays["sendMessage"] = 1.0
        mark = len(request.calls)
        in_hand = asyncio.create_task(
            other.post("/", content=json.dumps(update("/start", 5)), headers=GOOD)
        )
        await wait_until(lambda: any(c.method == "sendMessage" for c in request.since(mark)))
        stopping = asyncio.create_task(webhook.server.stop(DEADLINE))
        await wait_until(lambda: webhook.server.stopping)
        # A new request on the connection kept alive is refused at once; Telegram sends it
        # again later. The update in hand still gets its answer.
        refused = await webhook.post(update("/start", 6))
        assert refused.status_code == 503
        assert not in_hand.done()
        assert (await asyncio.wait_for(in_hand, DEADLINE)).status_code == 200
        await asyncio.wait_for(stopping, DEADLINE)
    assert webhook.calls().count("sendMessage") == 2


# serve_webhook: setWebhook on start, nothing on stop


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_config(data_dir: Path, port: int) -> Config:
    return dataclasses.replace(
        harness_config(data_dir),
        webhook_url="https://example.org/hook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret=SECRET,
        stop_grace=1.0,
    )


async def test_serve_webhook_sets_the_webhook_and_keeps_it_on_stop(
    sample_catalog: Catalog, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as bot:
        port = free_port()
        config = webhook_config(bot.data_dir, port)
        dispatcher = build_dispatcher(bot.application, bot.handlers, config)
        stop = asyncio.Event()
        serving = asyncio.create_task(
            serve_webhook(bot.application.bot, dispatcher, config, ALLOWED_UPDATES, stop)
        )
        await wait_until(lambda: any(c.method == "setWebhook" for c in bot.request.calls))
        (set_webhook,) = [c for c in bot.request.calls if c.method == "setWebhook"]
        assert set_webhook.params == {
            "url": "https://example.org/hook",
            "secret_token": SECRET,
            "allowed_updates": list(ALLOWED_UPDATES),
            "drop_pending_updates": False,
        }
        async with httpx.AsyncClient(timeout=DEADLINE) as client:
            response = await client.post(
                f"http://127.0.0.1:{port}/", json=update("/start"), headers=GOOD
            )
        assert response.status_code == 200
        assert any(c.method == "sendMessage" for c in bot.request.calls)
        stop.set()
        await asyncio.wait_for(serving, DEADLINE)
    assert [c.method for c in bot.request.calls if "webhook" in c.method.lower()] == ["setWebhook"]
    assert "Waiting for updates (webhook" in caplog.text
    assert SECRET not in caplog.text


async def test_a_refused_webhook_url_stops_with_a_one_line_error(
    sample_catalog: Catalog, tmp_path: Path
) -> None:
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as bot:
        port = free_port()
        config = webhook_config(bot.data_dir, port)
        dispatcher = build_dispatcher(bot.application, bot.handlers, config)
        bot.request.fail_next("setWebhook", 400, "Bad Request: bad webhook: Failed to resolve host")
        with pytest.raises(WebhookError) as caught:
            await serve_webhook(
                bot.application.bot, dispatcher, config, ALLOWED_UPDATES, asyncio.Event()
            )
    message = str(caught.value)
    assert "WEBHOOK_URL" in message and "failed to resolve host" in message.lower()
    assert "\n" not in message and SECRET not in message
    with socket.socket() as again:  # the port was let go
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


async def test_a_port_in_use_stops_with_a_one_line_error(
    sample_catalog: Catalog, tmp_path: Path
) -> None:
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as bot:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            config = webhook_config(bot.data_dir, taken.getsockname()[1])
            dispatcher = build_dispatcher(bot.application, bot.handlers, config)
            with pytest.raises(WebhookError) as caught:
                await serve_webhook(
                    bot.application.bot, dispatcher, config, ALLOWED_UPDATES, asyncio.Event()
                )
    assert str(caught.value).startswith("Cannot listen on 127.0.0.1 port")
    assert "WEBHOOK_PORT" in str(caught.value)
    assert not [c for c in bot.request.calls if c.method == "setWebhook"]


# End to end: `python -m bot run` in webhook mode

E2E_TOKEN = "7000000003:AAE-webhook-end-to-end-token-00000000000"


@pytest.fixture
def bot_process(tmp_path: Path) -> Iterator[tuple[FakeBotApi, subprocess.Popen[bytes], int, Path]]:
    port = free_port()
    log_path = tmp_path / "bot.log"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("HASH_SECRET", "DEFAULT_LOCALE")},
        "BOT_TOKEN": E2E_TOKEN,
        "DATA_DIR": str(tmp_path / "data"),
        "CONTENT_DIR": str(CONTENT),
        "LOG_LEVEL": "DEBUG",
        "WEBHOOK_URL": "https://example.org/hook",  # never contacted: only passed to setWebhook
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": SECRET,
    }
    with FakeBotApi(token=E2E_TOKEN) as api, log_path.open("wb") as log:
        env["TELEGRAM_API_URL"] = api.url
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stderr=log, stdout=log
        )
        try:
            yield api, process, port, log_path
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=DEADLINE)


def test_run_in_webhook_mode_end_to_end(
    bot_process: tuple[FakeBotApi, subprocess.Popen[bytes], int, Path],
) -> None:
    api, process, port, log_path = bot_process
    set_webhook = api.wait_for_call("setWebhook", timeout=DEADLINE)
    assert set_webhook.get("url") == "https://example.org/hook"
    assert set_webhook.get("secret_token") == SECRET
    assert set_webhook.get("allowed_updates") == list(ALLOWED_UPDATES)
    assert str(set_webhook.get("drop_pending_updates")).lower() == "false"

    user = canary_user("es-MX", number=7)
    start = {"update_id": 4242, **message_update(user, "/start")}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=DEADLINE) as client:
        assert client.post("/", json=start, headers={SECRET_HEADER: "wrong"}).status_code == 403
        mark = api.mark()
        response = client.post("/", json=start, headers=GOOD)
        assert response.status_code == 200
        # Answered only once handled: the reply is recorded already.
        replies = [c for c in api.calls[mark:] if c.method == "sendMessage"]
        assert [c.int_param("chat_id") for c in replies] == [user["id"]]
        assert "Hola" in replies[0].get("text")

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=DEADLINE) == 0
    assert not api.calls_to("getUpdates") and not api.calls_to("deleteWebhook")
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert "Waiting for updates (webhook" in log and "Stopped" in log
    assert "Refused 1 webhook request(s) with a missing or wrong secret" in log
    assert found(log) == [] and E2E_TOKEN.partition(":")[2] not in log and SECRET not in log
    for canary in CANARIES:
        assert canary not in log
