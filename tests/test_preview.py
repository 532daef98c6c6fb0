"""The terminal preview, driven by piped input as a newcomer or an admin would."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from bot.domain.catalog import Catalog
from bot.i18n import available_locales
from bot.preview import run_preview
from bot.ui.conversation import Conversation
from bot.ui.state import UserState

from .conftest import MINIMAL, ROOT, SUNDAY_MORNING


def run_chat(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def test_spanish_path_to_a_resource_card() -> None:
    # welcome -> Español -> Oakland -> Encontrar ayuda -> Condones -> first place
    done = run_chat(["--lang", "es"], "2\n1\n1\n1\n1\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[1] English" in out and "[2] Español" in out
    assert "Lo que te piden" in out
    assert "[ejemplo]" in out
    assert "Traceback" not in out + done.stderr


def test_english_path_to_the_spectrum_page_and_search() -> None:
    done = run_chat(["--area", "oakland"], "/menu\n4\ncondons\n/privacy\n99\n/nonsense\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "What do you need?" in out
    assert "Choice, circumstance" in out and "Sources" in out
    assert "Results for “condons”" in out
    assert "What this bot keeps" in out
    assert "(no button 99 on this screen)" in out
    assert "I don't know that command" in out


def test_preview_of_another_content_folder() -> None:
    done = run_chat(["--content", str(MINIMAL), "--area", "testville"], "sobredosis\n")
    assert done.returncode == 0, done.stderr
    assert "Urgent (en)" in done.stdout


def test_bad_options_are_clear_errors() -> None:
    done = run_chat(["--lang", "xx"], "")
    assert done.returncode == 2 and "--lang xx: not available" in done.stderr
    done = run_chat(["--area", "atlantis"], "")
    assert done.returncode == 2 and "no such area" in done.stderr


def test_help_lists_the_commands() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0
    assert "validate" in done.stdout and "chat" in done.stdout


def test_location_in_process(minimal_catalog: Catalog) -> None:
    out = io.StringIO()
    conversation = Conversation(minimal_catalog, available_locales())
    lines = ["/location 37.78 -122.22", "/location north", ""]
    code = run_preview(
        conversation, UserState("en", "testville"), lines, out, lambda: SUNDAY_MORNING
    )
    assert code == 0
    text = out.getvalue()
    assert "Closest to the location you sent" in text and "0 km" in text
    assert "usage: /location" in text
