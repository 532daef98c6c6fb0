"""What a typed message gets: urgent help first when it reads as danger, then what the
situation calls for, then what the message names, then the best places for it now."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast

from bot.domain.geo import distance_km, resource_point
from bot.domain.models import Need, Neighbourhood, Page, Resource, Section
from bot.domain.ranking import rank_hits
from bot.domain.search import FULLY_NAMED, SearchResult
from bot.ui.actions import ShowNearby, ShowNeed, ShowNeeds, ShowPage, ShowResource, ShowSearch
from bot.ui.render import Button, Screen, bold, esc, split_messages
from bot.ui.screens.listings import filter_buttons, filter_notes, nearby_list
from bot.ui.screens.other_languages import unsupported_language_note
from bot.ui.screens.parts import filter_check, list_line
from bot.ui.screens.urgent import local_places_button, urgent_messages
from bot.ui.screens.view import View, nav_row, rows, sample_note

SEARCH_LIMIT = 8
# A need or page matched this well by the words alone (one exact word) comes before listings.
CLEAR_TOPIC_SCORE = 1.0
QUERY_ECHO_LIMIT = 60
T = TypeVar("T")


@dataclass(frozen=True)
class Ref:
    """One thing a search offers, as the command line and the judged tests see it."""

    kind: str  # page, resource, need or place
    id: str
    title: str


@dataclass(frozen=True)
class Answer:
    """Everything a typed message found, each part already in the order it is shown."""

    result: SearchResult
    situation_pages: tuple[Page, ...]
    situation_needs: tuple[Need, ...]
    resources: tuple[Resource, ...]
    named_resources: frozenset[str]
    needs: tuple[Need, ...]
    pages: tuple[Page, ...]
    distances: dict[str, float]

    @property
    def urgent(self) -> bool:
        """Whether urgent help comes first."""
        return self.result.urgent

    @property
    def place(self) -> Neighbourhood | None:
        """The neighbourhood the message names, if any."""
        return self.result.neighbourhood

    @property
    def found_nothing(self) -> bool:
        """Nothing to offer but the way to urgent help and the menu."""
        return not (
            self.urgent
            or self.situation_pages
            or self.situation_needs
            or self.resources
            or self.needs
            or self.place
            or self.pages
        )


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


def _unique(items: Iterable[T]) -> tuple[T, ...]:
    """Items in order, each id once (needs and pages hold dicts, so they do not hash)."""
    seen: dict[str, T] = {}
    for item in items:
        seen.setdefault(cast(_HasId, item).id, item)
    return tuple(seen.values())


def answer(view: View, search: ShowSearch, limit: int = SEARCH_LIMIT) -> Answer:
    """Search, then order everything by what helps now (at most `limit` listings)."""
    catalog = view.catalog
    content = catalog.content
    region_id = view.region.id if view.region else None
    result = catalog.index.search(search.query, region_id, limit=limit * 3)
    distances: dict[str, float] = {}
    if result.neighbourhood is not None:
        for hit in result.resources:
            where = resource_point(content, hit.resource)
            if where is not None:
                distances[hit.resource.id] = distance_km(result.neighbourhood.center, where)
    check = filter_check(view, search.filters)
    ranked = [
        hit
        for hit in rank_hits(
            result.resources,
            view.now,
            view.state.locale,
            situation=bool(result.situations),
            distances=distances,
            # The minute's board looked up once, not once per hit.
            open_at=view.catalog.open_now.at(view.now).is_open,
        )
        if check(hit.resource)
    ][:limit]
    situation_pages = _unique(
        content.pages[p] for s in result.situations for p in s.pages if p in content.pages
    )
    situation_needs = _unique(
        content.needs[n] for s in result.situations for n in s.needs if n in content.needs
    )
    needs = tuple(
        n
        for n in _unique([*([result.named_need] if result.named_need else []), *result.needs])
        if n not in situation_needs
    )
    pages = tuple(
        p
        for p in result.pages
        if p not in situation_pages and not (result.urgent and p.section is Section.URGENT)
    )
    return Answer(
        result=result,
        situation_pages=situation_pages,
        situation_needs=situation_needs,
        resources=tuple(hit.resource for hit in ranked),
        named_resources=frozenset(h.resource.id for h in ranked if h.named == FULLY_NAMED),
        needs=needs,
        pages=pages,
        distances=distances,
    )


def ordered(view: View, found: Answer) -> list[Ref]:
    """What a person meets, in order: urgent help, what the situation calls for, a listing
    named in full, a place named alone, a need named, the needs and pages the words point at
    clearly, the other listings, needs, a place, pages."""
    locale = view.state.locale
    page_ref = lambda p: Ref("page", p.id, p.text(locale).title)  # noqa: E731
    need_ref = lambda n: Ref("need", n.id, n.name.get(locale))  # noqa: E731
    refs: list[Ref] = []
    urgent_pages = view.catalog.content.pages_in(Section.URGENT)
    if found.urgent and urgent_pages:
        refs.append(page_ref(urgent_pages[0]))
    refs.extend(page_ref(p) for p in found.situation_pages)
    refs.extend(need_ref(n) for n in found.situation_needs)
    refs.extend(
        Ref("resource", r.id, r.name.get(locale))
        for r in found.resources
        if r.id in found.named_resources
    )
    place = found.place
    place_ref = [Ref("place", place.id, place.name.get(locale))] if place else []
    if found.result.place_named:
        refs.extend(place_ref)
    if found.result.named_need is not None:
        refs.append(need_ref(found.result.named_need))
    refs.extend(_clear_topics(found, page_ref, need_ref))
    refs.extend(Ref("resource", r.id, r.name.get(locale)) for r in found.resources)
    refs.extend(need_ref(n) for n in found.needs)
    refs.extend(place_ref)
    refs.extend(page_ref(p) for p in found.pages)
    return list(dict.fromkeys(refs))


def _clear_topics(
    found: Answer, page_ref: Callable[[Page], Ref], need_ref: Callable[[Need], Ref]
) -> list[Ref]:
    """Needs and pages that a whole word of the message names, best first; a page before a
    need on a tie, since a question ("what are my rights") is answered by a page."""
    scores = found.result.topic_scores
    # Urgent help is offered first only when the message reads as danger, never as a topic.
    topics: list[tuple[float, int, Ref]] = [
        (scores.get(f"page:{p.id}", 0.0), 0, page_ref(p))
        for p in found.pages
        if p.section is not Section.URGENT
    ]
    topics.extend((scores.get(f"need:{n.id}", 0.0), 1, need_ref(n)) for n in found.needs)
    clear = [t for t in topics if t[0] >= CLEAR_TOPIC_SCORE]
    return [ref for _score, _kind, ref in sorted(clear, key=lambda t: (-t[0], t[1]))]


def search_results(view: View, search: ShowSearch, typed: str | None = None) -> Screen:
    """The screen for a typed message (`typed`, as the person wrote it) or for its filters
    pressed later."""
    return answered(view, search, answer(view, search), typed)


def found_no_help(found: Answer) -> bool:
    """Whether a search offered nothing to use: no urgent help, no listing, no page and no
    place named (a need alone only leads on to browsing, and has nothing in the area when the
    search found no listing). Such searches are counted, never their words."""
    return not (
        found.urgent
        or found.resources
        or found.situation_pages
        or found.pages
        or found.result.place_named
    )


def need_searched(found: Answer) -> str:
    """The need a search was about, or "" when none."""
    named = found.result.named_need
    needs = ([named] if named else []) + [*found.situation_needs, *found.needs]
    return needs[0].id if needs else ""


def answered(view: View, search: ShowSearch, found: Answer, typed: str | None = None) -> Screen:
    """The screen for what a search found (see `search_results`)."""
    messages = urgent_messages(view) if found.urgent else ()
    place = found.place
    only_place = (
        found.result.place_named
        and place is not None
        and not found.named_resources
        and found.result.named_need is None
        and not found.situation_pages
    )
    if only_place and place is not None:
        nearby = nearby_list(view, ShowNearby(place.id, search.filters))
        return Screen((*messages, *nearby.messages), nearby.buttons)
    echo = _echo(typed if typed is not None else search.query)
    if found.found_nothing:
        return _nothing_found(view, search, echo)
    blocks = _blocks(view, search, found, echo)
    return Screen((*messages, *split_messages(blocks)), _buttons(view, search, found))


def _echo(query: str) -> str:
    echo = query.strip()
    return echo[:QUERY_ECHO_LIMIT] + "…" if len(echo) > QUERY_ECHO_LIMIT else echo


def _blocks(view: View, search: ShowSearch, found: Answer, echo: str) -> list[str]:
    tr = view.tr
    blocks = [bold(tr.gettext("Results for “%(query)s”") % {"query": echo})]
    if found.situation_pages or found.pages:
        blocks.append(esc(tr.gettext("Pages that may help are in the buttons below.")))
    blocks.extend(filter_notes(view, search, len(found.resources)) if search.filters else ())
    if found.resources:
        if view.region is not None and view.region.sample:
            blocks.append(sample_note(view))
        blocks.extend(
            list_line(view, i + 1, r, found.distances.get(r.id))
            for i, r in enumerate(found.resources)
        )
    elif not search.filters:
        blocks.append(esc(tr.gettext("No places matched those words. The buttons below may help.")))
    return blocks


def _buttons(view: View, search: ShowSearch, found: Answer) -> tuple[tuple[Button, ...], ...]:
    tr = view.tr
    locale = view.state.locale
    first = [_page_button(view, p) for p in found.situation_pages]
    picks = [
        Button(f"{i + 1}. {r.name.get(locale)}", ShowResource(r.id, search))
        for i, r in enumerate(found.resources)
    ]
    extra = [
        Button(tr.gettext("All: %(need)s") % {"need": n.name.get(locale)}, ShowNeed(n.id))
        for n in (*found.situation_needs, *found.needs)[:3]
    ]
    if found.place is not None:
        extra.append(
            Button(
                tr.gettext("Near %(place)s") % {"place": found.place.name.get(locale)},
                ShowNearby(found.place.id),
            )
        )
    extra.extend(_page_button(view, p) for p in found.pages[:2])
    filters = filter_buttons(view, search) if found.resources or search.filters else ()
    find_help = Button(tr.pgettext("menu", "🧭 Find help"), ShowNeeds())
    place_id = found.place.id if found.place else ""
    local = (local_places_button(view, place_id),) if found.urgent else ()
    return (
        *rows(list(local), 1),
        *rows(first, 1),
        *rows(picks, 1),
        *rows(extra, 1),
        *filters,
        nav_row(view, find_help, place=place_id),
    )


def _page_button(view: View, page: Page) -> Button:
    return Button(f"📄 {page.text(view.state.locale).title}", ShowPage(page.id))


def _nothing_found(view: View, search: ShowSearch, echo: str) -> Screen:
    """Never a dead end: urgent help, the needs, and a word for people in other languages."""
    tr = view.tr
    blocks = [
        bold(tr.gettext("Results for “%(query)s”") % {"query": echo}),
        esc(
            tr.gettext(
                "Nothing found. Try one simple word, like “food”, “shower” or “comida”,"
                " or browse the list of needs. If you are in danger, tap Urgent help."
            )
        ),
    ]
    note = unsupported_language_note(search.query, view.locales)
    if note:
        blocks.append(esc(note))
    find_help = Button(tr.pgettext("menu", "🧭 Find help"), ShowNeeds())
    return Screen(split_messages(blocks), (nav_row(view, find_help),))
