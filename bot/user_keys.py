"""Keyed hashes of Telegram user ids: the only form in which the bot ever stores a user."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UserKeys:
    """Turns a user id into a stable key that cannot be reversed without the secret."""

    secret: bytes = field(repr=False)
    # The HMAC keyed once, copied for each id. A one-shot `hmac.digest` has OpenSSL look up
    # SHA-256 and HMAC by name on every call: 11.6 µs an update in the bot, between other
    # work, against 2.3 µs for a copy (a tight loop hides it: 1.3 against 0.8 µs).
    _keyed: hmac.HMAC = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keyed", hmac.new(self.secret, digestmod=hashlib.sha256))

    def key_for(self, user_id: int) -> str:
        """The storage key for `user_id` (HMAC-SHA256, hex), for every update."""
        keyed = self._keyed.copy()
        keyed.update(str(user_id).encode("ascii"))
        return keyed.hexdigest()
