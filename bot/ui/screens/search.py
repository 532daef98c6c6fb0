"""What a typed message found: urgent help first when it sounds urgent, then places and pages."""

from __future__ import annotations

from bot.domain.geo import distance_km, resource_point
from bot.domain.models import Section
from bot.ui.actions import ShowNearby, ShowNeed, ShowNeeds, ShowPage, ShowResource
from bot.ui.render import Button, Screen, bold, esc, split_messages
from bot.ui.screens.listings import list_line, nearby_list
from bot.ui.screens.pages import urgent_messages
from bot.ui.screens.view import View, menu_button, rows, sample_note

SEARCH_LIMIT = 8
QUERY_ECHO_LIMIT = 60


def search_results(view: View, query: str) -> Screen:
    """What a typed message matched: urgent help first when it sounds urgent, then places."""
    tr = view.tr
    catalog = view.catalog
    region_id = view.region.id if view.region else None
    result = catalog.index.search(query, region_id, limit=SEARCH_LIMIT * 3)
    echo = query.strip()
    if len(echo) > QUERY_ECHO_LIMIT:
        echo = echo[:QUERY_ECHO_LIMIT] + "…"
    messages: list[str] = []
    if result.urgent:
        messages.extend(urgent_messages(view))
    hood = result.neighbourhood
    if hood is not None and not result.resources and not result.needs:
        nearby = nearby_list(view, ShowNearby(hood.id))
        return Screen((*messages, *nearby.messages), nearby.buttons)
    resources = list(result.resources)
    distances: dict[str, float] = {}
    if hood is not None:
        for resource in resources:
            where = resource_point(catalog.content, resource)
            if where is not None:
                distances[resource.id] = distance_km(hood.center, where)
        resources.sort(key=lambda r: distances.get(r.id, float("inf")))
    resources = resources[:SEARCH_LIMIT]
    pages = [p for p in result.pages[:2] if p.section is not Section.URGENT or not result.urgent]
    blocks = [bold(tr.gettext("Results for “%(query)s”") % {"query": echo})]
    if pages:
        blocks.append(esc(tr.gettext("Pages that may help are in the buttons below.")))
    if not resources and not pages:
        blocks.append(
            esc(
                tr.gettext(
                    "Nothing found. Try one simple word, like “food”, “shower” or “comida”,"
                    " or browse the list of needs."
                )
            )
        )
    if resources:
        if view.region is not None and view.region.sample:
            blocks.append(sample_note(view))
        blocks.extend(
            list_line(view, i + 1, r, distances.get(r.id)) for i, r in enumerate(resources)
        )
    buttons = [
        Button(f"{i + 1}. {r.name.get(view.state.locale)}", ShowResource(r.id))
        for i, r in enumerate(resources)
    ]
    extra = [
        Button(
            tr.gettext("All: %(need)s") % {"need": need.name.get(view.state.locale)},
            ShowNeed(need.id),
        )
        for need in result.needs[:2]
    ]
    if hood is not None:
        extra.append(
            Button(
                tr.gettext("Near %(place)s") % {"place": hood.name.get(view.state.locale)},
                ShowNearby(hood.id),
            )
        )
    extra.extend(
        Button(f"📄 {page.text(view.state.locale).title}", ShowPage(page.id)) for page in pages
    )
    return Screen(
        (*messages, *split_messages(blocks)),
        (
            *rows(buttons, 1),
            *rows(extra, 1),
            (Button(tr.pgettext("menu", "🧭 Find help"), ShowNeeds()), menu_button(view)),
        ),
    )
