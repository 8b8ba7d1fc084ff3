"""GUIDs for REFI-QDA files: reading other tools' spellings, and stable ones for our rows.

Coders, cases, attributes and selections have no GUID column in the project, yet REFI-QDA wants
one for each. They are derived (UUID version 5) from something stable, such as a coder's name, so
exporting the same project twice gives the same GUIDs and other tools can match re-imports.
"""

from __future__ import annotations

import re
import uuid

GUID_RE = re.compile(
    r"^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$"
)
NAMESPACE = uuid.UUID("6f0f4a52-6b1e-5d0c-9a55-8a1d3f0b7c21")


def norm_guid(raw: str | None) -> str | None:
    """``{abc...}`` or ``abc...`` as upper-case ``ABC...``; None when it is not a GUID."""
    if raw is None:
        return None
    match = GUID_RE.match(raw.strip())
    return match.group(1).upper() if match else None


def stable_guid(kind: str, key: str) -> str:
    """A GUID that is always the same for the same ``kind`` and ``key``."""
    return str(uuid.uuid5(NAMESPACE, f"workbench:{kind}:{key}")).upper()


def coder_guid(name: str) -> str:
    return stable_guid("coder", name)
