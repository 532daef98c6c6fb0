"""The quick block-style reader builds exactly the nodes libyaml's events build, or declines.

The oracle is `strict_yaml._compose`, the libyaml reader every file went through before the
quick one: whenever `read_block_yaml` gives a tree, libyaml must read the same text without a
problem into the same tree (types, values, resolved tags, lines), on any text hypothesis makes:
nested documents written in many styles, and soups of lines with every trap admins hit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.block_yaml import read_block_yaml
from bot.domain.problems import Problems
from bot.domain.strict_yaml import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    _compose,
    parse_yaml,
)

ROOT = Path(__file__).resolve().parent.parent


def shape(node: Node | None) -> object:
    """Everything the readers see of a node tree, as comparable values."""
    if node is None:
        return None
    if isinstance(node, ScalarNode):
        return ("scalar", node.value, node.tag, node.line)
    if isinstance(node, MappingNode):
        pairs = [(shape(key), shape(value)) for key, value in node.value]
        return ("mapping", node.line, node.cut, pairs)
    return ("sequence", node.line, node.cut, [shape(item) for item in node.value])


def check_same_as_libyaml(text: str) -> bool:
    """Whether the quick reader took `text`; when it did, libyaml agrees in every detail."""
    quick = read_block_yaml(text)
    if quick is None:
        return False
    problems = Problems()
    assert shape(quick) == shape(_compose(text, "f.yaml", problems))
    assert problems.items == []
    return True


WORDS = st.sampled_from(
    [
        "food",
        "Night Owl",
        "yes",
        "no",
        "true",
        "off",
        "null",
        "~",
        "12",
        "012",
        "1_000",
        "0x1f",
        "1e3",
        ".5",
        "-122.2705",
        "-.inf",
        ".nan",
        "+1",
        "12:30",
        "190:20:30",
        "2026-11-15",
        "2026-11-15 10:00:00",
        "Mo-Fr 09:00-17:00",
        "https://example.org/a#b",
        "a#b",
        "a: b",
        "a:b",
        "a:",
        "a #c",
        "a  b ",
        "don't",
        "50%",
        "x, y",
        "[x]",
        "{x}",
        "- x",
        "-x",
        "?x",
        ":x",
        "&a",
        "*a",
        "!t",
        "!!str",
        "|",
        ">",
        "%x",
        "@x",
        "`x",
        "#c",
        "é ü",
        "中文，標點",
        "ศูนย์แวะพัก",
        "\u00a0x",
        "x\u2028y",
        "x\u0085y",
        "\ufeffx",
        "x\x07",
        "a\tb",
        "---",
        "...",
        "",
    ]
)
KEY_WORDS = ["id", "name", "en", "zh_Hans", "yes", "No", "on", "null", "1", "1.5", "a-b", "_x"]
KEYS = st.sampled_from(KEY_WORDS)


def quoted(word: str, quote: str) -> str:
    if quote == '"':
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "'" + word.replace("'", "''") + "'"


@st.composite
def scalars(draw: st.DrawFn) -> str:
    word = draw(WORDS)
    style = draw(st.sampled_from(["plain", '"', "'", "raw"]))
    if style == "plain":
        return word
    if style == "raw":
        return draw(st.text(st.sampled_from(list("ab :#-[]{},\"'\\&*!|>%@`?~ \u00e9")), max_size=8))
    return quoted(word, style)


@st.composite
def flows(draw: st.DrawFn) -> str:
    items = draw(st.lists(scalars(), max_size=4))
    gap = draw(st.sampled_from([", ", ",", " , ", ",  "]))
    if draw(st.booleans()):
        return "[" + gap.join(items) + "]"
    keys = draw(st.lists(KEYS, min_size=len(items), max_size=len(items)))
    colon = draw(st.sampled_from([": ", ":", ":  "]))
    return "{" + gap.join(f"{k}{colon}{v}" for k, v in zip(keys, items, strict=True)) + "}"


Tree = st.deferred(
    lambda: st.one_of(
        scalars(),
        flows(),
        st.lists(Tree, min_size=1, max_size=3),
        st.lists(st.tuples(KEYS, Tree), min_size=1, max_size=3),
    )
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A nested document written in block style, with varied indentation and decorations."""
    step = draw(st.sampled_from([2, 4]))
    dash = draw(st.sampled_from(["- ", "-  "]))
    lines: list[str] = []

    def line(text: str) -> None:
        lines.append(text + draw(st.sampled_from(["", "", " ", "  # note", " #", "#x"])))
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["", "   ", "# comment", "      # deep"])))

    def entry(key: str, value: object, first: str, column: int) -> None:
        # `first` starts the key's line (spaces, or spaces and a dash); `column` is the key's.
        if isinstance(value, str):
            line(f"{first}{key}: {value}")
        elif value and isinstance(value[0], tuple):  # type: ignore[index]
            line(f"{first}{key}:")
            pairs(value, column + step)  # type: ignore[arg-type]
        else:
            line(f"{first}{key}:")
            items(value, column + draw(st.sampled_from([step, 0])))  # type: ignore[arg-type]

    def pairs(values: list[tuple[str, object]], column: int, first: str | None = None) -> None:
        for index, (key, value) in enumerate(values):
            entry(key, value, " " * column if first is None or index else first, column)

    def items(values: list[object], column: int) -> None:
        for value in values:
            if isinstance(value, str):
                line(f"{' ' * column}{dash}{value}")
            elif value and isinstance(value[0], tuple):  # type: ignore[index]
                pairs(value, column + len(dash), f"{' ' * column}{dash}")  # type: ignore[arg-type]
            else:
                line(f"{' ' * column}-")
                items(value, column + step)  # type: ignore[arg-type]

    pairs(draw(st.lists(st.tuples(KEYS, Tree), min_size=1, max_size=4)), 0)
    end = draw(st.sampled_from(["\n", "", "\n\n", "\n# end\n"]))
    return "\n".join(lines) + end


LINES = st.one_of(
    st.builds(
        lambda indent, lead, key, colon, value, tail: (
            f"{' ' * indent}{lead}{key}{colon}{value}{tail}"
        ),
        st.integers(0, 6),
        st.sampled_from(["", "- ", "-  ", "-", "- - "]),
        st.sampled_from(["", *KEY_WORDS]),
        st.sampled_from([": ", ":", ":  ", " : "]),
        st.one_of(scalars(), flows()),
        st.sampled_from(["", " ", "  # c", "#c"]),
    ),
    st.sampled_from(["", "   ", "# c", "  # c", "---", "...", "%YAML 1.1", "? x", "\t", "x\r"]),
)


@settings(max_examples=400, deadline=None)
@given(documents())
@example("a:\nb: 1\n")
@example("a:\n  # nothing yet\nb:\n")
@example("a:\n- x\n")
@example('a:\n  - x\n  -  y: 1\n     z: [1, -2.5, "q"]\n')
@example("a: {latitude: 37.8, longitude: -122.2}  # where\n")
@example("a: b\n   # deeper comment\nc: d\n")
@example("yes: no\n1: 2\nid: x\nid: y\n")
@example("- c: {a: 1, b: 'x'}\n  n: [a, 'b']\n- c: {a: 1, b: 'x'}\n  n: [a, 'b']\n")
def test_documents_read_as_libyaml_reads_them(text: str) -> None:
    check_same_as_libyaml(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=8), st.sampled_from(["\n", ""]))
@example(["a: b", "  c"], "\n")
@example(["- a: b", "   c: d"], "\n")
@example(["a:", "  - b", "  c: d"], "\n")
@example(["  a: b", "c: d"], "\n")
@example(["a: b", "---", "c: d"], "\n")
@example(['a: "x\\"y"'], "\n")
@example(["a: 'it''s'"], "\n")
@example(["a: &x b", "c: *x"], "\n")
def test_any_lines_read_as_libyaml_reads_them(lines: list[str], end: str) -> None:
    check_same_as_libyaml("\n".join(lines) + end)


def test_a_flow_line_taken_apart_once_still_gets_nodes_of_its_own() -> None:
    """Equal flow lines share what they hold (taken apart once), never their nodes: each line's
    nodes carry its own line number, and changing one tree leaves the other alone."""
    tree = read_block_yaml("- [a, 'b']\n- [a, 'b']\n- {k: v}\n- {k: v}\n")
    assert isinstance(tree, SequenceNode)
    first, second, third, fourth = tree.value
    assert isinstance(first, SequenceNode) and isinstance(second, SequenceNode)
    assert isinstance(third, MappingNode) and isinstance(fourth, MappingNode)
    assert [(n.value, n.line) for n in (*first.value, *second.value)] == [
        ("a", 1), ("b", 1), ("a", 2), ("b", 2)
    ]  # fmt: skip
    assert not {id(n) for n in first.value} & {id(n) for n in second.value}
    assert first.value is not second.value and third.value is not fourth.value
    assert [(k.line, v.line) for k, v in (*third.value, *fourth.value)] == [(3, 3), (4, 4)]


def test_the_subset_is_what_content_files_use() -> None:
    """The shipped content and what the benchmarks generate take the quick path (else the
    cold load silently loses its speed), and libyaml agrees with it on them."""
    files = [*(ROOT / "content").glob("*.yaml"), *(ROOT / "content" / "regions").glob("*.yaml")]
    assert files
    for path in files:
        assert check_same_as_libyaml(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize(
    "text",
    [
        "a: |\n  block\n",
        "a: >\n  folded\n",
        'a: "multi\n  line"\n',
        "a: plain\n  continued\n",
        "a: [1,\n  2]\n",
        "- - nested\n",
        "? complex\n: key\n",
        "a: b\r\nc: d\r\n",
        "\ufeffa: b\n",
        "just text\n",
        "",
        "# only a comment\n",
    ],
)
def test_declines_what_it_does_not_read(text: str) -> None:
    """Outside the subset the quick reader declines, and `parse_yaml` reads it as before."""
    assert read_block_yaml(text) is None
    before, after = Problems(), Problems()
    assert shape(parse_yaml(text, "f.yaml", after)) == shape(_compose(text, "f.yaml", before))
