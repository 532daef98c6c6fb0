"""The validator run on a draft region file in a copy of the content folder, and each of its
`file:line` problems blamed on the cell (or option) that line came from."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from bot.domain.loader import load_content
from bot.domain.problems import Problem, Severity
from bot.sheets.cells import Finding
from bot.sheets.region_writer import WrittenYaml
from bot.sheets.rows import Findings

# The validator's own path at the start of a message ("resources[2] (x).phones[0].number: ").
_VALIDATOR_PATH = re.compile(
    r"(?:(?:resources|neighbourhoods)\[\d+\](?: \([^)]*\))?|region|access)"
    r"(?:\.[A-Za-z_]\w*(?:\[\d+\])?)*: "
)
_LINE_LIST = re.compile(r"\(lines ([0-9, ]+)( \.\.\.)?\)")


def validate_draft(
    written: WrittenYaml, content_dir: Path, region_id: str, region_file: Path | None
) -> list[Problem]:
    """The validator's problems with the new region file in a copy of the content folder;
    files are named as in the real folder, the new one as `<region>.yaml`."""
    with tempfile.TemporaryDirectory(prefix="waypoint-import-") as temporary:
        copy = Path(temporary) / "content"
        shutil.copytree(content_dir, copy)
        if region_file is not None:
            (copy / "regions" / region_file.name).unlink()
        target = copy / "regions" / f"{region_id}.yaml"
        target.write_text(written.text, encoding="utf-8")
        problems = load_content(copy).problems.sorted()
        own, real = str(target), str(content_dir)
        return [
            Problem(
                "" if p.file == own else p.file.replace(str(copy), real, 1),
                p.line,
                p.message,
                p.severity,
            )
            for p in problems
        ]


def blame(problem: Problem, written: WrittenYaml, findings: Findings) -> Finding | None:
    """A validator problem at its cell, named by column; None when the cell was already
    reported by the sheet checks."""
    warning = problem.severity is Severity.WARNING
    if problem.file:  # another content file: its errors matter, its warnings are not new
        return None if warning else Finding(f"{problem.file}:{problem.line}", problem.message)
    where = written.origin(problem.line) or "region"
    if where in findings.bad_cells and not warning:
        return None
    message = _VALIDATOR_PATH.sub("", problem.message, count=1)
    message = _LINE_LIST.sub(lambda m: _cells(m, written), message)
    header = findings.headers.get(where)
    if header is None or message.startswith("translation missing"):
        return Finding(where, message, warning)
    return Finding(where, f"{header}: {message}", warning)


def _cells(match: re.Match[str], written: WrittenYaml) -> str:
    lines = [int(n) for n in match[1].split(",") if n.strip()]
    cells = dict.fromkeys(written.origin(n) or f"line {n}" for n in lines)
    return f"({', '.join(cells)}{match[2] or ''})"
