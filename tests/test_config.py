"""Configuration from environment variables: strict checks, one-line errors, a kept secret."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from bot.config import (
    MIN_SECRET_LENGTH,
    SECRET_FILE,
    Config,
    ConfigError,
    load_config,
    load_or_create_secret,
)

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
GIVEN_SECRET = "s3cret-" + "x" * 40


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A valid minimal environment whose DATA_DIR is a fresh temporary folder."""
    return {"BOT_TOKEN": TOKEN, "DATA_DIR": str(tmp_path / "data")}


def error_for(environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(environ)
    message = str(caught.value)
    assert message.strip()
    assert "\n" not in message
    return message


# BOT_TOKEN


@pytest.mark.parametrize("environ", [{}, {"BOT_TOKEN": ""}, {"BOT_TOKEN": "   "}])
def test_missing_token_is_one_line_pointing_at_chat(environ: dict[str, str], tmp_path: Path):
    message = error_for({**environ, "DATA_DIR": str(tmp_path)})
    assert "BOT_TOKEN" in message
    assert "python -m bot chat" in message


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token-value",
        "123456789:short",
        "123456789AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        "abc:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        "123456789:AAHdqTcvCH1vGWJx fSeofSAs0K5PALDsaw",
        "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/extra",
    ],
)
def test_malformed_token_is_refused_without_echoing_it(env: dict[str, str], token: str):
    message = error_for({**env, "BOT_TOKEN": token})
    assert "BOT_TOKEN" in message
    assert token not in message
    for piece in token.split(":"):
        assert piece not in message


def test_token_is_stripped(env: dict[str, str]):
    assert load_config({**env, "BOT_TOKEN": f"  {TOKEN}\n"}).token == TOKEN


def test_nothing_is_written_when_the_token_is_missing(tmp_path: Path):
    data = tmp_path / "data"
    error_for({"DATA_DIR": str(data)})
    assert not data.exists()


# Defaults


def test_defaults(env: dict[str, str], tmp_path: Path):
    config = load_config(env)
    assert isinstance(config, Config)
    assert config.token == TOKEN
    assert config.api_url == "https://api.telegram.org"
    assert config.base_url == "https://api.telegram.org/bot"
    assert config.base_file_url == "https://api.telegram.org/file/bot"
    assert config.content_dir == Path("content")
    assert config.data_dir == tmp_path / "data"
    assert config.database_path == tmp_path / "data" / "waypoint.sqlite3"
    assert config.log_level == logging.INFO
    assert config.admin_ids == frozenset()
    assert config.default_locale is None


def test_data_dir_defaults_to_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    # Relative to the working directory, so run from a temporary one: never write in the repo.
    monkeypatch.chdir(tmp_path)
    config = load_config({"BOT_TOKEN": TOKEN})
    assert config.data_dir == Path("data")
    assert (tmp_path / "data" / SECRET_FILE).is_file()


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_values_mean_defaults(env: dict[str, str], blank: str):
    config = load_config(
        {
            **env,
            "TELEGRAM_API_URL": blank,
            "CONTENT_DIR": blank,
            "ADMIN_IDS": blank,
            "DEFAULT_LOCALE": blank,
            "LOG_LEVEL": blank,
        }
    )
    assert config.api_url == "https://api.telegram.org"
    assert config.content_dir == Path("content")
    assert config.admin_ids == frozenset()
    assert config.default_locale is None
    assert config.log_level == logging.INFO


def test_other_settings_are_read(env: dict[str, str], tmp_path: Path):
    config = load_config({**env, "CONTENT_DIR": str(tmp_path / "c"), "DEFAULT_LOCALE": " es "})
    assert config.content_dir == tmp_path / "c"
    assert config.default_locale == "es"


# TELEGRAM_API_URL


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.telegram.org/", "https://api.telegram.org"),
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081"),
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081"),
        ("http://localhost:9000//", "http://localhost:9000"),
    ],
)
def test_api_url_is_accepted_and_trimmed(env: dict[str, str], given: str, expected: str):
    config = load_config({**env, "TELEGRAM_API_URL": given})
    assert config.api_url == expected
    assert config.base_url == f"{expected}/bot"
    assert config.base_file_url == f"{expected}/file/bot"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://x",
        "not a url",
        "https://api.telegram.org?q",
        "https://api.telegram.org/?q=1",
        "https://api.telegram.org#top",
        "api.telegram.org",
        "https://",
        "http://[::1",
        "https://api.telegram.org/bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "https://api.telegram.org/bot",
        "http://user:pw@host",
        "https://x?",
        "https://a b",
        "http://:80",
    ],
)
def test_bad_api_url_is_refused(env: dict[str, str], url: str):
    assert "TELEGRAM_API_URL" in error_for({**env, "TELEGRAM_API_URL": url})


# ADMIN_IDS and LOG_LEVEL


@pytest.mark.parametrize(
    ("given", "expected"),
    [("1, 2,3", {1, 2, 3}), ("42", {42}), ("7 7", {7}), (" 5 ,, 6 ", {5, 6})],
)
def test_admin_ids(env: dict[str, str], given: str, expected: set[int]):
    assert load_config({**env, "ADMIN_IDS": given}).admin_ids == frozenset(expected)


@pytest.mark.parametrize("given", ["abc", "1,abc", "-5", "+5", "1.5", "²", "١٢"])
def test_bad_admin_ids_are_refused(env: dict[str, str], given: str):
    assert "ADMIN_IDS" in error_for({**env, "ADMIN_IDS": given})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("debug", logging.DEBUG),
        ("INFO", logging.INFO),
        ("Warning", logging.WARNING),
        (" error ", logging.ERROR),
    ],
)
def test_log_level(env: dict[str, str], given: str, expected: int):
    assert load_config({**env, "LOG_LEVEL": given}).log_level == expected


@pytest.mark.parametrize("given", ["LOUD", "10", "CRITICAL", "WARN"])
def test_bad_log_level_is_refused(env: dict[str, str], given: str):
    assert "LOG_LEVEL" in error_for({**env, "LOG_LEVEL": given})


# The hashing secret


def secret_path(env: dict[str, str]) -> Path:
    return Path(env["DATA_DIR"]) / SECRET_FILE


def test_secret_is_created_owner_only(env: dict[str, str]):
    config = load_config(env)
    path = secret_path(env)
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(config.hash_secret) >= MIN_SECRET_LENGTH >= 32
    assert path.read_text(encoding="ascii").strip().encode("ascii") == config.hash_secret


def test_secret_is_kept_between_runs(env: dict[str, str]):
    first = load_config(env).hash_secret
    assert load_config(env).hash_secret == first
    assert load_or_create_secret(Path(env["DATA_DIR"])) == first


def test_secrets_differ_between_data_dirs(tmp_path: Path):
    assert load_or_create_secret(tmp_path / "a") != load_or_create_secret(tmp_path / "b")


def test_given_secret_is_used_and_nothing_is_written(env: dict[str, str]):
    config = load_config({**env, "HASH_SECRET": f" {GIVEN_SECRET} "})
    assert config.hash_secret == GIVEN_SECRET.encode()
    assert not Path(env["DATA_DIR"]).exists()


def test_short_given_secret_is_refused(env: dict[str, str]):
    short = "x" * (MIN_SECRET_LENGTH - 1)
    message = error_for({**env, "HASH_SECRET": short})
    assert "HASH_SECRET" in message
    assert short not in message
    assert not Path(env["DATA_DIR"]).exists()


def test_open_secret_file_is_tightened(tmp_path: Path):
    path = tmp_path / SECRET_FILE
    path.write_text("a" * 64, encoding="ascii")
    path.chmod(0o644)
    assert load_or_create_secret(tmp_path) == b"a" * 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("content", ["", "tooshort\n", " " * 64])
def test_damaged_secret_file_is_refused(tmp_path: Path, content: str):
    (tmp_path / SECRET_FILE).write_text(content, encoding="ascii")
    with pytest.raises(ConfigError) as caught:
        load_or_create_secret(tmp_path)
    assert "damaged" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_non_ascii_secret_file_is_refused(tmp_path: Path):
    (tmp_path / SECRET_FILE).write_bytes(b"\xff" * 64)
    with pytest.raises(ConfigError):
        load_or_create_secret(tmp_path)


def test_unwritable_data_dir_is_refused(env: dict[str, str], tmp_path: Path):
    # A path under a regular file cannot be created even by root.
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    message = error_for({**env, "DATA_DIR": str(blocker / "data")})
    assert "DATA_DIR" in message


def test_secret_path_that_is_a_folder_is_refused(tmp_path: Path):
    (tmp_path / SECRET_FILE).mkdir()
    with pytest.raises(ConfigError, match="DATA_DIR"):
        load_or_create_secret(tmp_path)


# Nothing secret in repr


def test_repr_hides_token_and_secret(env: dict[str, str]):
    config = load_config({**env, "HASH_SECRET": GIVEN_SECRET})
    shown = repr(config)
    assert TOKEN not in shown
    assert TOKEN.partition(":")[2] not in shown
    assert GIVEN_SECRET not in shown
    assert "Config(" in shown


def test_repr_hides_generated_secret(env: dict[str, str]):
    config = load_config(env)
    shown = f"{config!r} {config!s}"
    assert config.hash_secret.decode() not in shown
    assert TOKEN.partition(":")[2] not in shown
