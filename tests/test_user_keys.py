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


@given(st.lists(st.integers(min_value=0, max_value=2**40), min_size=2, max_size=20))
def test_one_user_keys_gives_each_id_its_key_whatever_came_before(user_ids: list[int]) -> None:
    # The keyed HMAC is copied for each id: a key never depends on the ids hashed before it.
    keys = UserKeys(b"a secret of some length")
    first = [keys.key_for(user_id) for user_id in user_ids]
    assert [keys.key_for(user_id) for user_id in reversed(user_ids)] == first[::-1]
    assert first == [UserKeys(b"a secret of some length").key_for(u) for u in user_ids]
