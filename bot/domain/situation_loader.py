"""situations.yaml: the phrases that say what a message is about, validated like every file."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.load_context import LoadContext
from bot.domain.models import Need, Page, Situation
from bot.domain.reader import NodeReader, did_you_mean
from bot.domain.region_loader import SHORT_ID_MAX
from bot.domain.situations import parse_phrase
from bot.domain.strict_yaml import Node

FILE_NAME = "situations.yaml"
MIN_PREFIX_LETTERS = 3
_FIELDS = ("id", "urgent", "pages", "needs", "phrases", "whole_message", "unless")


class SituationLoader:
    """Reads situations.yaml after the needs and pages it refers to."""

    def __init__(
        self,
        ctx: LoadContext,
        needs: Mapping[str, Need],
        pages: Mapping[str, Page],
        needs_complete: bool = True,
    ):
        self.ctx = ctx
        self.needs = needs
        self.pages = pages
        # False when needs.yaml could not be read whole: an unknown need id is then not
        # reported (the error in needs.yaml is), as for listings.
        self.needs_complete = needs_complete

    def load(self) -> tuple[Situation, ...]:
        """Every situation, in file order; none when the file is missing (with a warning)."""
        path = self.ctx.root / FILE_NAME
        if not path.exists():
            self.ctx.problems.warning(
                str(path), 1, "missing: typed danger words will not bring urgent help first"
            )
            return ()
        reader, node = self.ctx.read(path)
        if node is None:
            return ()
        top = reader.mapping(node, FILE_NAME, ("situations",), ("situations",))
        found: dict[str, Situation] = {}
        self.ctx.collect(
            reader, top or {}, "situations", found, lambda item, at: self._one(reader, item, at)
        )
        self._warn_repeats(reader, node, tuple(found.values()))
        return tuple(found.values())

    def _one(self, reader: NodeReader, node: Node, where: str) -> Situation | None:
        fields = reader.mapping(node, where, _FIELDS, ("id", "urgent", "phrases"))
        if fields is None or not {"id", "urgent", "phrases"} <= fields.keys():
            return None
        situation_id = reader.identifier(fields["id"], f"{where}.id", SHORT_ID_MAX)
        urgent = reader.flag(fields["urgent"], f"{where}.urgent")
        pages = self._refs(reader, fields, "pages", where, self.pages)
        needs = self._refs(reader, fields, "needs", where, self.needs)
        phrases = self._phrases(reader, fields["phrases"], f"{where}.phrases")
        whole = self._optional_phrases(reader, fields, "whole_message", where)
        unless = self._optional_phrases(reader, fields, "unless", where)
        if (
            situation_id is None
            or urgent is None
            or pages is None
            or needs is None
            or phrases is None
            or whole is None
            or unless is None
        ):
            return None
        return Situation(situation_id, urgent, pages, needs, phrases, whole, unless)

    def _optional_phrases(
        self, reader: NodeReader, fields: dict[str, Node], name: str, where: str
    ) -> dict[str, tuple[str, ...]] | None:
        if name not in fields:
            return {}
        return self._phrases(reader, fields[name], f"{where}.{name}")

    def _refs(
        self,
        reader: NodeReader,
        fields: dict[str, Node],
        name: str,
        where: str,
        known: Mapping[str, object],
    ) -> tuple[str, ...] | None:
        """A list of page or need ids, each of which must exist."""
        if name not in fields:
            return ()
        ids = reader.text_list(fields[name], f"{where}.{name}")
        if ids is None:
            return None
        unknown = [value for value in ids if value not in known]
        if name == "needs" and not self.needs_complete:
            return None if unknown else ids
        for value in unknown:
            reader.error(
                fields[name],
                f"{where}.{name}: unknown id {value!r}{did_you_mean(value, known)};"
                f" valid ids: {', '.join(sorted(known))}",
            )
        return None if unknown else ids

    def _phrases(
        self, reader: NodeReader, node: Node, where: str
    ) -> dict[str, tuple[str, ...]] | None:
        """Phrases by locale; each must keep at least one word once folded."""
        by_locale = reader.mapping(node, where, self.ctx.locales)
        if by_locale is None:
            return None
        result: dict[str, tuple[str, ...]] = {}
        ok = True
        for locale, list_node in by_locale.items():
            phrases = reader.text_list(list_node, f"{where}.{locale}")
            if phrases is None:
                ok = False
                continue
            for phrase in phrases:
                ok = self._check_phrase(reader, list_node, f"{where}.{locale}", phrase) and ok
            result[locale] = phrases
        return result if ok else None

    @staticmethod
    def _check_phrase(reader: NodeReader, node: Node, where: str, phrase: str) -> bool:
        pattern = parse_phrase(phrase)
        if not pattern:
            reader.error(node, f"{where}: {phrase!r} has no letters or digits; remove it")
            return False
        short = [w.text for w in pattern if w.prefix and len(w.text) < MIN_PREFIX_LETTERS]
        if short:
            reader.error(
                node,
                f"{where}: {phrase!r}: a word ending in * needs at least {MIN_PREFIX_LETTERS}"
                f" letters before the *, or it matches everyday words",
            )
            return False
        return True

    @staticmethod
    def _warn_repeats(reader: NodeReader, node: Node, situations: tuple[Situation, ...]) -> None:
        """A phrase listed twice (in one situation or two) is harmless but confusing."""
        seen: dict[tuple[str, ...], str] = {}
        for situation in situations:
            for phrases in situation.phrases.values():
                for phrase in phrases:
                    key = tuple(f"{w.text}*" if w.prefix else w.text for w in parse_phrase(phrase))
                    if key in seen and seen[key] != situation.id:
                        reader.warning(
                            node,
                            f"phrase {phrase!r} is in both {seen[key]!r} and {situation.id!r};"
                            " keep it in one",
                        )
                    seen.setdefault(key, situation.id)
