"""The validator's shortcuts for well-formed values give what the full checks give, and say
nothing: a value either takes the shortcut with the checks' own result, or goes through them.
`mapping` is checked against its version before the shortcut (kept here as the oracle)."""

from __future__ import annotations

from collections.abc import Callable, Collection

from hypothesis import example, given
from hypothesis import strategies as st

from bot.domain.models import Appointment, YesNo
from bot.domain.problems import Problems
from bot.domain.reader import NodeReader, _good_text, did_you_mean, known_choice
from bot.domain.strict_yaml import STR, MappingNode, Node, ScalarNode, SequenceNode, node_line

TAGS = st.sampled_from(
    [
        STR,
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    ]
)
VALUES = st.one_of(
    st.sampled_from(["yes", "no", "unknown", "walk_in", "", " ", "Yes", "x"]), st.text(max_size=6)
)
SCALARS = st.builds(ScalarNode, VALUES, TAGS, st.integers(1, 9))
NODES = st.one_of(SCALARS, st.builds(SequenceNode, st.integers(1, 9)))


@given(NODES)
def test_a_good_text_is_what_text_reads_without_a_problem(node: Node) -> None:
    problems = Problems()
    full = NodeReader("f.yaml", problems).text(node, "w")
    shortcut = _good_text(node)
    assert shortcut is None or (shortcut == full and problems.items == [])


@given(NODES, st.sampled_from([YesNo, Appointment]))
def test_a_known_choice_is_what_choice_reads_without_a_problem(
    node: Node, enum: type[YesNo] | type[Appointment]
) -> None:
    problems = Problems()
    full = NodeReader("f.yaml", problems).choice(node, "w", enum)
    shortcut = known_choice(node, enum)
    assert shortcut is None or (shortcut is full and problems.items == [])


def oracle_mapping(
    reader: NodeReader, node: Node, where: str, fields: Collection[str], required: Collection[str]
) -> dict[str, Node] | None:
    """`NodeReader.mapping` as it was before its shortcut for a new, allowed field."""
    if not isinstance(node, MappingNode):
        reader.error(node, f"{where}: expected a set of `field: value` lines here")
        return None
    found: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if not isinstance(key, str) or not key:
            reader.error(key_node, f"{where}: a field name must be a plain word")
            continue
        if key in found:
            reader.error(
                key_node,
                f"{where}.{key}: duplicate field (first at line {node_line(found[key])});"
                " keep only one",
            )
            continue
        if key not in fields:
            allowed = ", ".join(sorted(fields))
            reader.error(
                key_node,
                f"{where}: unknown field {key!r}{did_you_mean(key, fields)}; allowed: {allowed}",
            )
            continue
        found[key] = value_node
    for name in () if node.cut else required:
        if name not in found:
            reader.error(node, f"{where}: missing required field {name!r}")
    return found


def keys(names: list[str]) -> st.SearchStrategy[Node]:
    """Mapping keys: one of `names` as a scalar, or a sequence where a key should be."""
    return st.one_of(
        st.builds(ScalarNode, st.sampled_from(names), TAGS, st.integers(1, 9)),
        st.builds(SequenceNode, st.integers(1, 9)),
    )


@st.composite
def mapping_nodes(
    draw: st.DrawFn,
    keys: st.SearchStrategy[Node],
    values: st.SearchStrategy[Node],
    otherwise: st.SearchStrategy[Node],
    max_size: int,
) -> Node:
    """A mapping of `keys` to `values` (cut short or not), now and then `otherwise` instead."""
    if draw(st.integers(0, 9)) == 0:
        return draw(otherwise)
    node = MappingNode(draw(st.integers(1, 9)))
    node.value = draw(st.lists(st.tuples(keys, values), max_size=max_size))
    node.cut = draw(st.booleans())
    return node


def mappings() -> st.SearchStrategy[Node]:
    return mapping_nodes(keys(["id", "name", "nme", "", "url"]), SCALARS, SCALARS, 6)


@given(
    mappings(), st.sampled_from([("id", "name"), ("id",), ()]), st.sampled_from([tuple, frozenset])
)
def test_mapping_reads_and_reports_as_before(
    node: Node, required: tuple[str, ...], kind: Callable[[tuple[str, ...]], Collection[str]]
) -> None:
    """Also with the field names as a set (as the listing reader gives them): the same hints
    and the same list of allowed names."""
    fields = ("id", "name", "url")
    before, after = Problems(), Problems()
    expected = oracle_mapping(NodeReader("f.yaml", before), node, "w", fields, required)
    assert NodeReader("f.yaml", after).mapping(node, "w", kind(fields), required) == expected
    assert after.items == before.items


def oracle_localized(
    reader: NodeReader, node: Node, where: str, locales: Collection[str], default_locale: str
) -> object:
    """`NodeReader.localized` as it was before its shortcut for good translations."""
    if isinstance(node, ScalarNode):
        value = reader.text(node, where)
        return None if value is None else {default_locale: value}
    fields = reader.mapping(node, where, locales)
    if fields is None:
        return None
    values = {loc: reader.text(child, f"{where}.{loc}") for loc, child in fields.items()}
    return {loc: value for loc, value in values.items() if value is not None}


def translations() -> st.SearchStrategy[Node]:
    return mapping_nodes(keys(["en", "es", "th", "e", "", "fr"]), NODES, NODES, 5)


def _translation(*pairs: tuple[str, str]) -> MappingNode:
    node = MappingNode(1)
    node.value = [(ScalarNode(k, STR, 2), ScalarNode(v, STR, 2)) for k, v in pairs]
    return node


@given(translations())
@example(_translation(("en", "Food"), ("es", "Comida")))
@example(_translation(("en", "Food"), ("en", "Meals")))  # a duplicate is reported
@example(_translation(("en", "Food"), ("fr", "Repas")))  # an unknown locale too
@example(_translation(("en", "Food"), ("es", " ")))  # and an empty text
def test_localized_reads_and_reports_as_before(node: Node) -> None:
    locales = ("en", "es", "th")
    before, after = Problems(), Problems()
    expected = oracle_localized(NodeReader("f.yaml", before), node, "w", locales, "en")
    assert NodeReader("f.yaml", after).localized(node, "w", locales, "en") == expected
    assert after.items == before.items
