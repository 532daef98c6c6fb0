"""libyaml's syntax errors in admin words: where to act, what went wrong and how to fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

# `field: text` at the start of a line (after any `- `), so a second `: ` is inside the text.
_FIELD_THEN_TEXT = re.compile(r"\s*(?:-\s+)*[^\s:#'\"][^:#]*?:\s+\S")


@dataclass(frozen=True)
class SyntaxProblem:
    """A syntax error pinned to the line the admin must change, with cause and fix."""

    line: int
    message: str
    # The line from which nothing of the file could be read.
    stopped_at: int


def explain(error: yaml.MarkedYAMLError, text: str) -> SyntaxProblem:
    """Turn one libyaml error into cause and fix; unknown errors keep libyaml's words."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    column = mark.column if mark else 0
    began = error.context_mark.line + 1 if error.context_mark else line
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    problem = error.problem or ""
    for matches, describe in _EXPLAINERS:
        if matches in problem:
            where, message = describe(source, column, line, began)
            return SyntaxProblem(where, f"YAML syntax error: {message}", min(where, line))
    what = " ".join(part for part in (error.context, problem) if part)
    after = f" (it began on line {began})" if began != line else ""
    return SyntaxProblem(
        line,
        f"YAML syntax error: {what}{after}; check the indentation (spaces only) and the"
        " quotes on this line and the one before",
        line,
    )


def _colon_in_text(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    field_match = _FIELD_THEN_TEXT.match(source)
    if field_match and field_match.end() - 1 < column:
        key = source[: source.index(":")].strip().lstrip("- ").strip()
        text = source[field_match.end() - 1 :].strip()
        return line, (
            f"the text after `{key}:` contains `: `, which YAML reads as the start of another"
            f' field; put the whole text in double quotes: {key}: "{text}"'
        )
    return line, (
        "this line is indented further than the fields above it (or the line above ends an"
        " unfinished text); line it up with the other fields of its block, two spaces per level"
    )


def _bad_character(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    found = source[column : column + 1]
    if found == "\t":
        return line, "a tab character; YAML needs spaces: replace each tab with spaces"
    return line, (
        f"a value cannot start with {found!r}; put the whole text in double quotes"
        f' (write " inside it as \\")'
    )


def _unclosed_quote(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    return began, (
        f"the quote opened on line {began} is never closed; add the closing quote at the end"
        ' of that text (and write a quote inside double quotes as \\")'
    )


def _not_aligned(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    before = source[:column].rstrip()
    if before.endswith(('"', "'")):
        return line, (
            "text goes on after the closing quote; put the whole text inside the quotes"
            ' (write a quote inside double quotes as \\")'
        )
    return line, (
        f"this line is not lined up with the fields of the block that began on line {began};"
        " indent it exactly like them (spaces only, two per level)"
    )


def _list_not_aligned(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    return line, (
        f"this line is not lined up with the list that began on line {began}; start every"
        " `- ` of one list in the same column"
    )


def _list_on_field_line(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    return line, (
        "a list cannot start on the same line as its field; put each `- item` on its own line"
        " below, indented two more spaces (or write the list as [a, b])"
    )


def _unclosed_bracket(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    return began, (
        f"the [ or {{ opened on line {began} is not closed on that line, or an item in it"
        " contains `: `, `,` or a bracket; close it, and put such items in double quotes"
    )


def _bad_escape(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    return line, (
        "a backslash inside double quotes starts an escape; write \\\\ for a backslash, or"
        " use single quotes around this text"
    )


def _no_colon(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    return began, (
        "this line is neither `field: value` nor a list item `- `; add the field name and"
        " `: `, or if it continues a text from the line above, put that text in double quotes"
    )


def _after_block_marker(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    return line, (
        "after | or > nothing may follow on the same line; start the text on the next line,"
        " or put the text in double quotes"
    )


def _anchor_like(source: str, column: int, line: int, began: int) -> tuple[int, str]:
    return began, (
        "a value starting with & or * is read as an anchor or alias; put the text in double quotes"
    )


_EXPLAINERS = (
    ("mapping values are not allowed", _colon_in_text),
    ("cannot start any token", _bad_character),
    ("found unexpected end of stream", _unclosed_quote),
    ("did not find expected key", _not_aligned),
    ("did not find expected '-' indicator", _list_not_aligned),
    ("block sequence entries are not allowed", _list_on_field_line),
    ("did not find expected ',' or ']'", _unclosed_bracket),
    ("did not find expected ',' or '}'", _unclosed_bracket),
    ("found unknown escape character", _bad_escape),
    ("could not find expected ':'", _no_colon),
    ("did not find expected comment or line break", _after_block_marker),
    ("did not find expected alphabetic or numeric character", _anchor_like),
)
