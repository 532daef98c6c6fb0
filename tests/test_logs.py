"""Logging that cannot carry personal data: library floors, withheld arguments, redaction."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import (
    LIBRARY_FLOORS,
    REDACTED,
    PrivacyFilter,
    configure_logging,
    describe_error,
    privacy_handler,
    set_levels,
)

SECRET = "SECRET-TOKEN-123"
CANARY = "canary-text-42"
USER_TEXT = "user 7318459261 said hello"
# Handlers that configure_logging installed during a test; none may outlive it.
INSTALLED: list[logging.Handler] = []


@contextlib.contextmanager
def logging_to_string(level: int = logging.DEBUG) -> Iterator[io.StringIO]:
    """configure_logging into a string; afterwards the root logger and the library loggers are
    exactly as before.

    A context manager used inside each test, not a fixture: pytest adds its own capture handlers
    to the root logger separately for setup, call and teardown, so saving the handlers in a
    fixture's setup and putting them back in its teardown would leave stale pytest handlers
    behind (and drop the suite's privacy audit handler from tests/conftest.py meanwhile).
    """
    root = logging.getLogger()
    handlers, root_level = root.handlers[:], root.level
    library_levels = {name: logging.getLogger(name).level for name in LIBRARY_FLOORS}
    stream = io.StringIO()
    try:
        configure_logging(level, secrets=("", SECRET), stream=stream)
        INSTALLED.extend(root.handlers)
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(root_level)
        for name, value in library_levels.items():
            logging.getLogger(name).setLevel(value)


@pytest.fixture(autouse=True)
def logging_left_alone() -> Iterator[None]:
    """Every test leaves the process's logging configuration as it found it."""
    root = logging.getLogger()
    root_level = root.level
    library_levels = {name: logging.getLogger(name).level for name in LIBRARY_FLOORS}
    yield
    assert root.level == root_level
    assert {name: logging.getLogger(name).level for name in LIBRARY_FLOORS} == library_levels
    assert not any(handler in INSTALLED for handler in root.handlers)


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_configuration_is_restored():
    before = logging.getLogger().handlers[:]
    with logging_to_string() as stream:
        assert logging.getLogger().level == logging.DEBUG
        assert logging.getLogger("telegram").level == logging.INFO
        assert logging.getLogger("httpx").level == logging.WARNING
        assert logging.getLogger("httpcore").level == logging.WARNING
        assert logging.getLogger("aiosqlite").level == logging.INFO
        handlers = logging.getLogger().handlers
        assert len(handlers) == 1
        assert any(isinstance(f, PrivacyFilter) for f in handlers[0].filters)
    assert logging.getLogger().handlers == before
    assert stream.getvalue() == ""


def test_aiosqlite_debug_is_not_emitted():
    with logging_to_string() as stream:
        logging.getLogger("aiosqlite").debug("executing %s with %s", "INSERT", "user-key")
    assert stream.getvalue() == ""


def test_privacy_handler_filters_and_formats():
    stream = io.StringIO()
    handler = privacy_handler(stream, secrets=(SECRET,))
    assert any(isinstance(f, PrivacyFilter) for f in handler.filters)
    record = logging.LogRecord("telegram", logging.INFO, __file__, 1, "a %s", (SECRET,), None)
    handler.handle(record)
    assert stream.getvalue().endswith("INFO telegram: a %s [arguments withheld]\n")


def test_set_levels():
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in (*LIBRARY_FLOORS, "")}
    try:
        set_levels(logging.WARNING)
        assert root.level == logging.WARNING
        assert logging.getLogger("telegram").level == logging.WARNING
        assert logging.getLogger("httpx").level == logging.WARNING
        set_levels(logging.DEBUG)
        assert root.level == logging.DEBUG
        for name, floor in LIBRARY_FLOORS.items():
            assert logging.getLogger(name).level == floor
    finally:
        for name, level in saved.items():
            logging.getLogger(name or None).setLevel(level)


def test_library_floors_never_lower_a_higher_level():
    with logging_to_string(logging.ERROR):
        assert logging.getLogger().level == logging.ERROR
        for name in LIBRARY_FLOORS:
            assert logging.getLogger(name).level == logging.ERROR


def test_telegram_debug_is_not_emitted():
    with logging_to_string() as stream:
        logging.getLogger("telegram.ext.foo").debug("Calling %s with %s", "sendMessage", USER_TEXT)
        logging.getLogger("telegram").debug("raw update %s", USER_TEXT)
        logging.getLogger("telegram.ext.foo").debug("no arguments at all")
    assert stream.getvalue() == ""


def test_telegram_info_keeps_only_the_template():
    with logging_to_string() as stream:
        logging.getLogger("telegram").info("Received %s", USER_TEXT)
        logging.getLogger("telegram.ext.foo").warning("update %r from %d", USER_TEXT, 7318459261)
    output = stream.getvalue()
    assert "7318459261" not in output
    assert "said hello" not in output
    assert "telegram: Received %s [arguments withheld]" in output
    assert "telegram.ext.foo: update %r from %d [arguments withheld]" in output
    assert len(lines(stream)) == 2


def test_library_arguments_as_a_mapping_are_withheld():
    with logging_to_string() as stream:
        logging.getLogger("telegram").info("user %(user)s", {"user": USER_TEXT})
    assert "7318459261" not in stream.getvalue()
    assert "user %(user)s [arguments withheld]" in stream.getvalue()


def test_httpx_info_is_not_emitted():
    url = f"https://api.telegram.org/bot{SECRET}/getUpdates"
    with logging_to_string() as stream:
        logging.getLogger("httpx").info('HTTP Request: POST %s "%s"', url, "HTTP/1.1 200 OK")
        logging.getLogger("httpcore.http11").debug("send_request_headers.started %s", url)
        logging.getLogger("httpx").warning("retrying %s", url)
    output = stream.getvalue()
    assert "HTTP Request" not in output
    assert "send_request_headers" not in output
    assert "httpx: retrying %s [arguments withheld]" in output
    assert SECRET not in output
    assert "api.telegram.org" not in output


def test_our_own_records_are_formatted_normally():
    with logging_to_string() as stream:
        logging.getLogger("bot.something").info("served %d updates for %s", 3, "food")
        logging.getLogger("bot").debug("plain %s", "debug")
    output = stream.getvalue()
    assert "INFO bot.something: served 3 updates for food" in output
    assert "DEBUG bot: plain debug" in output
    assert "withheld" not in output


def test_a_wrong_format_string_in_our_code_does_not_raise():
    with logging_to_string() as stream:
        logging.getLogger("bot.x").info("two %s %s", 1)
    assert "two %s %s [unformattable]" in stream.getvalue()


def test_a_logger_merely_starting_with_bot_is_a_library():
    with logging_to_string() as stream:
        logging.getLogger("botlib").warning("value %s", USER_TEXT)
    assert "7318459261" not in stream.getvalue()
    assert "[arguments withheld]" in stream.getvalue()


@pytest.mark.parametrize(
    ("name", "message", "args"),
    [
        ("bot.x", f"token {SECRET} in the template", ()),
        ("bot.x", "token %s in the arguments", (SECRET,)),
        ("bot.x", "twice %s %s", (SECRET, f"url/bot{SECRET}/getMe")),
        ("telegram", f"library template with {SECRET}", ()),
        ("telegram", f"library template with {SECRET} and %s", ("args",)),
        ("telegram.ext.Updater", f"https://api.telegram.org/bot{SECRET}/getMe", ()),
        ("httpx", f"warning about bot{SECRET}", ()),
        ("some.other.library", f"error {SECRET}", ()),
    ],
)
def test_secret_is_redacted_everywhere(name: str, message: str, args: tuple):
    with logging_to_string() as stream:
        logging.getLogger(name).error(message, *args)
    output = stream.getvalue()
    assert output
    assert SECRET not in output
    assert REDACTED in output


def test_exception_shows_type_and_location_but_not_message():
    def fail() -> None:
        raise ValueError(f"{CANARY} {SECRET}")

    with logging_to_string() as stream:
        try:
            fail()
        except ValueError:
            logging.getLogger("bot.handlers").exception("update failed")
    output = stream.getvalue()
    assert CANARY not in output
    assert SECRET not in output
    assert "Traceback" not in output
    assert "update failed: ValueError at test_logs.py:" in output
    assert " fail" in output
    assert len(lines(stream)) == 1


def test_library_exception_shows_type_and_location_but_not_message():
    with logging_to_string() as stream:
        try:
            raise KeyError(CANARY)
        except KeyError:
            logging.getLogger("telegram.ext.Application").exception("No error handlers")
    output = stream.getvalue()
    assert CANARY not in output
    assert "No error handlers: KeyError at test_logs.py:" in output


def test_exception_chain_in_logs():
    with logging_to_string() as stream:
        try:
            try:
                raise OSError(CANARY)
            except OSError as inner:
                raise RuntimeError(CANARY) from inner
        except RuntimeError:
            logging.getLogger("bot").exception("failed")
    output = stream.getvalue()
    assert CANARY not in output
    assert "RuntimeError at" in output
    assert "caused by OSError at" in output


def test_error_with_exc_info_tuple():
    error = ValueError(CANARY)
    with logging_to_string() as stream:
        logging.getLogger("bot").error("from a callback", exc_info=(ValueError, error, None))
    assert CANARY not in stream.getvalue()
    assert "from a callback: ValueError" in stream.getvalue()


def test_filter_never_drops_and_rewrites_in_place():
    privacy = PrivacyFilter(["", SECRET])
    assert privacy.secrets == (SECRET,)
    record = logging.LogRecord(
        "telegram.bot", logging.INFO, __file__, 1, "got %s", (USER_TEXT,), None
    )
    assert privacy.filter(record) is True
    assert record.args is None
    assert record.getMessage() == "got %s [arguments withheld]"
    own = logging.LogRecord("bot", logging.INFO, __file__, 1, "n=%d %s", (3, SECRET), None)
    assert privacy.filter(own) is True
    assert own.getMessage() == f"n=3 {REDACTED}"


# describe_error


def raise_chain() -> BaseException:
    try:
        try:
            try:
                raise ValueError(f"first {CANARY}")
            except ValueError as first:
                raise KeyError(f"second {CANARY}") from first
        except KeyError:
            raise RuntimeError(f"third {CANARY}")  # noqa: B904  (an implicit __context__)
    except RuntimeError as error:
        return error


def test_describe_error_walks_cause_and_context():
    error = raise_chain()
    described = describe_error(error)
    assert CANARY not in described
    parts = described.split("; caused by ")
    assert [part.split(" at ")[0] for part in parts] == ["RuntimeError", "KeyError", "ValueError"]
    assert all("test_logs.py:" in part for part in parts)
    assert "raise_chain" in described


def test_describe_error_handles_none():
    assert describe_error(None) == "unknown error"


def test_describe_error_never_raised():
    described = describe_error(ValueError(CANARY))
    assert described.startswith("ValueError")
    assert CANARY not in described


def test_describe_error_stops_on_a_cycle():
    first, second = ValueError(CANARY), KeyError(CANARY)
    first.__cause__, second.__cause__ = second, first
    described = describe_error(first)
    assert described.count("ValueError") == 1
    assert described.count("KeyError") == 1
    assert CANARY not in described


def test_describe_error_lists_at_most_three_frames():
    def a() -> None:
        b()

    def b() -> None:
        c()

    def c() -> None:
        raise ValueError(CANARY)

    try:
        a()
    except ValueError as error:
        described = describe_error(error)
    assert described.startswith("ValueError at test_logs.py:")
    frames = described.removeprefix("ValueError at ").split(" < ")
    assert [frame.split()[-1] for frame in frames] == ["c", "b", "a"]


def test_describe_error_with_message_holding_data_in_args_and_notes():
    error = OSError(2, CANARY, f"/home/{CANARY}")
    error.add_note(CANARY)
    assert CANARY not in describe_error(error)
