"""Chat ids sealed at rest: the few records that must hold one (messages waiting to disappear)
keep it encrypted (AES-GCM) under a key derived from the hash secret, never stored in the
database, so a copy of the database alone does not say which chats used the bot."""

from __future__ import annotations

import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
_PURPOSE = b"waypoint: chat ids at rest"


class ChatSeal:
    """Seals and opens chat ids with a key derived from `secret` (the HMAC secret).

    The key and cipher are made when first needed: until someone turns on disappearing
    messages or alerts nothing is sealed, and making them sets up OpenSSL's ciphers and key
    derivation in `cryptography` (about 1.2 MiB of a running bot's memory)."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @functools.cached_property
    def _aead(self) -> AESGCM:
        kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE)
        return AESGCM(kdf.derive(self._secret))

    def seal(self, chat_id: int) -> bytes:
        """The chat id encrypted with a fresh nonce (two seals of one id never look alike)."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, str(chat_id).encode("ascii"), _PURPOSE)

    def open(self, sealed: bytes) -> int | None:
        """The chat id, or None when `sealed` was not made with this key (or was altered)."""
        nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        try:
            return int(self._aead.decrypt(nonce, body, _PURPOSE))
        except (InvalidTag, ValueError):
            return None
