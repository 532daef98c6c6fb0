"""`python -m bot search`: what a person typing TEXT gets, in order, for admins and tests."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from bot.cli import search

ROOT = Path(__file__).resolve().parent.parent


def run_search(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "search", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )


def test_json_puts_urgent_help_first_for_a_crisis() -> None:
    done = run_search("my friend isn't breathing", "--area", "oakland", "--json")
    assert done.returncode == 0, done.stderr
    refs = json.loads(done.stdout)
    assert refs[0] == {"kind": "page", "id": "urgent", "title": "Urgent help"}
    assert {"kind", "id", "title"} == set(refs[1]) and refs[1]["kind"] in {"need", "resource"}


def test_lines_in_spanish_and_bad_options() -> None:
    done = run_search("me quitaron el pasaporte", "--lang", "es", "--area", "oakland")
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()[:2]
    assert first.startswith("1. page:urgent") and second.startswith("2. page:spectrum")
    bad = run_search("condoms", "--area", "atlantis")
    assert bad.returncode == 2 and "no such area" in bad.stderr and "Traceback" not in bad.stderr


def test_nothing_found_says_what_the_person_is_offered() -> None:
    out = io.StringIO()
    args = SimpleNamespace(text="xyzzy", lang=None, area="oakland", content=None, json=False)
    assert search(args, out, io.StringIO()) == 0  # type: ignore[arg-type]
    assert "urgent help and the list of needs" in out.getvalue()
