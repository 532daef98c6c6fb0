"""Label tables per locale change no text: every resource card, list line and need list reads
the same, in every locale, as when each label was looked up in the catalogue as it was needed
(the labels module as it was before the tables, kept in tests/labels_before.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator
from enum import Enum

import pytest

from bot.domain.catalog import Catalog, build_catalog
from bot.domain.hours import OpeningSchedule
from bot.domain.models import (
    Access,
    Community,
    InfoSharing,
    Resource,
    VerificationMethod,
    Verified,
    YesNo,
)
from bot.i18n import Translator, available_locales, language_name_in, translator
from bot.ui import labels
from bot.ui.actions import ShowNeed, ShowResource
from bot.ui.screens import View, need_list, resource_card
from bot.ui.screens import card as card_module
from bot.ui.screens import parts as parts_module
from bot.ui.state import UserState
from tests import labels_before
from tests.conftest import SUNDAY_MORNING


def _old_community_marks(tr: Translator, marks: frozenset[Community]) -> str:
    found = [labels_before.community_label(tr, m) for m in sorted(marks, key=lambda m: m.value)]
    return f"⚑ {tr.join(found)}" if found else ""


def _old_warning(tr: Translator, access: Access) -> str:
    risky = (
        ("requires_police_cooperation", access.requires_police_cooperation is YesNo.YES),
        ("requires_victim_identification", access.requires_victim_identification is YesNo.YES),
        ("shares_info_with_police", access.shares_info_with_police is InfoSharing.ROUTINELY),
        ("requires_id", access.requires_id is YesNo.YES),
    )
    found = [labels_before.access_question(tr, field) for field, applies in risky if applies]
    return "⚠️ " + " · ".join(found) if found else ""


class _OldLabels:
    """What parts.py reads from the labels module, looked up the old way."""

    community_marks = staticmethod(_old_community_marks)
    warning = staticmethod(_old_warning)


def _random_access(rng: random.Random) -> Access:
    values: dict[str, Enum] = {}
    for field in labels.ACCESS_FIELDS:
        kind = type(getattr(Access(), field))
        values[field] = rng.choice(list(kind))
    return Access(**values)  # type: ignore[arg-type]


def varied(sample: Catalog, count: int, seed: int) -> Catalog:
    """The sample content plus made-up places with every kind of access fact, community set
    and verification method."""
    rng = random.Random(seed)
    template = next(iter(sample.content.resources.values()))
    extra: dict[str, Resource] = {}
    for index in range(count):
        method = rng.choice([*VerificationMethod, None])
        extra[f"v{index}"] = dataclasses.replace(
            template,
            id=f"v{index}",
            access=_random_access(rng),
            community=frozenset(rng.sample(list(Community), rng.randint(0, 4))),
            verified=Verified(dt.date(2026, 1, rng.randint(1, 28)), method) if method else None,
        )
    resources = {**sample.content.resources, **extra}
    return build_catalog(dataclasses.replace(sample.content, resources=resources))


@pytest.fixture(scope="module")
def catalog(sample_catalog: Catalog) -> Catalog:
    return varied(sample_catalog, 120, seed=14)


def drawn(catalog: Catalog, locale: str) -> Iterator[str]:
    """Every card and every need list of the catalogue in one locale, as text."""
    view = View(catalog, UserState(locale, "oakland"), translator(locale), SUNDAY_MORNING, ("en",))
    for resource_id in catalog.content.resources:
        yield "\n".join(resource_card(view, ShowResource(resource_id)).messages)
    for need_id in catalog.content.needs:
        for page in range(30):
            yield "\n".join(need_list(view, ShowNeed(need_id, page=page)).messages)


@pytest.mark.parametrize("locale", available_locales())
def test_cards_and_lists_read_as_before_in_every_locale(
    catalog: Catalog, locale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = list(drawn(catalog, locale))
    monkeypatch.setattr(card_module, "access_lines", labels_before.access_lines)
    monkeypatch.setattr(card_module, "verification_label", labels_before.verification_label)
    monkeypatch.setattr(parts_module, "labels", _OldLabels)
    monkeypatch.setattr(card_module, "language_label", language_name_in)
    before = list(drawn(catalog, locale))
    assert now == before
    assert any("⚑" in text for text in now) and any("✅" in text for text in now)


@pytest.mark.parametrize("locale", available_locales())
def test_every_label_matches_the_catalogue_lookup(locale: str) -> None:
    tr = translator(locale)
    table = labels.label_table(tr)
    for field in labels.ACCESS_FIELDS:
        assert labels.access_question(tr, field) == labels_before.access_question(tr, field)
        for value in type(getattr(Access(), field)):
            access = dataclasses.replace(Access(), **{field: value})
            assert labels.access_lines(tr, access) == labels_before.access_lines(tr, access)
    for mark in Community:
        assert labels.community_label(tr, mark) == labels_before.community_label(tr, mark)
    assert len(table.community_sets) == 2 ** len(Community)  # every set of marks
    for seed in range(200):
        access = _random_access(random.Random(seed))
        assert labels.warning(tr, access) == _old_warning(tr, access)
    for method in VerificationMethod:
        assert labels.verification_label(tr, method) == labels_before.verification_label(tr, method)
    assert labels.label_table(translator(locale)) is table  # made once per locale


def test_a_shared_schedule_gives_each_day_its_own_week() -> None:
    """The week a schedule remembers is never handed out for another day, in any zone."""
    rng = random.Random(5)
    expressions = ("Mo-Fr 09:00-17:00; Sa 10:00-14:00", "Fr,Sa 22:00-04:00", "24/7", "Su off")
    zones = ("Asia/Tokyo", "America/Los_Angeles")
    shared = {(e, z): OpeningSchedule(e, z) for e in expressions for z in zones}
    for _ in range(200):
        (expression, zone), schedule = rng.choice(list(shared.items()))
        now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC) + dt.timedelta(hours=rng.uniform(0, 24 * 30))
        assert schedule.week(now) == OpeningSchedule(expression, zone).week(now)
