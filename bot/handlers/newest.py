"""The newest message id the bot knows in each person's chat, in memory only: where a send that
failed unseen is looked for when the update being answered does not say (a button press, whose
message may be old).

A private chat numbers the person's messages and the bot's in one sequence, so an id is a lower
bound of the chat's newest message from the moment it is seen: a typed message's id when it
arrives, a sent message's id when Telegram answers. A pressed message's id only raises an entry
that exists (alone it says nothing: newer messages may follow it). Keys are the HMAC user keys;
nothing is written anywhere, the oldest entries go first past SIZE, an entry goes at /forget,
and all of it at a restart (then presses are answered without looking, as before).
"""

from __future__ import annotations

from collections import OrderedDict

SIZE = 50_000


class NewestIds:
    """A bounded map from user key to the newest message id known in that person's chat."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._ids: OrderedDict[str, int] = OrderedDict()

    def get(self, key: str) -> int:
        """The newest id known in this person's chat, or 0 when none is."""
        return self._ids.get(key, 0)

    def saw(self, key: str, message_id: int) -> None:
        """A message with this id is in the chat (the person's on arrival, or just sent)."""
        self._ids[key] = max(self._ids.pop(key, 0), message_id)
        while len(self._ids) > self._size:
            self._ids.popitem(last=False)

    def saw_if_known(self, key: str, message_id: int) -> None:
        """A message of the chat that may be old (a pressed one): it can only raise an entry."""
        if key in self._ids:
            self.saw(key, message_id)

    def forget(self, key: str) -> None:
        """Drop this person's entry (/forget, blocking the bot, or a send whose fate is
        unknown: a message of ours may then be past the known id)."""
        self._ids.pop(key, None)

    def __len__(self) -> int:
        return len(self._ids)


class ChatPlace:
    """One update's view of the newest message in its person's chat: what a lost send is
    looked for after, kept up to date with what this update sends."""

    def __init__(self, ids: NewestIds, key: str) -> None:
        self._ids, self._key = ids, key

    def newest(self) -> int:
        """The newest id known in the chat, or 0 when unknown (then nothing is looked for)."""
        return self._ids.get(self._key)

    def sent(self, message_id: int) -> None:
        """A message of ours landed with this id."""
        self._ids.saw(self._key, message_id)

    def lost_track(self) -> None:
        """A send may have landed unseen: the known id is no longer a safe place to look
        after, until the person's next message or the next send of ours that lands."""
        self._ids.forget(self._key)
