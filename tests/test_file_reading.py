"""Content files are read as bytes and decoded in pieces (so a live reload does not stall the
bot); the text must be exactly what reading the file as text gives, and the errors the same."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.catalog import load_catalog
from bot.domain.load_context import DECODE_CHUNK_BYTES, ParsedFiles, decode_utf8
from bot.domain.loader import load_content

_PIECES = st.lists(st.sampled_from(["a", "é", "€", "😀", "\r", "\n", "\r\n", "\ufeff"]))


@given(pieces=_PIECES, filler=st.integers(0, 4))
def test_the_text_is_what_reading_it_as_text_gives(
    tmp_path_factory: object, pieces: list[str], filler: int
) -> None:
    # Filler puts the interesting characters across the boundary between two pieces.
    text = "x" * (DECODE_CHUNK_BYTES - filler) + "".join(pieces) * 3
    data = text.encode("utf-8")
    path = Path(str(tmp_path_factory.mktemp("t"))) / "f.yaml"  # type: ignore[attr-defined]
    path.write_bytes(data)
    assert decode_utf8(data) == path.read_text(encoding="utf-8")


def region_file(folder: Path) -> Path:
    return next((folder / "regions").glob("*.yaml"))


def test_a_file_that_is_not_utf8_is_named_every_time(content_copy: Path) -> None:
    path = region_file(content_copy)
    path.write_bytes(path.read_bytes().replace(b"name:", "name: caf\xe9".encode("latin-1"), 1))
    parsed = ParsedFiles()
    for _ in range(2):  # the second load finds the bytes in the cache
        parsed.next_load()
        errors = [str(p) for p in load_content(content_copy, parsed).problems.errors]
        assert errors == [f"{path}:1: not UTF-8 text; save the file as UTF-8"]


def test_windows_line_ends_load_the_same_content(content_copy: Path) -> None:
    plain, _ = load_catalog(content_copy)
    path = region_file(content_copy)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    windows, result = load_catalog(content_copy)
    assert plain is not None and windows is not None, result.problems.errors
    # Opening schedules compare by identity; their repr shows the rule they were built from.
    assert repr(windows.content.resources) == repr(plain.content.resources)
