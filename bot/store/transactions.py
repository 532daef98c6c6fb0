"""One explicit transaction at a time on the store's shared autocommit connection."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiosqlite


class Transactions:
    """Every update shares one connection, so a second `BEGIN` while another coroutine's
    transaction is open would fail ("cannot start a transaction within a transaction"): the
    multi-statement writes (publishing or withdrawing an alert, writing the counts) take turns.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection
        self._turn = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[None]:
        """Run the block's statements as one transaction: all committed, or none."""
        async with self._turn:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")
