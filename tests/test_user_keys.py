"""The keyed hash of a user id stays HMAC-SHA256 in hex: rows saved by any earlier version are
found again (bot/user_keys.py)."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from bot.user_keys import UserKeys


@given(st.binary(min_size=1, max_size=64), st.integers(min_value=-(2**63), max_value=2**63))
def test_a_key_is_the_hmac_sha256_of_the_id_in_hex(secret: bytes, user_id: int) -> None:
    expected = hmac.new(secret, str(user_id).encode("ascii"), hashlib.sha256).hexdigest()
    assert UserKeys(secret).key_for(user_id) == expected
