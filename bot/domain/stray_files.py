"""Files under the content folder that the loader never reads, each with a warning saying why.

Hidden files and folders (names starting with a dot, such as .git) are left alone.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath

from bot.domain.problems import Problems

_TOP_FILES = ("settings.yaml", "needs.yaml", "situations.yaml")
_YAML_SUFFIXES = (".yaml", ".yml")
_REGION_HEADER = re.compile(r"^region:\s*(#.*)?$", re.MULTILINE)
_READ_PEEK = 64 * 1024
_WHAT_IS_READ = (
    "the bot reads only settings.yaml, needs.yaml, situations.yaml, regions/<id>.yaml and"
    " pages/<language>/<id>.md"
)


def warn_stray_files(root: Path, problems: Problems) -> None:
    """Warn about every file under `root` that loading skips."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        reason = _why_ignored(relative, path)
        if reason is not None:
            problems.warning(str(path), 1, f"ignored: {reason}")


def _why_ignored(relative: PurePath, path: Path) -> str | None:
    parts = relative.parts
    suffix = relative.suffix.lower()
    if len(parts) == 1 and parts[0] in _TOP_FILES:
        return None
    if parts[0] == "regions":
        return _why_region_ignored(relative)
    if parts[0] == "pages":
        if len(parts) == 3 and relative.suffix == ".md":
            return None
        return "pages are read only as pages/<language>/<id>.md"
    if len(parts) == 1 and f"{relative.stem.lower()}.yaml" in _TOP_FILES:
        return f"rename it to {relative.stem.lower()}.yaml"
    if suffix in _YAML_SUFFIXES and _looks_like_region(path):
        return f"this looks like a region file; move it to regions/{relative.stem}.yaml"
    return _WHAT_IS_READ


def _why_region_ignored(relative: PurePath) -> str | None:
    parts = relative.parts
    if len(parts) > 2:
        return (
            f"files in subfolders of regions/ are not read; move it to regions/{relative.name}"
            " (split a big region into several regions, see docs/admins.md)"
        )
    if relative.suffix == ".yaml":
        return None
    if relative.suffix.lower() in _YAML_SUFFIXES:
        return f"region files must end in .yaml; rename it to {relative.stem}.yaml"
    return "only files ending in .yaml are read in regions/"


def _looks_like_region(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(_READ_PEEK).decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(_REGION_HEADER.search(head))
