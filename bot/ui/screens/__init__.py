"""Screens: pure functions from (state, locale, content, time) to text and buttons.

Nothing here knows about Telegram or the terminal; both render these same screens.
"""

from bot.ui.screens.admin import admin_help
from bot.ui.screens.alerts import alert_message, alerts_screen
from bot.ui.screens.card import resource_card
from bot.ui.screens.listings import nearby_list, nearest_to_point, need_list, open_now_list
from bot.ui.screens.menus import (
    apology,
    area_picker,
    cannot_read,
    cleared,
    disappearing_picker,
    forgotten,
    help_screen,
    language_picker,
    main_menu,
    needs_menu,
    out_of_date,
    places_menu,
    privacy,
    private_only,
    slow_down,
    unknown_command,
    welcome,
)
from bot.ui.screens.pages import page_screen, section_screen
from bot.ui.screens.parts import open_status, passes
from bot.ui.screens.reports import report_picker, report_thanks
from bot.ui.screens.search import (
    answer,
    answered,
    found_no_help,
    need_searched,
    ordered,
    search_results,
)
from bot.ui.screens.share import share_line, share_link, share_screen, shared_topic
from bot.ui.screens.stats import stats_screen
from bot.ui.screens.urgent import urgent_messages, urgent_screen
from bot.ui.screens.view import View, share_button

__all__ = [
    "View",
    "admin_help",
    "alert_message",
    "alerts_screen",
    "answer",
    "answered",
    "apology",
    "area_picker",
    "cannot_read",
    "cleared",
    "disappearing_picker",
    "forgotten",
    "found_no_help",
    "help_screen",
    "language_picker",
    "main_menu",
    "nearby_list",
    "nearest_to_point",
    "need_list",
    "need_searched",
    "needs_menu",
    "open_now_list",
    "open_status",
    "ordered",
    "out_of_date",
    "page_screen",
    "passes",
    "places_menu",
    "privacy",
    "private_only",
    "report_picker",
    "report_thanks",
    "resource_card",
    "search_results",
    "section_screen",
    "share_button",
    "share_line",
    "share_link",
    "share_screen",
    "shared_topic",
    "slow_down",
    "stats_screen",
    "unknown_command",
    "urgent_messages",
    "urgent_screen",
    "welcome",
]
