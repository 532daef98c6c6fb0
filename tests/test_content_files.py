"""Content files from Telegram: strict names that never leave the folder, atomic writes, and one
previous version per upload kept outside the content folder."""

from __future__ import annotations

import threading
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content_files import (
    NameRefused,
    PreviousVersions,
    inside,
    target_path,
    write_atomically,
)


@pytest.mark.parametrize(
    ("name", "caption", "expected"),
    [
        ("oakland.yaml", None, "regions/oakland.yaml"),
        ("east-bay_2.yaml", "", "regions/east-bay_2.yaml"),
        ("needs.yaml", None, "needs.yaml"),
        ("settings.yaml", None, "settings.yaml"),
        ("situations.yaml", None, "situations.yaml"),
        ("anything.bin", "pages/es/spectrum.md", "pages/es/spectrum.md"),
        ("x.md", " pages/zh_Hant/safety.md ", "pages/zh_Hant/safety.md"),
        ("x.yaml", "regions/oakland.yaml", "regions/oakland.yaml"),
    ],
)
def test_names_map_to_their_place(name: str, caption: str | None, expected: str) -> None:
    assert target_path(name, caption) == PurePosixPath(expected)


@given(st.text(max_size=80), st.one_of(st.none(), st.text(max_size=80)))
def test_any_name_stays_inside_the_folder_or_is_refused(name: str, caption: str | None) -> None:
    root = Path("/srv/content")
    try:
        relative = target_path(name, caption)
    except NameRefused:
        return
    path = inside(root, relative)
    assert path.resolve().is_relative_to(root.resolve())
    assert relative.suffix in (".yaml", ".md") and ".." not in relative.parts
    assert relative.parts[0] in ("regions", "pages") or len(relative.parts) == 1


def test_a_reader_only_ever_sees_the_old_or_the_new_version(tmp_path: Path) -> None:
    path = tmp_path / "regions" / "oakland.yaml"
    versions = [bytes([65 + n]) * 100_000 for n in range(3)]
    write_atomically(path, versions[0])
    seen: set[bytes] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(path.read_bytes())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for round_number in range(20):
            write_atomically(path, versions[round_number % 3])
    finally:
        done.set()
        reader.join()
    assert seen <= set(versions)
    assert [p.name for p in path.parent.iterdir()] == ["oakland.yaml"]  # no temporary left


def test_previous_versions_are_kept_outside_and_rolled_back_once(tmp_path: Path) -> None:
    root, kept = tmp_path / "content", PreviousVersions(tmp_path / "data" / "previous-content")
    (root / "regions").mkdir(parents=True)
    (root / "regions" / "a.yaml").write_bytes(b"old")
    assert kept.roll_back(root) is None  # nothing yet
    kept.publish(root, PurePosixPath("regions/a.yaml"), b"new")
    assert (root / "regions" / "a.yaml").read_bytes() == b"new"
    assert not list(root.rglob("*previous*"))
    assert kept.roll_back(root) == PurePosixPath("regions/a.yaml")
    assert (root / "regions" / "a.yaml").read_bytes() == b"old"
    assert kept.roll_back(root) is None
    kept.publish(root, PurePosixPath("regions/b.yaml"), b"added")
    assert kept.roll_back(root) == PurePosixPath("regions/b.yaml")
    assert not (root / "regions" / "b.yaml").exists()


def test_a_tampered_record_is_nothing_to_roll_back(tmp_path: Path) -> None:
    kept = PreviousVersions(tmp_path / "previous")
    kept.folder.mkdir()
    for record in ('{"path": "../../etc/passwd", "existed": true}', "not json", '{"path": 1}'):
        (kept.folder / "last-change.json").write_text(record, encoding="utf-8")
        assert kept.roll_back(tmp_path / "content") is None
