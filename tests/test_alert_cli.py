"""`python -m bot alert`: publishing into the outbox, --list with delivery progress, --withdraw,
and a clear message (never a traceback) for every mistake."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.cli_alerts import alert
from bot.sealed import ChatSeal
from bot.store import Store
from bot.store.alerts import Subscription
from tests.app_harness import SECRET
from tests.conftest import CONTENT

NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = build_parser().parse_args(["alert", *argv])
    code = alert(args, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"

    async def prepare() -> None:
        store = await Store.open(folder / "waypoint.sqlite3")
        seal = ChatSeal(SECRET)
        for chat in (11, 12):
            await store.alerts.subscribe(
                f"k{chat}", Subscription(seal.seal(chat), ("oakland",), "en")
            )
        await store.close()

    asyncio.run(prepare())
    return folder


def text_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "alert.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def publish_args(data: Path, text: Path, *extra: str) -> tuple[str, ...]:
    return (
        "--area",
        "oakland",
        "--expires",
        NEXT_YEAR,
        "--text-file",
        str(text),
        "--content",
        str(CONTENT),
        "--data",
        str(data),
        *extra,
    )


def test_publish_writes_one_outbox_row_per_subscriber_and_list_shows_progress(
    tmp_path: Path, data: Path
) -> None:
    text = text_file(tmp_path, 'en: "A grey van near 5th St."\nes: "Una furgoneta gris."\n')
    code, out, err = run(*publish_args(data, text))
    assert (code, err) == (0, "")
    assert "Alert 1 published for oakland" in out and "2 message(s) waiting" in out
    code, out, err = run("--list", "--data", str(data))
    assert code == 0
    assert "1: " in out and "oakland" in out and "languages en, es" in out
    assert "sent 0, waiting 2, failed 0" in out and "(current)" in out


def test_withdraw_then_list(tmp_path: Path, data: Path) -> None:
    run(*publish_args(data, text_file(tmp_path, "en: careful\n")))
    code, out, _ = run("--withdraw", "1", "--data", str(data))
    assert code == 0 and "withdrawn" in out
    assert "(withdrawn)" in run("--list", "--data", str(data))[1]
    code, _, err = run("--withdraw", "1", "--data", str(data))
    assert code == 2 and "no such alert, or it was withdrawn already" in err


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "alert.yaml:1: the file is empty"),
        ("- en: hi\n", "alert.yaml:1: write one line per language"),
        ("en: hi\nxx: hola\n", "alert.yaml:2: xx is not a language the bot speaks"),
        ("en: hi\nen: again\n", "alert.yaml:2: en is given twice"),
        ("en: hi\nes: 12:30\n", "alert.yaml:2: es: the text must be plain text"),
        ("en: hi\nes: ''\n", "alert.yaml:2: es: the text is empty"),
        ("en: [unclosed\n", "alert.yaml:1:"),
        ("en: &a hi\nes: *a\n", "alert.yaml:1:"),
        ("en: " + "x" * 3001 + "\n", "longer than 3000 characters"),
        ("Not a language: hi\n", "each key must be a language code"),
    ],
)
def test_text_file_errors_name_the_line(
    tmp_path: Path, data: Path, body: str, expected: str
) -> None:
    code, out, err = run(*publish_args(data, text_file(tmp_path, body)))
    assert code == 2 and out == ""
    assert expected in err
    assert "Traceback" not in err


def test_a_file_that_is_not_utf8_or_missing(tmp_path: Path, data: Path) -> None:
    path = tmp_path / "alert.yaml"
    path.write_bytes(b"en: caf\xe9\n")
    assert "not UTF-8" in run(*publish_args(data, path))[2]
    assert "cannot read it" in run(*publish_args(data, tmp_path / "missing.yaml"))[2]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("--expires", "31/12/2026"), "not a date; write it as YYYY-MM-DD"),
        (("--expires", "2026-02-30"), "not a date"),
        (("--expires", "2020-01-01"), "that day has passed"),
        (("--area", "atlantis"), "--area atlantis: no such area; use one of oakland"),
    ],
)
def test_bad_options(tmp_path: Path, data: Path, change: tuple[str, str], expected: str) -> None:
    args = list(publish_args(data, text_file(tmp_path, "en: hi\n")))
    flag, value = change
    if flag == "--area":
        args += [flag, value]
    else:
        args[args.index(flag) + 1] = value
    code, _, err = run(*args)
    assert code == 2 and expected in err


def test_missing_options_and_mixed_modes(tmp_path: Path, data: Path) -> None:
    code, _, err = run("--area", "oakland", "--data", str(data))
    assert code == 2 and "Missing --expires, --text-file" in err
    code, _, err = run("--list", "--area", "oakland", "--data", str(data))
    assert code == 2 and "used alone" in err
    code, _, err = run("--withdraw", "one", "--data", str(data))
    assert code == 2 and "give the alert's number" in err


def test_no_database_and_no_alerts(tmp_path: Path, data: Path) -> None:
    code, _, err = run("--list", "--data", str(tmp_path / "nowhere"))
    assert code == 1 and "No database at" in err
    assert run("--list", "--data", str(data))[1] == "No alerts yet.\n"


def test_content_with_errors_is_reported(tmp_path: Path, data: Path) -> None:
    args = list(publish_args(data, text_file(tmp_path, "en: hi\n")))
    args[args.index("--content") + 1] = str(tmp_path / "no-content")
    code, _, err = run(*args)
    assert code == 2 and "Cannot check the areas" in err


def test_the_command_is_wired_into_python_m_bot(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["alert", "--list", "--data", str(data)]) == 0
    assert capsys.readouterr().out == "No alerts yet.\n"
