"""What every part of a content load shares: problems, coverage, locales and reading files."""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.domain.hours import HoursError, OpeningSchedule
from bot.domain.hours_check import twelve_hour_slips
from bot.domain.load_result import Coverage
from bot.domain.models import LocalizedText
from bot.domain.problems import Problem, Problems
from bot.domain.reader import NodeReader
from bot.domain.strict_yaml import MAX_FILE_BYTES, Node, ScalarNode, node_line, parse_yaml

NOT_UTF8 = "not UTF-8 text; save the file as UTF-8"
DECODE_CHUNK_BYTES = 256 * 1024


class ParsedFiles:
    """The node trees of YAML texts parsed before, keyed by a hash of the text, with the
    problems parsing found. A reload parses only the files whose bytes changed: the nodes are
    never modified after parsing, and parsing depends on nothing but the text (the file name
    only appears in the problems, and is put back in them), so reusing them is the same as
    parsing again. Also shared by a copy of the folder, such as an upload's staging copy.

    Only the texts of the last two loads are kept (call `next_load` before each), so the
    cache holds about two versions of the content and never grows with the edits."""

    def __init__(self) -> None:
        self._earlier: dict[bytes, tuple[Node | None, tuple[Problem, ...]]] = {}
        self._latest: dict[bytes, tuple[Node | None, tuple[Problem, ...]]] = {}
        self._forgotten: dict[bytes, tuple[Node | None, tuple[Problem, ...]]] = {}

    def next_load(self) -> None:
        """Start a load: forget texts not seen by the last one (kept aside until
        `take_forgotten`, so that they need not be freed in one go here)."""
        self._forgotten = self._earlier
        self._earlier, self._latest = self._latest, {}

    def take_forgotten(self) -> dict[bytes, tuple[Node | None, tuple[Problem, ...]]]:
        """The texts the last `next_load` forgot, for the caller to free as it sees fit: a
        changed region file's node tree is hundreds of thousands of objects, and dropping it
        at once holds the GIL for tens of milliseconds."""
        forgotten, self._forgotten = self._forgotten, {}
        return forgotten

    def parse(self, text: str, file: str, problems: Problems) -> Node | None:
        """Like `parse_yaml`, from the cache when this exact text was parsed before."""
        data = text.encode("utf-8", "surrogatepass")
        return self._parsed(hashlib.sha256(data).digest(), lambda: text, file, problems)

    def parse_file(self, data: bytes, file: str, problems: Problems) -> Node | None:
        """A file's bytes parsed, from the cache when they were parsed before (an unchanged
        file is not even decoded); bytes that are not UTF-8 are a problem, not a tree."""
        return self._parsed(
            hashlib.sha256(data).digest(), lambda: decode_utf8(data), file, problems
        )

    def _parsed(
        self, key: bytes, text: Callable[[], str], file: str, problems: Problems
    ) -> Node | None:
        cached = self._latest.get(key) or self._earlier.get(key)
        if cached is None:
            found = Problems()
            try:
                cached = (parse_yaml(text(), file, found), tuple(found.items))
            except UnicodeDecodeError:
                found.error(file, 1, NOT_UTF8)
                cached = (None, tuple(found.items))
        self._latest[key] = cached
        node, parse_problems = cached
        problems.items.extend(replace(p, file=file) for p in parse_problems)
        return node


def decode_utf8(data: bytes) -> str:
    """UTF-8 bytes as text with universal newlines, as `Path.read_text` gives it, decoded a
    quarter MiB at a time: one call on a multi-megabyte region file holds the GIL for several
    milliseconds, a stall every person would feel while a live reload runs in a thread."""
    decoder = io.IncrementalNewlineDecoder(codecs.getincrementaldecoder("utf-8")(), translate=True)
    view = memoryview(data)
    parts = [
        decoder.decode(view[at : at + DECODE_CHUNK_BYTES])
        for at in range(0, len(data), DECODE_CHUNK_BYTES)
    ]
    parts.append(decoder.decode(b"", final=True))
    return "".join(parts)


class LoadContext:
    """Shared by the loaders of one content folder; collects problems instead of raising."""

    def __init__(self, root: Path, parsed: ParsedFiles | None = None) -> None:
        self.root = root
        self.parsed = parsed or ParsedFiles()
        self.problems = Problems()
        self.coverage = Coverage()
        self.default_locale = "en"
        self.locales: tuple[str, ...] = ("en",)
        # One schedule per distinct opening_hours expression and zone (or why it is not one):
        # thousands of listings share a few dozen hours, and open status is worked out per
        # schedule (see bot/domain/open_now.py).
        self._schedules: dict[tuple[str, str], OpeningSchedule | str] = {}
        # The 12-hour-clock slips of each distinct expression, for the same reason.
        self._slips: dict[str, tuple[str, ...]] = {}

    def schedule(self, expression: str, timezone: str) -> OpeningSchedule:
        """The schedule for an opening_hours expression in a zone, shared by every listing
        that has the same, or HoursError."""
        found = self._schedules.get((expression, timezone))
        if found is None:
            try:
                found = OpeningSchedule(expression, timezone)
            except HoursError as error:
                found = str(error)
            self._schedules[(expression, timezone)] = found
        if isinstance(found, str):
            raise HoursError(found)
        return found

    def hour_slips(self, expression: str) -> tuple[str, ...]:
        """`twelve_hour_slips` of an opening_hours expression, worked out once per load."""
        found = self._slips.get(expression)
        if found is None:
            found = self._slips[expression] = tuple(twelve_hour_slips(expression))
        return found

    def read(self, path: Path) -> tuple[NodeReader, Node | None]:
        """A YAML file's node tree, or None (the problem is recorded)."""
        reader = NodeReader(str(path), self.problems)
        data = self.read_bytes(path, reader.file)
        if data is None:
            return reader, None
        before = len(self.problems.items)
        node = self.parsed.parse_file(data, reader.file, self.problems)
        if node is None and len(self.problems.items) == before:
            self.problems.error(reader.file, 1, "the file is empty; see docs/content.md")
        return reader, node

    def read_text(self, path: Path, shown: str) -> str | None:
        """A file's text, or None when it is too large, not UTF-8 or unreadable."""
        data = self.read_bytes(path, shown)
        if data is None:
            return None
        try:
            return decode_utf8(data)
        except UnicodeDecodeError:
            self.problems.error(shown, 1, NOT_UTF8)
        return None

    def read_bytes(self, path: Path, shown: str) -> bytes | None:
        """A file's bytes, or None when it is too large or unreadable."""
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.problems.error(
                    shown, 1, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; split it"
                )
                return None
            return path.read_bytes()
        except OSError as error:
            self.problems.error(shown, 1, f"cannot read the file: {error.strerror}")
        return None

    def localized(
        self,
        reader: NodeReader,
        node: Node,
        where: str,
        default_locale: str,
        *,
        proper_name: bool = False,
    ) -> LocalizedText | None:
        """Text to show users. A proper name written once is the same in every locale;
        any other text written once is in `default_locale` and counts as untranslated."""
        values = reader.localized(node, where, self.locales, default_locale)
        if values is None:
            return None
        if not values.get(default_locale):
            reader.error(
                node, f"{where}: the {default_locale!r} text is missing; it is the fallback"
            )
            return None
        written_once = isinstance(node, ScalarNode)
        if not (proper_name and written_once):
            self.coverage.record(reader.file, node_line(node), self.locales, values)
        return LocalizedText(values, default_locale, proper_name and written_once)

    def known_locale(self, reader: NodeReader, node: Node, where: str) -> str | None:
        """A locale listed in settings.yaml."""
        value = reader.text(node, where)
        if value is not None and value not in self.locales:
            reader.error(node, f"{where}: {value!r} is not one of: {', '.join(self.locales)}")
            return None
        return value

    def collect(
        self,
        reader: NodeReader,
        fields: dict[str, Node],
        name: str,
        into: dict[str, Any],
        read_item: Callable[[Node, str], Any],
    ) -> None:
        """Read a list of records with ids into `into`, reporting duplicate ids."""
        items = reader.sequence(fields[name], name) if name in fields else []
        lines: dict[str, int] = {}
        for index, item in enumerate(items or ()):
            record = read_item(item, f"{name}[{index}]")
            if record is None:
                continue
            if record.id in into:
                reader.error(
                    item,
                    f"{name}[{index}].id: duplicate id {record.id!r}"
                    f"{f' (first at line {lines[record.id]})' if record.id in lines else ''};"
                    " give each its own id",
                )
                continue
            into[record.id] = record
            lines[record.id] = node_line(item)
