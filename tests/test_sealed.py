"""Sealed chat ids: the cipher is made only when first used, with the same key as ever, so
ids sealed before still open."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given
from hypothesis import strategies as st

from bot.sealed import _PURPOSE, NONCE_BYTES, ChatSeal

SECRET = b"a test secret of thirty-two bytes!"


def sealed_as_before(secret: bytes, chat_id: int) -> bytes:
    """A chat id sealed as the seal did when it made its cipher at once."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(secret)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, str(chat_id).encode("ascii"), _PURPOSE)


def test_nothing_is_set_up_until_first_used() -> None:
    seal = ChatSeal(SECRET)
    assert "_aead" not in vars(seal)
    assert seal.open(seal.seal(42)) == 42
    assert "_aead" in vars(seal)


@given(st.binary(min_size=16, max_size=64), st.integers(-(10**13), 10**13))
def test_ids_sealed_before_still_open_and_new_ones_open_with_the_old_key(
    secret: bytes, chat_id: int
) -> None:
    seal = ChatSeal(secret)
    assert seal.open(sealed_as_before(secret, chat_id)) == chat_id
    sealed = ChatSeal(secret).seal(chat_id)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(secret)
    body = AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _PURPOSE)
    assert int(body) == chat_id


def test_another_secret_or_an_altered_seal_opens_to_nothing() -> None:
    sealed = ChatSeal(SECRET).seal(7)
    assert ChatSeal(b"another secret of thirty-two byte").open(sealed) is None
    assert ChatSeal(SECRET).open(sealed[:-1] + bytes([sealed[-1] ^ 1])) is None
