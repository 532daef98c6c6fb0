"""`python -m bot reports`, `python -m bot stale` and `python -m bot chat --at`, with their
error paths."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Store
from tests.conftest import ROOT

TODAY = dt.date.today()
LISTING = "lamp-post-night-shelter"


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        status = main(list(args))
    except SystemExit as exit_:  # argparse refuses a bad option this way
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


async def _fill(data: Path) -> None:
    store = await Store.open(data / "waypoint.sqlite3")
    try:
        for _ in range(6):
            await store.count_report(TODAY, LISTING, "hours")
        await store.count_report(TODAY - dt.timedelta(days=40), LISTING, "unsafe")
        await store.count_report(TODAY - dt.timedelta(days=2), "gone-listing", "closed")
        await store.count_report(TODAY - dt.timedelta(days=1), "night-owl-drop-in", "contact")
        await store.count_empty_search(TODAY, "oakland", "es", "shelter")
        await store.count_empty_search(TODAY, "", "en", "")
    finally:
        await store.close()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    asyncio.run(_fill(folder))
    return folder


def test_reports_lists_listings_most_recent_first_with_small_counts_hidden(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    status, out, err = run_main(capsys, "reports", "--data", str(data))
    assert status == 0, err
    assert "lamp-post-night-shelter  Lamp Post Night Shelter (Oakland, California (sample))" in out
    assert "  wrong hours: 6" in out
    assert "  treated badly or unsafe: fewer than 5" in out
    assert "gone-listing  (no longer in the content)" in out
    order = [out.index(x) for x in (LISTING, "night-owl-drop-in", "gone-listing")]
    assert order == sorted(order)
    assert re.search(r"es\s+shelter\s+fewer than 5", out)
    assert re.search(r"en\s+\(no particular need\)\s+fewer than 5", out)


def test_reports_since_a_day_and_in_an_area(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    since = (TODAY - dt.timedelta(days=30)).isoformat()
    status, out, _ = run_main(
        capsys, "reports", "--data", str(data), "--since", since, "--area", "oakland"
    )
    assert status == 0
    assert f"since {since}" in out
    assert "unsafe" not in out.split("Searches")[0]  # 40 days old
    assert "gone-listing" not in out  # no longer in the content, so in no area
    assert "(no particular need)" not in out  # searched with no area chosen


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--since", "last week"], 2, "write it like 2026-11-01"),
        (["--since", "2026-02-30"], 2, "is not a date"),
        (["--area", "atlantis"], 2, "--area atlantis: no such area; choose one of: oakland"),
    ],
)
def test_reports_bad_options_are_clear_errors(
    capsys: pytest.CaptureFixture[str], data: Path, args: list[str], status: int, message: str
) -> None:
    code, _, err = run_main(capsys, "reports", "--data", str(data), *args)
    assert code == status and message in err and "Traceback" not in err


def test_reports_without_a_database_says_where_it_looked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run_main(capsys, "reports", "--data", str(tmp_path / "nothing"))
    assert status == 1
    assert "No database at" in err and "--data (or DATA_DIR)" in err
    assert not (tmp_path / "nothing").exists()  # looking creates nothing


def test_stale_lists_never_checked_then_oldest_first_with_file_and_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_main(
        capsys, "stale", "--days", "200", "--content", str(ROOT / "content")
    )
    # Taken after the run: the command's own today is no later, even across midnight.
    today = dt.date.today()
    assert status == 0, err
    lines = out.splitlines()[1:]
    assert lines and "not verified for more than 200 days, oldest first" in out
    days = [line.split()[0] for line in lines]
    never = [d for d in days if d == "never"]
    assert days[: len(never)] == never
    dated = [dt.date.fromisoformat(d) for d in days[len(never) :]]
    assert dated == sorted(dated) and all((today - d).days > 200 for d in dated)
    assert all(re.search(r"content/regions/oakland\.yaml:[0-9]+", line) for line in lines)


def test_stale_by_region_setting_and_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(capsys, "stale", "--area", "oakland")
    assert status == 0 and "within their region's stale_after_days" in out
    for bad in (["--days", "0"], ["--days", "ten"], ["--days", "-3"]):
        code, _, err = run_main(capsys, "stale", *bad)
        assert code == 2 and "is not a number of days" in err
    code, _, err = run_main(capsys, "stale", "--area", "atlantis")
    assert code == 2 and "no such area" in err


def run_chat(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )


def test_chat_at_previews_the_conversation_at_a_local_time(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    night = run_chat("--area", "oakland", "--at", "2026-12-05 02:00", stdin="condoms\n")
    assert night.returncode == 0, night.stderr
    monkeypatch.setattr(sys, "stdin", io.StringIO("condoms\n"))
    status, day, err = run_main(capsys, "chat", "--at", "2026-12-05T14:00")
    assert status == 0, err
    assert "(Preview at 2026-12-05 02:00 America/Los_Angeles)" in night.stdout
    # Babel puts a narrow no-break space before AM and PM.
    assert re.search(r"Open now, until 3:00\sAM · Downtown", night.stdout)
    assert not re.search(r"Open now, until 3:00\sAM", day)
    assert re.search(r"Closed, opens at 9:00\sPM · Downtown", day)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tomorrow", 'write it like "2026-12-05 02:00"'),
        ("2026-12-05 25:00", "is not a date and time"),
        ("2026-12-05", "is not a date and time"),
        ("2027-03-14 02:30", "does not exist in America/Los_Angeles"),
    ],
)
def test_chat_at_bad_values_are_clear_errors(
    capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    status, _, err = run_main(capsys, "chat", "--at", value)
    assert status == 2 and message in err and "Traceback" not in err


def test_chat_help_says_which_timezone(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(capsys, "chat", "--help")
    assert status == 0
    assert "timezone of --area when given, else of the content's first region" in " ".join(
        out.split()
    )
