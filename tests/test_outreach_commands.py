"""`python -m bot link|qr|cards`: the link each prints or draws, and every error path: one
clear line (no traceback) saying what is wrong and what would do, exit 2 for an option and 1
for a file, a font or the content."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from bot import outreach
from bot.cards.fonts import latin_face
from bot.cli import build_parser, main
from bot.domain.catalog import Catalog
from bot.run import shipped_locales

from .conftest import ROOT

BOT = "WaypointTestBot"
LANG_ERROR = "--lang ja: not available; choose one of: en, es, fil, ko, th, vi, zh_Hans, zh_Hant"


@pytest.fixture
def cli(sample_catalog: Catalog) -> Callable[..., tuple[int, str, str]]:
    """Run a command the way `python -m bot` does once the content is loaded (loaded once for
    every test here; test_broken_content and test_the_real_command_line go the whole way)."""
    content = sample_catalog.content

    def run(*argv: str, env: Mapping[str, str] | None = None) -> tuple[int, str, str]:
        args = build_parser().parse_args(argv)
        out, err = io.StringIO(), io.StringIO()
        status = outreach.run(args, content, shipped_locales(content), env or {}, out, err)
        assert "Traceback" not in err.getvalue()
        return status, out.getvalue(), err.getvalue()

    return run


Cli = Callable[..., tuple[int, str, str]]


def test_link_prints_the_start_link(cli: Cli) -> None:
    argv = ("link", "--bot", "@" + BOT, "--lang", "es", "--area", "oakland", "--topic", "drugs")
    status, out, _ = cli(*argv, "--campaign", "flyer1")
    assert status == 0
    assert out == f"https://t.me/{BOT}?start=l-es__a-oakland__n-drugs__c-flyer1\n"


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("drugs", "n-drugs"),
        ("rights", "s-rights"),
        ("rights-police", "p-rights-police"),
        ("safety", "s-safety"),
        ("page:safety", "p-safety"),
        ("section:urgent", "s-urgent"),
        ("urgent", "n-urgent"),
        ("need:urgent", "n-urgent"),
    ],
)
def test_topic_is_a_need_a_section_or_a_page(cli: Cli, topic: str, payload: str) -> None:
    status, out, _ = cli("link", "--bot", BOT, "--topic", topic)
    assert (status, out) == (0, f"https://t.me/{BOT}?start={payload}\n")


def test_username_from_the_environment(cli: Cli) -> None:
    env = {"BOT_USERNAME": "@EnvBot"}
    assert cli("link", "--campaign", "x", env=env)[:2] == (0, "https://t.me/EnvBot?start=c-x\n")
    assert cli("link", "--campaign", "x", "--bot", BOT, env=env)[1].startswith(
        f"https://t.me/{BOT}"
    )
    status, _, err = cli("link", "--campaign", "x", env={"BOT_USERNAME": "not a bot"})
    assert status == 2 and err.startswith("BOT_USERNAME: 'not a bot' is not a bot username")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("link", "--area", "oakland"), "no bot username: pass --bot NAME or set BOT_USERNAME"),
        (("link", "--bot", "Waypoint", "--area", "oakland"), "--bot: 'Waypoint' is not a bot"),
        (("link", "--bot", BOT), "say what the link presets: --lang, --area, --topic"),
        (("link", "--bot", BOT, "--area", "atlantis"), "choose one of: oakland"),
        (("link", "--bot", BOT, "--area", "Oakland"), "--area Oakland: no such area"),
        (("link", "--bot", BOT, "--area", ""), "--area : no such area; choose one of: oakland"),
        (("link", "--bot", BOT, "--lang", ""), "--lang : not available; choose one of: en,"),
        (("link", "--bot", BOT, "--topic", ""), "--topic : no such need, section or page"),
        (("link", "--bot", BOT, "--lang", "ja"), LANG_ERROR),
        (("link", "--bot", BOT, "--lang", "es-MX"), "--lang es-MX: not available"),
        (("link", "--bot", BOT, "--topic", "nope"), "a need (condoms, drugs,"),
        (("link", "--bot", BOT, "--topic", "nope"), "a section (rights, spectrum, safety, urgent)"),
        (("link", "--bot", BOT, "--topic", "nope"), "or a page (immigration, record-relief,"),
        (("link", "--bot", BOT, "--topic", "page:drugs"), "--topic page:drugs: no such need"),
        (("link", "--bot", BOT, "--topic", "section:spectrumx"), "no such need, section or page"),
        (("link", "--bot", BOT, "--campaign", "Flyer1"), "--campaign Flyer1: a campaign code"),
        (("link", "--bot", BOT, "--campaign", "a" * 17), "1 to 16 lower-case letters"),
        (("link", "--bot", BOT, "--campaign=-x"), "starting with a letter or digit"),
        (("link", "--bot", BOT, "--campaign", "flyer_1"), "a campaign code is"),
        (("qr", "--bot", BOT, "--area", "oakland", "-o", "card.jpg"), "write a .png or .svg"),
        (("qr", "--bot", BOT, "--area", "oakland", "-o", "card"), "-o card: write a .png or .svg"),
        (("qr", "--area", "oakland", "-o", "card.png"), "no bot username"),
        (("cards", "--bot", BOT, "--area", "oakland", "-o", "c.png"), "write a .pdf file"),
        (("cards", "--bot", BOT, "--area", "atlantis", "-o", "c.pdf"), "no such area"),
        (("cards", "--bot", BOT, "--area", "oakland", "--langs", "th,xx", "-o", "c.pdf"),
         "--langs th,xx: not available: xx; choose from: en, es,"),
        (("cards", "--bot", BOT, "--area", "oakland", "--langs", " , ", "-o", "c.pdf"),
         "--langs  , : empty; choose from"),
        (("cards", "--bot", BOT, "--area", "oakland", "--campaign", "A", "-o", "c.pdf"),
         "--campaign A: a campaign code"),
        (("cards", "--bot", BOT, "--area", "oakland", "--fonts", "/no/such/dir", "-o", "c.pdf"),
         "--fonts /no/such/dir: no such folder"),
        (("cards", "--area", "oakland", "-o", "c.pdf"), "no bot username"),
    ],
)  # fmt: skip
def test_a_bad_option_is_one_clear_line_and_exit_2(
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # so that a file written by mistake would show
    status, out, err = cli(*argv)
    assert status == 2 and out == ""
    assert message in err and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_a_link_longer_than_telegram_allows(sample_catalog: Catalog) -> None:
    content = sample_catalog.content
    long_area = "a" + "-long-area-name" * 2
    regions = {long_area: content.regions["oakland"]}
    content = dataclasses.replace(content, regions=regions)
    argv = ["link", "--bot", BOT, "--lang", "zh_Hant", "--area", long_area]
    args = build_parser().parse_args([*argv, "--topic", "rights-services", "--campaign", "c" * 16])
    err = io.StringIO()
    assert outreach.run(args, content, shipped_locales(content), {}, io.StringIO(), err) == 2
    assert "longer than Telegram allows (64 characters after ?start=)" in err.getvalue()


def test_an_id_the_link_format_cannot_carry(sample_catalog: Catalog) -> None:
    content = sample_catalog.content
    content = dataclasses.replace(content, regions={"old_": content.regions["oakland"]})
    args = build_parser().parse_args(["link", "--bot", BOT, "--area", "old_", "--topic", "drugs"])
    err = io.StringIO()
    assert outreach.run(args, content, shipped_locales(content), {}, io.StringIO(), err) == 2
    assert err.getvalue() == (
        "old_: an id ending in _ or holding __ cannot go into a link (its parts are joined"
        " with __); rename it in the content\n"
    )


def test_qr_png_and_svg_hold_the_link(cli: Cli, tmp_path: Path) -> None:
    url = f"https://t.me/{BOT}?start=l-th__a-oakland__p-rights-police"
    argv = ("--bot", BOT, "--lang", "th", "--area", "oakland", "--topic", "rights-police")
    status, out, _ = cli("qr", *argv, "-o", str(tmp_path / "card.PNG"))
    assert status == 0 and out == f"wrote {tmp_path / 'card.PNG'}: {url}\n"
    codes = zxingcpp.read_barcodes(Image.open(tmp_path / "card.PNG"))
    assert [code.text for code in codes] == [url]
    assert cli("qr", *argv, "-o", str(tmp_path / "card.svg"))[0] == 0
    assert (tmp_path / "card.svg").read_text(encoding="utf-8").startswith("<svg")


def test_an_unwritable_output_is_one_line_and_exit_1(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "card.png"
    status, _, err = cli("qr", "--bot", BOT, "--area", "oakland", "-o", str(target))
    assert status == 1 and err == f"cannot write {target}: No such file or directory\n"


def test_a_missing_font_names_the_file_and_its_package(cli: Cli, tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    argv = ("cards", "--bot", BOT, "--area", "oakland", "--fonts", str(fonts), "--paper", "a4")
    status, _, err = cli(*argv, "--langs", "th", "-o", str(tmp_path / "c.pdf"))
    assert status == 1
    assert err == (
        f"font not found: {fonts / 'NotoSans-Regular.ttf'}; it comes with the Debian package"
        " fonts-noto-core (sudo apt-get install fonts-noto-core) or copy the file into that"
        " folder\n"
    )
    shutil.copy(latin_face().directory / latin_face().filename, fonts)
    status, _, err = cli(*argv, "--langs", "en,ko", "-o", str(tmp_path / "c.pdf"))
    assert status == 1
    assert f"{fonts / 'NotoSansCJK-Regular.ttc'}" in err and "fonts-noto-cjk" in err
    assert not (tmp_path / "c.pdf").exists()
    status, out, _ = cli(*argv, "--langs", "en", "-o", str(tmp_path / "c.pdf"))
    assert status == 0 and out == f"wrote {tmp_path / 'c.pdf'}: 1 language(s) on A4 sheets\n"


def test_a_broken_font_file_is_one_line_and_exit_1(cli: Cli, tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "NotoSans-Regular.ttf").write_bytes(b"not a font")
    argv = ("cards", "--bot", BOT, "--area", "oakland", "--fonts", str(fonts), "--langs", "en")
    status, _, err = cli(*argv, "-o", str(tmp_path / "c.pdf"))
    assert status == 1 and err.count("\n") == 1
    assert err.startswith(f"cannot read the font {fonts / 'NotoSans-Regular.ttf'} (")
    assert "fonts-noto-core" in err


def test_broken_content_is_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status = main(["link", "--bot", BOT, "--area", "oakland", "--content", str(tmp_path)])
    _, err = capsys.readouterr()
    assert status == 1 and "python -m bot validate" in err and "Traceback" not in err


def test_the_real_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "link", "--lang", "ko", "--area", "oakland"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BOT_USERNAME": BOT, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, f"https://t.me/{BOT}?start=l-ko__a-oakland\n")
    assert done.stderr == ""
