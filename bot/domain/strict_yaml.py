"""Strict YAML: one pass over libyaml's events into small nodes, refusing the traps admins hit.

Anchors, aliases and explicit tags are refused outright (aliases are also the billion-laughs
attack), tabs are reported, and every node keeps its line for error messages. A syntax error
stops only its own file from that point: what was read before it is kept, with every list and
mapping still open at the error marked `cut`, so the reader checks it without asking for the
fields that were lost. Scalars keep both
their raw text and the type YAML 1.1 would give them, so the schema reader can say "`no` was
read as a boolean" instead of silently storing False. Duplicate keys are left to the reader,
which sees every key of a mapping.
"""

from __future__ import annotations

import yaml

from bot.domain.block_yaml import read_block_yaml
from bot.domain.content_limits import MAX_FILE_BYTES
from bot.domain.problems import Problems
from bot.domain.yaml_errors import explain
from bot.domain.yaml_nodes import (
    NULL,
    RESOLVER,
    STR,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    node_line,
)

__all__ = ["MAX_FILE_BYTES", "STR", "MappingNode", "Node", "ScalarNode", "SequenceNode"]
__all__ += ["node_line", "parse_yaml"]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, file: str, problems: Problems) -> Node | None:
    """Parse one YAML document into a node tree, or None if it cannot be used."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        problems.error(
            file,
            1,
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it into several"
            " files",
        )
        return None
    if "\t" in text:
        _report_tabs(text, file, problems)
    # Most content files are plain block-style YAML, read quicker without libyaml's events.
    quick = read_block_yaml(text)
    if quick is not None:
        return quick
    try:
        return _compose(text, file, problems)
    except yaml.MarkedYAMLError as error:
        _report_syntax(error, text, file, problems)
        return _before_error(text, explain(error, text).stopped_at, file)
    except yaml.YAMLError as error:
        problems.error(file, 1, f"YAML syntax error: {error}")
    return None


def _before_error(text: str, stopped_at: int, file: str) -> Node | None:
    """What a file holds before the line where a syntax error stopped it, with every list and
    mapping still open there marked `cut`. (Re-reading the lines before the error, rather than
    keeping what the failed pass built, also keeps a value the scanner lost by looking ahead.)"""
    lines = text.splitlines(keepends=True)
    while stopped_at > 1:
        prefix = "".join(lines[: stopped_at - 1])
        try:
            # Problems before the error were recorded by the first pass already.
            node = _compose(prefix, file, Problems())
        except yaml.MarkedYAMLError as error:
            stopped_at = min(stopped_at - 1, explain(error, prefix).stopped_at)
            continue
        if node is not None:
            _mark_open_nodes_cut(node)
        return node
    return None


def _mark_open_nodes_cut(node: Node) -> None:
    """Mark the last list or mapping at each level as cut; drop a field left without a value."""
    while isinstance(node, MappingNode | SequenceNode):
        node.cut = True
        if not node.value:
            return
        last = node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1]
        if isinstance(last, ScalarNode) and last.tag == NULL and not last.value:
            node.value.pop()
            return
        node = last


def _report_tabs(text: str, file: str, problems: Problems) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        if "\t" in line:
            problems.error(
                file, number, "tab character; YAML needs spaces: replace each tab with spaces"
            )


def _refuse(problems: Problems, file: str, event: yaml.NodeEvent) -> bool:
    """Report an alias, anchor or tag; returns True (the document is refused)."""
    line = event.start_mark.line + 1 if event.start_mark is not None else 1
    if isinstance(event, yaml.AliasEvent):
        problems.error(
            file, line, f"alias *{event.anchor} is not allowed; write the values out in full"
        )
        return True
    if event.anchor is not None:
        problems.error(
            file, line, f"anchor &{event.anchor} is not allowed; write the values out in full"
        )
    # Only scalars and collection starts carry a tag (a document start has `tags` instead).
    if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent) and event.tag is not None:
        problems.error(
            file, line, f"tag {event.tag} is not allowed; remove it (quote the value if it is text)"
        )
    return True


def _compose(text: str, file: str, problems: Problems) -> Node | None:
    # The hot loop of loading, one libyaml event at a time, so it is written flat: every
    # node is appended to its parent's children; mappings pair them up when they end.
    parser = _Loader(text)
    next_event = parser.get_event
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    resolve = RESOLVER.resolve
    # Each distinct plain text once, with its resolved type: keys, codes, ids and repeated
    # texts then share one string object, in the nodes and in the content made from them.
    plain: dict[str, tuple[str, str]] = {}
    stack: list[tuple[SequenceNode | MappingNode, list[Node]]] = []
    children: list[Node] = []
    top = children
    refused = False
    documents = 0
    try:
        while (event := next_event()) is not None:
            kind = type(event)
            if kind is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    refused = _refuse(problems, file, event)
                value = event.value
                if event.implicit[0]:
                    # Keys and codes repeat thousands of times: resolve each text once.
                    known = plain.get(value)
                    if known is None:
                        known = plain[value] = (
                            value,
                            resolve(yaml.ScalarNode, value, (True, False)),
                        )
                    value, tag = known
                else:
                    tag = STR
                children.append(ScalarNode(value, tag, event.start_mark.line + 1))
            elif kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or event.tag is not None:
                    refused = _refuse(problems, file, event)
                line = event.start_mark.line + 1
                stack.append(
                    (MappingNode(line) if kind is mapping_start else SequenceNode(line), children)
                )
                children = []
            elif kind in ends:
                node, parent_children = stack.pop()
                if type(node) is MappingNode:
                    node.value = list(zip(children[0::2], children[1::2], strict=True))
                else:
                    node.value = children
                parent_children.append(node)
                children = parent_children
            elif kind is alias_event:
                refused = _refuse(problems, file, event)
                children.append(ScalarNode("", "tag:yaml.org,2002:null", event.start_mark.line + 1))
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.error(
                        file,
                        event.start_mark.line + 1,
                        "a second YAML document (---) in one file; keep one document per file",
                    )
                    refused = True
    finally:
        parser.dispose()
    return None if refused or not top else top[0]


def _report_syntax(error: yaml.MarkedYAMLError, text: str, file: str, problems: Problems) -> None:
    """Record a syntax error in admin words, unless it is a tab already reported."""
    explained = explain(error, text)
    lines = text.splitlines()
    if "\t" in (lines[explained.line - 1] if 0 < explained.line <= len(lines) else ""):
        return
    problems.error(file, explained.line, explained.message)
