"""How long the bot keeps what little it keeps, by default; the privacy screen says these."""

from __future__ import annotations

# An unused choice (language, area, ...) is erased after this many days (RETENTION_DAYS).
DEFAULT_RETENTION_DAYS = 90
# Telegram lets a bot delete messages for 48 hours; message ids are never kept longer.
DELETABLE_HOURS = 48
# The neutral confirmation of /clear removes itself after this many seconds.
CLEARED_NOTICE_SECONDS = 5
# Anonymous counts are added up in memory and written to the database this often (and when the
# bot stops); a crash loses at most this many seconds of counts.
COUNTS_WRITTEN_EVERY_SECONDS = 10
