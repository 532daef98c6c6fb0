"""Stable HSDS ids: UUIDs derived from our own ids, so exporting again changes nothing."""

from __future__ import annotations

import uuid

# A fixed namespace of our own; changing it would give every exported record a new id.
WAYPOINT_NAMESPACE = uuid.UUID("5b0f2d6e-8d3a-5c47-9a51-3f1e2a7c9d40")


def stable_id(*parts: str) -> str:
    """The UUID (text) for the record named by `parts`, the same on every export."""
    return str(uuid.uuid5(WAYPOINT_NAMESPACE, "\x1f".join(parts)))
