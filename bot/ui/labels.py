"""Translated labels for content codes: access facts, community marks, verification methods.

Safety facts are codes in the content files; their words come only from here (and so from the
reviewed interface catalogs), so no careless translation in a content file can contradict them.

Every label of a locale is worked out once, into a `LabelTable` (a resource card would
otherwise make hundreds of catalogue look-ups); the functions below read from it.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from bot.domain.models import (
    Access,
    Appointment,
    Community,
    Fee,
    InfoSharing,
    MandatoryReporter,
    VerificationMethod,
    YesNo,
)
from bot.i18n import Translator, language_name_in

GOOD, CAUTION, UNKNOWN = "✅", "⚠️", "❔"
# Read once: an enum member read through its class costs about 0.1 µs in CPython 3.11.
_YES, _ROUTINELY = YesNo.YES, InfoSharing.ROUTINELY


ACCESS_FIELDS = tuple(Access.__dataclass_fields__)
# The facts a list entry warns of before anyone taps, in the order it names them.
WARNED = (
    "requires_police_cooperation",
    "requires_victim_identification",
    "shares_info_with_police",
    "requires_id",
)


@dataclass(frozen=True)
class LabelTable:
    """One locale's labels: each access fact's question and its line for every answer, the
    community marks (every set of them, joined), the verification methods."""

    questions: Mapping[str, str]
    access_lines: Mapping[str, Mapping[Enum, str]]
    communities: Mapping[Community, str]
    community_sets: Mapping[frozenset[Community], str]
    verifications: Mapping[VerificationMethod, str]
    # The warning before anyone taps, for each set of the `WARNED` facts that apply.
    warnings: Mapping[tuple[bool, ...], str]


@functools.cache
def label_table(tr: Translator) -> LabelTable:
    """The labels of `tr`'s locale, made once per translator (one per locale)."""
    questions = _questions(tr)
    communities = _communities(tr)
    every = list(Community)
    sets = (frozenset(c) for n in range(len(every) + 1) for c in itertools.combinations(every, n))
    return LabelTable(
        questions=questions,
        access_lines={
            field: {
                value: _access_line(tr, questions[field], field, value)
                for value in type(getattr(Access(), field))
            }
            for field in ACCESS_FIELDS
        },
        communities=communities,
        community_sets={marks: _community_set(tr, communities, marks) for marks in sets},
        verifications=_verifications(tr),
        warnings={
            applies: _warning(questions, applies)
            for applies in itertools.product((False, True), repeat=len(WARNED))
        },
    )


@functools.lru_cache(maxsize=4096)
def language_label(code: str, locale: str) -> str:
    """The name of a listing's language `code` in `locale`, looked up in Babel once."""
    return language_name_in(code, locale)


def access_question(tr: Translator, field: str) -> str:
    """The label of one access fact, phrased as what the service asks or does."""
    return label_table(tr).questions[field]


def warning(tr: Translator, access: Access) -> str:
    """What a person needs to know before tapping: "⚠️ Asks for ID · ...", or "" (one look-up:
    lists ask it of every entry they draw)."""
    applies = (
        access.requires_police_cooperation is _YES,
        access.requires_victim_identification is _YES,
        access.shares_info_with_police is _ROUTINELY,
        access.requires_id is _YES,
    )
    return label_table(tr).warnings[applies]


def _warning(questions: Mapping[str, str], applies: tuple[bool, ...]) -> str:
    found = [questions[field] for field, applied in zip(WARNED, applies, strict=True) if applied]
    return "⚠️ " + " · ".join(found) if found else ""


def _questions(tr: Translator) -> dict[str, str]:
    return {
        "requires_id": tr.pgettext("access", "Asks for ID"),
        "requires_police_cooperation": tr.pgettext("access", "Asks you to work with police"),
        "requires_victim_identification": tr.pgettext(
            "access", "Asks you to prove you were trafficked"
        ),
        "requires_leaving_sex_trade": tr.pgettext("access", "Asks you to leave the sex trades"),
        "requires_religious_participation": tr.pgettext(
            "access", "Asks you to take part in religious activities"
        ),
        "requires_treatment": tr.pgettext("access", "Asks you to go to treatment or therapy"),
        "requires_sobriety": tr.pgettext("access", "Asks you to be sober"),
        "shares_info_with_police": tr.pgettext("access", "Shares information with police"),
        "shares_info_with_immigration": tr.pgettext(
            "access", "Shares information with immigration"
        ),
        "mandatory_reporter": tr.pgettext("access", "Staff must report abuse"),
        "fee": tr.pgettext("access", "Cost"),
        "serves_undocumented": tr.pgettext("access", "Serves undocumented people"),
        "serves_minors": tr.pgettext("access", "Serves people under 18"),
        "anonymous_ok": tr.pgettext("access", "You can stay anonymous"),
        "appointment": tr.pgettext("access", "Walk in or appointment"),
    }


def _yes_no(tr: Translator, value: YesNo) -> str:
    return {
        YesNo.YES: tr.pgettext("answer", "yes"),
        YesNo.NO: tr.pgettext("answer", "no"),
        YesNo.UNKNOWN: tr.pgettext("answer", "not known yet"),
    }[value]


def _value_label(tr: Translator, value: Enum) -> str:
    if isinstance(value, YesNo):
        return _yes_no(tr, value)
    if isinstance(value, InfoSharing):
        return {
            InfoSharing.NEVER: tr.pgettext("sharing", "never"),
            InfoSharing.WITH_CONSENT: tr.pgettext("sharing", "only if you agree"),
            InfoSharing.WHEN_REQUIRED_BY_LAW: tr.pgettext(
                "sharing", "only when the law requires it"
            ),
            InfoSharing.ROUTINELY: tr.pgettext("sharing", "routinely"),
            InfoSharing.UNKNOWN: tr.pgettext("answer", "not known yet"),
        }[value]
    if isinstance(value, MandatoryReporter):
        return {
            MandatoryReporter.NONE: tr.pgettext("reporter", "no"),
            MandatoryReporter.MINORS_ONLY: tr.pgettext("reporter", "only abuse of people under 18"),
            MandatoryReporter.YES: tr.pgettext("reporter", "yes"),
            MandatoryReporter.UNKNOWN: tr.pgettext("answer", "not known yet"),
        }[value]
    if isinstance(value, Fee):
        return _fee_label(tr, value)
    if isinstance(value, Appointment):
        return {
            Appointment.WALK_IN: tr.pgettext("appointment", "walk in"),
            Appointment.APPOINTMENT: tr.pgettext("appointment", "appointment needed"),
            Appointment.EITHER: tr.pgettext("appointment", "walk in or appointment"),
            Appointment.UNKNOWN: tr.pgettext("answer", "not known yet"),
        }[value]
    raise TypeError(value)


def _fee_label(tr: Translator, value: Fee) -> str:
    """What a service costs, in words."""
    return {
        Fee.FREE: tr.pgettext("fee", "free"),
        Fee.SLIDING_SCALE: tr.pgettext("fee", "sliding scale"),
        Fee.FEE: tr.pgettext("fee", "there is a fee"),
        Fee.INSURANCE: tr.pgettext("fee", "takes insurance"),
        Fee.UNKNOWN: tr.pgettext("answer", "not known yet"),
    }[value]


# Which answers are reassuring for the person asking; anything else is a caution.
_REASSURING: dict[str, frozenset[Enum]] = {
    "shares_info_with_police": frozenset({InfoSharing.NEVER, InfoSharing.WITH_CONSENT}),
    "shares_info_with_immigration": frozenset({InfoSharing.NEVER, InfoSharing.WITH_CONSENT}),
    "mandatory_reporter": frozenset({MandatoryReporter.NONE, MandatoryReporter.MINORS_ONLY}),
    "fee": frozenset({Fee.FREE, Fee.SLIDING_SCALE}),
    "serves_undocumented": frozenset({YesNo.YES}),
    "serves_minors": frozenset({YesNo.YES}),
    "anonymous_ok": frozenset({YesNo.YES}),
    "appointment": frozenset({Appointment.WALK_IN, Appointment.EITHER}),
}


def access_lines(tr: Translator, access: Access) -> list[str]:
    """One line per access fact: a mark, the question and the answer (unknown shown as such)."""
    lines = label_table(tr).access_lines
    return [lines[field][getattr(access, field)] for field in ACCESS_FIELDS]


def _access_line(tr: Translator, question: str, field: str, value: Enum) -> str:
    if value.value == "unknown":
        mark = UNKNOWN
    elif field.startswith("requires_"):
        mark = GOOD if value is YesNo.NO else CAUTION
    else:
        mark = GOOD if value in _REASSURING[field] else CAUTION
    return f"{mark} {question}: {_value_label(tr, value)}"


def community_label(tr: Translator, mark: Community) -> str:
    """The words for a community mark ("sex-worker-led")."""
    return label_table(tr).communities[mark]


def community_marks(tr: Translator, marks: frozenset[Community]) -> str:
    """ "⚑ peer-run and sex-worker-led", or an empty string."""
    return label_table(tr).community_sets[marks]


def _communities(tr: Translator) -> dict[Community, str]:
    return {
        Community.SEX_WORKER_LED: tr.pgettext("community", "sex-worker-led"),
        Community.PEER_RUN: tr.pgettext("community", "peer-run"),
        Community.LGBTQIA_AFFIRMING: tr.pgettext("community", "LGBTQIA+ affirming"),
        Community.TRANS_LED: tr.pgettext("community", "trans-led"),
    }


def _community_set(
    tr: Translator, communities: Mapping[Community, str], marks: frozenset[Community]
) -> str:
    labels = [communities[mark] for mark in sorted(marks, key=lambda m: m.value)]
    return f"⚑ {tr.join(labels)}" if labels else ""


def verification_label(tr: Translator, method: VerificationMethod) -> str:
    """How a listing was checked, in words ("by phone")."""
    return label_table(tr).verifications[method]


def _verifications(tr: Translator) -> dict[VerificationMethod, str]:
    return {
        VerificationMethod.PHONE: tr.pgettext("verified", "by phone"),
        VerificationMethod.VISIT: tr.pgettext("verified", "by a visit"),
        VerificationMethod.EMAIL: tr.pgettext("verified", "by email"),
        VerificationMethod.WEBSITE: tr.pgettext("verified", "on their website"),
        VerificationMethod.PARTNER: tr.pgettext("verified", "by a partner organisation"),
    }
