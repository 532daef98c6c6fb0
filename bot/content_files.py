"""Writing content files sent from Telegram: strict names, atomic writes, one previous version.

An uploaded `NAME.yaml` is a region file (`regions/NAME.yaml`) unless it is one of the three
top-level files; a caption may name any content file by its relative path instead. Names are
parsed strictly and never leave the content folder. Before a file is replaced its previous
version goes to `DATA_DIR/previous-content/` (outside the content folder, so neither the loader
nor the validator sees it), so `/rollback` can put it back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

TOP_LEVEL_FILES = frozenset({"needs.yaml", "settings.yaml", "situations.yaml"})
_NAME = r"[a-z0-9][a-z0-9_-]{0,63}"
_LOCALE = r"[a-z]{2,3}(?:_[A-Za-z]{2,4})?"
_FILE_NAME = re.compile(rf"({_NAME})\.yaml\Z")
_RELATIVE_PATH = re.compile(
    rf"(?:(?:needs|settings|situations)\.yaml|regions/{_NAME}\.yaml|pages/{_LOCALE}/{_NAME}\.md)\Z"
)
LAST_CHANGE = "last-change.json"
_DIRECTORY_MODE = 0o700


class NameRefused(ValueError):
    """An upload's file name or caption that names no content file."""


def target_path(file_name: str | None, caption: str | None) -> PurePosixPath:
    """Where an uploaded file goes, relative to the content folder; `NameRefused` otherwise.

    A caption, when given, is the relative path (`pages/es/spectrum.md`, `regions/x.yaml`);
    otherwise `NAME.yaml` is `regions/NAME.yaml`, or one of the top-level files.
    """
    wanted = (caption or "").strip()
    if wanted:
        if not _RELATIVE_PATH.match(wanted):
            raise NameRefused(wanted)
        return PurePosixPath(wanted)
    name = (file_name or "").strip()
    if name in TOP_LEVEL_FILES:
        return PurePosixPath(name)
    if not _FILE_NAME.match(name):
        raise NameRefused(name)
    return PurePosixPath("regions", name)


def inside(root: Path, relative: PurePosixPath) -> Path:
    """The file `relative` names under `root`, refusing any path that would leave it."""
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise NameRefused(str(relative))
    path = root.joinpath(*relative.parts)
    if not path.resolve().is_relative_to(root.resolve()):
        raise NameRefused(str(relative))
    return path


@contextlib.contextmanager
def staged_copy(root: Path, relative: PurePosixPath, data: bytes) -> Iterator[Path]:
    """A temporary copy of the content folder with `data` in place of `relative`; removed
    after use. Hidden files are left out, as the loader ignores them."""
    with tempfile.TemporaryDirectory(prefix="waypoint-upload-") as temporary:
        copy = Path(temporary) / "content"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".*"))
        target = inside(copy, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        yield copy


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a reader (or a crash) only ever finds the old or the
    new version: write a hidden temporary file in the same folder, flush it to disk, rename
    it over the old one, then flush the folder so the rename itself is on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def remove_durably(path: Path) -> None:
    """Delete `path` and flush its folder, so the deletion is on disk."""
    path.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass(frozen=True)
class PreviousVersions:
    """The version each content file had before its last upload, in `folder` (under DATA_DIR),
    and which file changed last: what `/rollback` restores."""

    folder: Path

    def publish(self, root: Path, relative: PurePosixPath, data: bytes) -> None:
        """Keep the current version of `relative` (or that it did not exist), then write
        `data` in its place, atomically."""
        target = inside(root, relative)
        self.folder.mkdir(mode=_DIRECTORY_MODE, parents=True, exist_ok=True)
        existed = target.is_file()
        if existed:
            write_atomically(inside(self.folder, relative), target.read_bytes())
        record = {"path": relative.as_posix(), "existed": existed}
        write_atomically(self.folder / LAST_CHANGE, json.dumps(record).encode("utf-8"))
        write_atomically(target, data)

    def last_change(self) -> tuple[PurePosixPath, bool] | None:
        """The last changed file and whether it existed before; None when there is none."""
        try:
            record = json.loads((self.folder / LAST_CHANGE).read_text(encoding="utf-8"))
            relative = PurePosixPath(str(record["path"]))
            existed = record["existed"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not _RELATIVE_PATH.match(relative.as_posix()) or not isinstance(existed, bool):
            return None
        return relative, existed

    def roll_back(self, root: Path) -> PurePosixPath | None:
        """Put the last changed file back as it was (remove it if it was new); the file, or
        None when there is nothing to roll back. Only one step back: then there is nothing."""
        last = self.last_change()
        if last is None:
            return None
        relative, existed = last
        target = inside(root, relative)
        kept = inside(self.folder, relative)
        if existed:
            write_atomically(target, kept.read_bytes())
            remove_durably(kept)
        else:
            remove_durably(target)
        remove_durably(self.folder / LAST_CHANGE)
        return relative


def fingerprint(root: Path, *, hidden: bool = False) -> str:
    """A hash of every file's name and bytes under `root` (hidden files left out unless
    `hidden`): equal fingerprints mean the loader would read exactly the same content."""
    digest = hashlib.sha256()
    files = (p for p in root.rglob("*") if p.is_file() and (hidden or not _hidden(p, root)))
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest()


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
