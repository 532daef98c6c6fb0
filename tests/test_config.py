"""Configuration from environment variables: strict checks, one-line errors, a kept secret."""

from __future__ import annotations

import logging
import os
import random
import secrets
import stat
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import (
    MIN_SECRET_BITS,
    MIN_SECRET_LENGTH,
    SECRET_FILE,
    Config,
    ConfigError,
    load_config,
    load_or_create_secret,
    secret_strength,
)

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
# A fixed secrets.token_urlsafe(48), so failures are reproducible.
GIVEN_SECRET = "q7Vh2LmZx9RkT4pWc1NbYe8sJfA3uGd6HnK0oQiXwEzUr5MtSvCyPjIaBlF-_gDe"
MAKE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


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


def test_secret_length_is_counted_in_bytes(env: dict[str, str]):
    # 25 characters, 32 bytes of UTF-8: long enough; one character less is 31 bytes, too short.
    mixed = "kÄ7pÖq2Wé9xÜm4ñRz8ç3Lß5vY"
    assert (len(mixed), len(mixed.encode())) == (25, 32)
    assert load_config({**env, "HASH_SECRET": mixed}).hash_secret == mixed.encode()
    assert "32 bytes" in error_for({**env, "HASH_SECRET": mixed[1:]})


WEAK_SECRETS = [
    "a" * 32,
    "a" * 64,
    "ab" * 16,
    "a" * 31 + "b",
    "0123456789abcdef" * 2,
    "0123456789abcdef0123456789abcdef-test-secret"[:32],
    "abcdefghijklmnopqrstuvwxyz012345",
    "a" * 16 + "bcdefghijklmnopq",
    "s3cret-" + "x" * 40,
    "password" * 4,
    "Tr0ub4dor&3" * 3,
    pytest.param("a" * 32 + "b" * 32 + "c" * 32 + "d" * 32, id="four-runs"),
    "3c0f3a3fefe" * 3,
]


@pytest.mark.parametrize("weak", WEAK_SECRETS)
def test_low_entropy_given_secret_is_refused(env: dict[str, str], weak: str):
    assert len(weak.encode()) >= MIN_SECRET_LENGTH
    assert secret_strength(weak) < MIN_SECRET_BITS
    message = error_for({**env, "HASH_SECRET": weak})
    assert "HASH_SECRET" in message
    assert MAKE_SECRET in message
    assert weak not in message
    assert not Path(env["DATA_DIR"]).exists()


def random_secrets() -> Iterator[str]:
    """Secrets people make with common tools (seeded, so the test is reproducible)."""
    rng = random.Random(20240601)
    alphabets = {
        "hex": string.hexdigits[:16],
        "digits": string.digits,
        "alnum": string.ascii_letters + string.digits,
        "urlsafe": string.ascii_letters + string.digits + "-_",
        "printable": string.printable.strip(),
    }
    for length in (32, 43, 64):
        for alphabet in alphabets.values():
            for _ in range(400):
                yield "".join(rng.choice(alphabet) for _ in range(length))


def test_random_secrets_of_any_common_alphabet_are_accepted():
    weakest = min(random_secrets(), key=secret_strength)
    assert secret_strength(weakest) >= MIN_SECRET_BITS, weakest


@pytest.mark.parametrize(
    "make",
    [
        lambda: secrets.token_hex(16),
        lambda: secrets.token_hex(32),
        lambda: secrets.token_urlsafe(32),
        lambda: secrets.token_urlsafe(48),
    ],
)
def test_generated_secrets_are_accepted(env: dict[str, str], make):
    secret = make()
    assert load_config({**env, "HASH_SECRET": secret}).hash_secret == secret.encode()


def test_secret_that_is_not_utf8_is_refused(env: dict[str, str]):
    # os.environ holds undecodable bytes as lone surrogates (surrogateescape).
    message = error_for({**env, "HASH_SECRET": GIVEN_SECRET + "\udcff"})
    assert "HASH_SECRET" in message
    assert "UTF-8" in message
    assert GIVEN_SECRET not in message


# HASH_SECRET_FILE


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """An owner-only file outside DATA_DIR holding GIVEN_SECRET, with a newline as editors do."""
    path = tmp_path / "secrets" / "hash-secret"
    path.parent.mkdir()
    path.write_text(f"  {GIVEN_SECRET}\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def test_secret_file_is_read(env: dict[str, str], secret_file: Path):
    config = load_config({**env, "HASH_SECRET_FILE": str(secret_file)})
    assert config.hash_secret == GIVEN_SECRET.encode()
    assert not Path(env["DATA_DIR"]).exists()
    assert GIVEN_SECRET not in repr(config)


def test_secret_file_may_be_read_only(env: dict[str, str], secret_file: Path):
    secret_file.chmod(0o400)
    config = load_config({**env, "HASH_SECRET_FILE": f" {secret_file} "})
    assert config.hash_secret == GIVEN_SECRET.encode()


def test_blank_secret_file_means_generated(env: dict[str, str]):
    config = load_config({**env, "HASH_SECRET_FILE": "  "})
    assert secret_path(env).read_text(encoding="ascii").encode() == config.hash_secret


def test_secret_and_secret_file_together_are_refused(env: dict[str, str], secret_file: Path):
    message = error_for({**env, "HASH_SECRET": GIVEN_SECRET, "HASH_SECRET_FILE": str(secret_file)})
    assert "HASH_SECRET and HASH_SECRET_FILE" in message
    assert GIVEN_SECRET not in message
    assert not Path(env["DATA_DIR"]).exists()


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o660, 0o444], ids=oct)
def test_secret_file_open_to_others_is_refused(env: dict[str, str], secret_file: Path, mode: int):
    secret_file.chmod(mode)
    message = error_for({**env, "HASH_SECRET_FILE": str(secret_file)})
    assert "HASH_SECRET_FILE" in message
    assert f"chmod 600 {secret_file}" in message
    assert GIVEN_SECRET not in message
    assert stat.S_IMODE(secret_file.stat().st_mode) == mode


@pytest.mark.parametrize(
    "inside",
    [
        lambda data: data / "secret",
        lambda data: data / "sub" / "secret",
        lambda data: data / ".." / data.name / "secret",
        lambda data: data,
    ],
)
def test_secret_file_inside_data_dir_is_refused(env: dict[str, str], inside):
    data = Path(env["DATA_DIR"])
    path = inside(data)
    if path != data:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(GIVEN_SECRET, encoding="utf-8")
        path.chmod(0o600)
    message = error_for({**env, "HASH_SECRET_FILE": str(path)})
    assert "HASH_SECRET_FILE" in message
    assert "inside DATA_DIR" in message
    assert "Telegram id" in message


def test_secret_file_linked_into_data_dir_is_refused(env: dict[str, str], tmp_path: Path):
    data = Path(env["DATA_DIR"])
    data.mkdir(mode=0o700)
    (data / "secret").write_text(GIVEN_SECRET, encoding="utf-8")
    (data / "secret").chmod(0o600)
    link = tmp_path / "link-to-secret"
    link.symlink_to(data / "secret")
    assert "inside DATA_DIR" in error_for({**env, "HASH_SECRET_FILE": str(link)})


def test_secret_file_linked_from_elsewhere_is_read(env: dict[str, str], secret_file: Path):
    # As Kubernetes mounts secrets: the path is a link to the file in a hidden folder.
    link = secret_file.parent / "link"
    link.symlink_to(secret_file)
    config = load_config({**env, "HASH_SECRET_FILE": str(link)})
    assert config.hash_secret == GIVEN_SECRET.encode()


@pytest.mark.parametrize(
    "content",
    [b"", b"  \n", b"a" * 40, b"0123456789abcdef" * 4, b"\xff" * 40, GIVEN_SECRET.encode()[:31]],
)
def test_bad_secret_file_content_is_refused(env: dict[str, str], secret_file: Path, content: bytes):
    secret_file.write_bytes(content)
    message = error_for({**env, "HASH_SECRET_FILE": str(secret_file)})
    assert "HASH_SECRET_FILE" in message
    assert MAKE_SECRET in message


def test_secret_file_that_is_not_utf8_says_so(env: dict[str, str], secret_file: Path):
    secret_file.write_bytes(GIVEN_SECRET.encode() + b"\xff")
    assert "UTF-8" in error_for({**env, "HASH_SECRET_FILE": str(secret_file)})


def test_oversized_secret_file_is_refused(env: dict[str, str], secret_file: Path):
    secret_file.write_text(GIVEN_SECRET * 100, encoding="utf-8")
    message = error_for({**env, "HASH_SECRET_FILE": str(secret_file)})
    assert "4096 bytes" in message
    assert GIVEN_SECRET not in message


def test_missing_secret_file_is_refused(env: dict[str, str], tmp_path: Path):
    message = error_for({**env, "HASH_SECRET_FILE": str(tmp_path / "nowhere")})
    assert "HASH_SECRET_FILE" in message
    assert "FileNotFoundError" in message


def test_secret_file_that_is_a_folder_or_fifo_is_refused(env: dict[str, str], tmp_path: Path):
    folder = tmp_path / "folder"
    folder.mkdir(mode=0o700)
    assert "not a file" in error_for({**env, "HASH_SECRET_FILE": str(folder)})
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o600)
    assert "not a file" in error_for({**env, "HASH_SECRET_FILE": str(fifo)})


# DATA_DIR is owner-only


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, which lets a plain mkdir make a folder everyone can read."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_new_data_dir_is_owner_only(env: dict[str, str]):
    load_config(env)
    assert mode_of(Path(env["DATA_DIR"])) == 0o700


@pytest.mark.usefixtures("umask_022")
def test_only_data_dir_itself_is_made_owner_only(tmp_path: Path):
    data = tmp_path / "parent" / "data"
    load_or_create_secret(data)
    assert mode_of(data) == 0o700
    assert mode_of(data.parent) == 0o755


def test_data_dir_is_owner_only_even_under_a_strange_umask(env: dict[str, str]):
    old = os.umask(0o277)
    try:
        load_config(env)
    finally:
        os.umask(old)
    assert mode_of(Path(env["DATA_DIR"])) == 0o700


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o705, 0o777, 0o710], ids=oct)
def test_our_open_data_dir_is_tightened(env: dict[str, str], mode: int):
    data = Path(env["DATA_DIR"])
    data.mkdir()
    data.chmod(mode)
    load_config(env)
    assert mode_of(data) == 0o700


@pytest.mark.parametrize("given", ["HASH_SECRET", "HASH_SECRET_FILE"])
def test_our_open_data_dir_is_tightened_with_a_given_secret(
    env: dict[str, str], secret_file: Path, given: str
):
    data = Path(env["DATA_DIR"])
    data.mkdir()
    data.chmod(0o755)
    value = GIVEN_SECRET if given == "HASH_SECRET" else str(secret_file)
    load_config({**env, given: value})
    assert mode_of(data) == 0o700
    assert not (data / SECRET_FILE).exists()


def someone_else(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make `path` look owned by another user (whoever runs the tests, root included)."""
    owner = path.stat().st_uid
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1)


@pytest.mark.parametrize("given", [None, "HASH_SECRET"])
def test_open_data_dir_of_someone_else_is_refused_untouched(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, given: str | None
):
    data = Path(env["DATA_DIR"])
    data.mkdir()
    data.chmod(0o755)
    someone_else(monkeypatch, data)
    environ = {**env, "HASH_SECRET": GIVEN_SECRET} if given else env
    message = error_for(environ)
    assert f"DATA_DIR {data}" in message
    assert f"chmod 700 {data}" in message
    assert mode_of(data) == 0o755
    assert not (data / SECRET_FILE).exists()


def test_owner_only_data_dir_of_someone_else_is_used(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
):
    data = Path(env["DATA_DIR"])
    data.mkdir(mode=0o700)
    someone_else(monkeypatch, data)
    load_config(env)
    assert mode_of(data) == 0o700


def test_data_dir_that_is_a_file_is_refused(env: dict[str, str]):
    Path(env["DATA_DIR"]).write_text("x")
    assert "not a folder" in error_for(env)
    assert "not a folder" in error_for({**env, "HASH_SECRET": GIVEN_SECRET})


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


# Shutdown, flood control, retention and protect_content


def test_new_settings_default(env: dict[str, str]):
    config = load_config(env)
    assert config.stop_grace == 8.0
    assert config.flood_limit == 20
    assert config.flood_window == 60.0
    assert config.retention_days == 90
    assert config.protect_content is False


def test_config_built_without_the_new_settings_has_the_defaults(tmp_path: Path):
    # As tests/app_harness.py builds it.
    config = Config(
        token=TOKEN,
        api_url="http://127.0.0.1:9",
        content_dir=Path("content"),
        data_dir=tmp_path,
        admin_ids=frozenset(),
        default_locale="en",
        log_level=logging.DEBUG,
        hash_secret=GIVEN_SECRET.encode(),
    )
    assert (config.stop_grace, config.flood_limit, config.flood_window) == (8.0, 20, 60.0)
    assert (config.retention_days, config.protect_content) == (90, False)


@pytest.mark.parametrize(
    ("name", "given", "field", "expected"),
    [
        ("STOP_GRACE_SECONDS", "2.5", "stop_grace", 2.5),
        ("STOP_GRACE_SECONDS", " 60 ", "stop_grace", 60.0),
        ("STOP_GRACE_SECONDS", "0.001", "stop_grace", 0.001),
        ("STOP_GRACE_SECONDS", "", "stop_grace", 8.0),
        ("FLOOD_LIMIT", "1", "flood_limit", 1),
        ("FLOOD_LIMIT", "1000", "flood_limit", 1000),
        ("FLOOD_LIMIT", "007", "flood_limit", 7),
        ("FLOOD_LIMIT", "  ", "flood_limit", 20),
        ("FLOOD_WINDOW_SECONDS", "1", "flood_window", 1.0),
        ("FLOOD_WINDOW_SECONDS", "3600", "flood_window", 3600.0),
        ("FLOOD_WINDOW_SECONDS", "90.5", "flood_window", 90.5),
        ("RETENTION_DAYS", "1", "retention_days", 1),
        ("RETENTION_DAYS", "3650", "retention_days", 3650),
        ("RETENTION_DAYS", "30", "retention_days", 30),
        ("PROTECT_CONTENT", "true", "protect_content", True),
        ("PROTECT_CONTENT", "TRUE", "protect_content", True),
        ("PROTECT_CONTENT", " Yes ", "protect_content", True),
        ("PROTECT_CONTENT", "1", "protect_content", True),
        ("PROTECT_CONTENT", "False", "protect_content", False),
        ("PROTECT_CONTENT", "no", "protect_content", False),
        ("PROTECT_CONTENT", "0", "protect_content", False),
        ("PROTECT_CONTENT", "", "protect_content", False),
    ],
)
def test_new_settings_are_read(
    env: dict[str, str], name: str, given: str, field: str, expected: object
):
    value = getattr(load_config({**env, name: given}), field)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("name", "given"),
    [
        ("STOP_GRACE_SECONDS", "0"),
        ("STOP_GRACE_SECONDS", "0.0"),
        ("STOP_GRACE_SECONDS", "60.001"),
        ("STOP_GRACE_SECONDS", "-1"),
        ("STOP_GRACE_SECONDS", "nan"),
        ("STOP_GRACE_SECONDS", "inf"),
        ("STOP_GRACE_SECONDS", "1e1"),
        ("STOP_GRACE_SECONDS", "1_0"),
        ("STOP_GRACE_SECONDS", "8s"),
        ("STOP_GRACE_SECONDS", ".5"),
        ("STOP_GRACE_SECONDS", "٥"),
        ("FLOOD_LIMIT", "0"),
        ("FLOOD_LIMIT", "1001"),
        ("FLOOD_LIMIT", "20.0"),
        ("FLOOD_LIMIT", "+5"),
        ("FLOOD_LIMIT", "²"),
        pytest.param("FLOOD_LIMIT", "9" * 5000, id="FLOOD_LIMIT-5000-nines"),
        ("FLOOD_WINDOW_SECONDS", "0.5"),
        ("FLOOD_WINDOW_SECONDS", "3600.5"),
        ("FLOOD_WINDOW_SECONDS", "1m"),
        ("RETENTION_DAYS", "0"),
        ("RETENTION_DAYS", "3651"),
        ("RETENTION_DAYS", "90d"),
        ("RETENTION_DAYS", "-90"),
        ("PROTECT_CONTENT", "on"),
        ("PROTECT_CONTENT", "2"),
        ("PROTECT_CONTENT", "y"),
        ("PROTECT_CONTENT", "truee"),
    ],
)
def test_bad_new_settings_are_refused(env: dict[str, str], name: str, given: str):
    message = error_for({**env, name: given})
    assert message.startswith(f"{name} must be")
    assert f"for example {name}=" in message
    assert not Path(env["DATA_DIR"]).exists()


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
