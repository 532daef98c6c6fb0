"""In which file, and on which line, each listing is written: read from the region files.

Apart from bot/domain/upkeep.py because it reads YAML: the running bot imports it only when
an admin asks /stale (tests/test_run_memory.py checks what a running bot imports)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.domain.problems import Problems
from bot.domain.strict_yaml import MappingNode, ScalarNode, SequenceNode, parse_yaml
from bot.domain.upkeep import Place


def listing_places(root: Path) -> Mapping[str, Place]:
    """Each listing's file and line, read from the region files under `root` (a file that
    does not parse adds nothing: the validator reports it)."""
    places: dict[str, Place] = {}
    for path in sorted((root / "regions").glob("*.yaml")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        node = parse_yaml(text, str(path), Problems())
        for item in _resource_items(node):
            resource_id = _scalar(item, "id")
            if resource_id is not None:
                places.setdefault(resource_id, Place(str(path), item.line))
    return places


def _resource_items(node: object) -> list[MappingNode]:
    if not isinstance(node, MappingNode):
        return []
    for key, value in node.value:
        if (
            isinstance(key, ScalarNode)
            and key.value == "resources"
            and isinstance(value, SequenceNode)
        ):
            return [item for item in value.value if isinstance(item, MappingNode)]
    return []


def _scalar(node: MappingNode, name: str) -> str | None:
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == name and isinstance(value, ScalarNode):
            return value.value
    return None
