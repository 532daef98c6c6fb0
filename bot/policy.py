"""How long the bot keeps what little it keeps; the privacy screen promises these numbers."""

from __future__ import annotations

import datetime as dt

# An unused language and area choice is erased after this many months.
RETENTION_MONTHS = 6
RETENTION = dt.timedelta(days=31 * RETENTION_MONTHS)
