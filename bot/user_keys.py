"""Keyed hashes of Telegram user ids: the only form in which the bot ever stores a user."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UserKeys:
    """Turns a user id into a stable key that cannot be reversed without the secret."""

    secret: bytes = field(repr=False)

    def key_for(self, user_id: int) -> str:
        """The storage key for `user_id` (HMAC-SHA256, hex)."""
        message = str(user_id).encode("ascii")
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()
