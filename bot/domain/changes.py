"""What a new version of the content changes for people: listings added, changed and removed."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bot.domain.hours import OpeningSchedule
from bot.domain.models import Content, Resource


@dataclass(frozen=True)
class ContentChanges:
    """Listing names (in the content's default language) added, changed and removed, each
    sorted; and whether anything else (regions, needs, pages, situations) changed."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    other: bool = False

    @property
    def listings(self) -> bool:
        """Whether any listing was added, changed or removed."""
        return bool(self.added or self.changed or self.removed)


def content_changes(old: Content, new: Content) -> ContentChanges:
    """The listings `new` adds, changes and removes compared with `old`."""
    before, after = old.resources, new.resources
    added = [_name(new, after[rid]) for rid in after.keys() - before.keys()]
    removed = [_name(old, before[rid]) for rid in before.keys() - after.keys()]
    changed = [
        _name(new, after[rid])
        for rid in after.keys() & before.keys()
        if not same_resource(before[rid], after[rid])
    ]
    other = (
        old.default_locale != new.default_locale
        or old.locales != new.locales
        or old.needs != new.needs
        or old.regions != new.regions
        or old.neighbourhoods != new.neighbourhoods
        or old.pages != new.pages
        or old.situations != new.situations
    )
    return ContentChanges(
        tuple(sorted(added)), tuple(sorted(changed)), tuple(sorted(removed)), other
    )


def same_resource(a: Resource, b: Resource) -> bool:
    """Whether two versions of a listing say the same thing (opening hours compared by what
    was written, since two parses of one expression are different objects)."""
    for field in dataclasses.fields(Resource):
        left, right = getattr(a, field.name), getattr(b, field.name)
        if isinstance(left, OpeningSchedule) and isinstance(right, OpeningSchedule):
            if (left.expression, left.zone.key) != (right.expression, right.zone.key):
                return False
        elif left != right:
            return False
    return True


def _name(content: Content, resource: Resource) -> str:
    return resource.name.get(content.default_locale)
