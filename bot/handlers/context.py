"""What one update carries from the first handler group to the others: who, in which locale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.store import Preferences
from bot.ui.conversation import Conversation
from bot.ui.state import UserState


@dataclass(frozen=True)
class Turn:
    """One update's user: their storage key, what was saved, and the state to answer with;
    and the conversation (with the content) as it was when the update arrived, so that the
    whole update is answered from one version of the content even if a reload swaps it."""

    user_key: str
    saved: Preferences
    state: UserState
    conversation: Conversation


class TurnContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's callback context plus the update's Turn, set afresh by the first handler group.

    PTB builds one context per update and hands it to every group, so the Turn never outlives
    its update and never reaches another user's.
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.turn: Turn | None = None
