"""The callback-data codec: everything it encodes fits and round-trips; anything else is None."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.models import Section
from bot.ui.actions import (
    MAX_BYTES,
    VERSION,
    ChooseArea,
    ChooseLanguage,
    Filter,
    ReportWrong,
    SetArea,
    SetLanguage,
    ShowMenu,
    ShowNearby,
    ShowNeed,
    ShowNeeds,
    ShowOpenNow,
    ShowPage,
    ShowPlaces,
    ShowPrivacy,
    ShowResource,
    ShowSearch,
    ShowSection,
    ShowUrgent,
    decode,
    encode,
    search_key,
)

long_id = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,31}", fullmatch=True)
short_id = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,19}", fullmatch=True)
filters = st.integers(0, 15).map(Filter)
pages = st.integers(0, 99)
short_query = st.text(max_size=12).map(search_key).filter(bool)
lists = st.one_of(
    st.builds(ShowNeed, short_id, filters, pages),
    st.builds(ShowNearby, short_id, filters, pages, st.just("") | short_id),
    st.builds(ShowOpenNow, st.just("") | short_id, filters, pages),
)
short_ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,11}", fullmatch=True)
actions = st.one_of(
    st.sampled_from(
        [ShowMenu(), ShowNeeds(), ShowPlaces(), ChooseLanguage(), ChooseArea(), ShowPrivacy()]
    ),
    lists,
    st.builds(
        ShowResource,
        long_id,
        st.none() | lists.filter(lambda a: not (isinstance(a, ShowNearby) and a.need_id)),
    ),
    st.builds(ShowResource, short_ids, lists),
    st.builds(ShowResource, short_ids, st.builds(ShowSearch, short_query, filters)),
    st.builds(ShowSearch, short_query, filters),
    st.builds(ShowUrgent, st.just("") | short_id),
    st.builds(ShowSection, st.sampled_from(list(Section))),
    st.builds(ShowPage, long_id),
    st.builds(SetLanguage, st.sampled_from(["en", "es", "zh_Hans"])),
    st.builds(SetArea, short_id),
)


def round_tripped(action: object) -> object:
    """What decoding an action's callback data gives back: the action itself, but for the one
    thing `ShowResource.args` leaves out. A card's way back to a list near a place drops the
    list's need when the card's id, the place's and the need's would not fit together (ids
    of 12, 20 and 20 characters on page 10 and later)."""
    card = action.card if isinstance(action, ReportWrong) else action
    if not isinstance(card, ShowResource) or not isinstance(card.back, ShowNearby):
        return action
    whole = f"{VERSION}:{ShowResource.CODE}:{card.resource_id}.{ShowNearby.CODE}.{card.back.args()}"
    if len(whole.encode()) <= MAX_BYTES:
        return action
    kept = replace(card, back=replace(card.back, need_id=""))
    return ReportWrong(kept) if isinstance(action, ReportWrong) else kept


def test_a_card_too_long_with_its_need_leads_back_without_it() -> None:
    card = LONGEST_NEARBY_CARD
    decoded = decode(encode(card))
    assert decoded == ShowResource("0" * 12, ShowNearby("0" * 20, Filter(0), 10, ""))
    assert decoded == round_tripped(card) != card
    fitting = ShowResource("0" * 12, ShowNearby("0" * 20, Filter(0), 9, "0" * 20))
    assert decode(encode(fitting)) == fitting == round_tripped(fitting)


# The longest card leading back to a list near a place: too long to keep the list's need.
LONGEST_NEARBY_CARD = ShowResource("0" * 12, ShowNearby("0" * 20, Filter(0), 10, "0" * 20))


@settings(max_examples=500)
@given(actions)
@example(LONGEST_NEARBY_CARD)
def test_every_action_fits_and_round_trips(action: object) -> None:
    data = encode(action)  # type: ignore[arg-type]
    assert len(data.encode()) <= MAX_BYTES
    assert decode(data) == round_tripped(action)


@settings(max_examples=1000)
@given(st.text(max_size=80))
def test_any_string_decodes_to_an_action_or_none(data: str) -> None:
    decoded = decode(data)
    if decoded is not None:
        assert encode(decoded) == data


@settings(max_examples=300)
@given(st.binary(max_size=64))
def test_any_bytes_as_text(raw: bytes) -> None:
    decode(raw.decode("utf-8", "replace"))


def test_known_bad_values() -> None:
    for data in [
        "",
        "1",
        "2:m",
        "1:m:",
        "1:n:condoms",
        "1:n:Condoms.0.0",
        "1:n:x.g.0",
        "1:n:x.0.100",
        "1:n:x.0.01",
        "1:r:x.q.x.0.0",
        "1:s:other",
        "1:l:EN",
        "1:p:../etc",
        "m",
        None,
        5,
        "1:r:" + "a" * 70,
    ]:
        assert decode(data) is None, data


@settings(max_examples=300)
@given(st.text(min_size=1, max_size=300).map(search_key).filter(bool), long_id, filters)
def test_a_long_search_is_cut_at_a_word_to_fit(query: str, resource_id: str, flags: Filter) -> None:
    for action in (ShowSearch(query, flags), ShowResource(resource_id, ShowSearch(query, flags))):
        data = encode(action)
        assert len(data.encode()) <= MAX_BYTES
        decoded = decode(data)
        search = decoded.back if isinstance(decoded, ShowResource) else decoded
        if isinstance(search, ShowSearch):
            assert search.filters == flags
            assert query.startswith(search.query) or search.query in query
        else:
            # Only when not even one character of the query fits beside a long id.
            assert isinstance(decoded, ShowResource) and decoded.back is None


def test_a_card_from_a_need_near_a_place_with_long_ids_still_goes_back() -> None:
    action = ShowResource("r" * 32, ShowNearby("h" * 20, Filter(15), 99, "n" * 20))
    decoded = decode(encode(action))
    assert decoded == ShowResource("r" * 32, ShowNearby("h" * 20, Filter(15), 99))


def test_a_card_from_an_empty_search_has_no_way_back_to_it() -> None:
    """A search with no words left cannot be carried (it would not decode): the card's button
    leads nowhere back, as it always has."""
    assert encode(ShowResource("night-owl", ShowSearch(""))) == "1:r:night-owl.-"
