"""How large a content file may be: the loader reports a larger one, and an admin's upload
is refused before it is read. Apart from bot/domain/strict_yaml.py so that the running bot
knows the limit without importing the YAML parser."""

from __future__ import annotations

MAX_FILE_BYTES = 5 * 1024 * 1024
