"""Strict YAML: one pass over the parser's events into nodes, refusing the traps admins hit.

Anchors, aliases and explicit tags are refused outright (aliases are also the billion-laughs
attack), duplicate keys and tabs are reported, and every node keeps its line for error messages.
Scalars keep both their raw text and the type YAML 1.1 would give them, so the schema reader can
say "`no` was read as a boolean" instead of silently storing False.
"""

from __future__ import annotations

import yaml

from bot.domain.problems import Problems

MAX_FILE_BYTES = 5 * 1024 * 1024

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()


def node_line(node: yaml.Node) -> int:
    """The 1-based line where a node starts."""
    return node.start_mark.line + 1


def parse_yaml(text: str, file: str, problems: Problems) -> yaml.Node | None:
    """Parse one YAML document into a node tree, or None if it cannot be used."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        problems.error(
            file,
            1,
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it into several"
            " files",
        )
        return None
    _report_tabs(text, file, problems)
    try:
        return _compose(text, file, problems)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(part for part in (error.context, error.problem) if part)
        problems.error(
            file,
            line,
            f"YAML syntax error: {what}; check the indentation (spaces only) and the quotes on"
            " this line and the one before",
        )
    except yaml.YAMLError as error:
        problems.error(file, 1, f"YAML syntax error: {error}")
    return None


def _report_tabs(text: str, file: str, problems: Problems) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        if "\t" in line:
            problems.error(
                file, number, "tab character; YAML needs spaces: replace each tab with spaces"
            )


class _Refused(Exception):
    pass


def _compose(text: str, file: str, problems: Problems) -> yaml.Node | None:
    stack: list[tuple[yaml.Node, list]] = []
    root: yaml.Node | None = None
    documents = 0
    refused = False

    def attach(node: yaml.Node) -> None:
        nonlocal root
        if stack:
            stack[-1][1].append(node)
        else:
            root = node

    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            problems.error(
                file,
                event.start_mark.line + 1,
                f"alias *{event.anchor} is not allowed; write the values out in full",
            )
            refused = True
            attach(yaml.ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark))
            continue
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            problems.error(
                file,
                event.start_mark.line + 1,
                f"anchor &{event.anchor} is not allowed; write the values out in full",
            )
            refused = True
        if isinstance(event, yaml.CollectionStartEvent | yaml.ScalarEvent) and event.tag:
            problems.error(
                file,
                event.start_mark.line + 1,
                f"tag {event.tag} is not allowed; remove it (quote the value if it is text)",
            )
            refused = True
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                problems.error(
                    file,
                    event.start_mark.line + 1,
                    "a second YAML document (---) in one file; keep one document per file",
                )
                refused = True
        elif isinstance(event, yaml.ScalarEvent):
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
            attach(node)
        elif isinstance(event, yaml.SequenceStartEvent):
            node = yaml.SequenceNode("tag:yaml.org,2002:seq", [], event.start_mark, None)
            stack.append((node, []))
        elif isinstance(event, yaml.MappingStartEvent):
            node = yaml.MappingNode("tag:yaml.org,2002:map", [], event.start_mark, None)
            stack.append((node, []))
        elif isinstance(event, yaml.CollectionEndEvent):
            node, children = stack.pop()
            node.end_mark = event.end_mark
            if isinstance(node, yaml.MappingNode):
                node.value = list(zip(children[0::2], children[1::2], strict=True))
            else:
                node.value = children
            attach(node)
    return None if refused else root
