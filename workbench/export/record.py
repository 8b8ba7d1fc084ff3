"""The record an exported file carries: the command that made it and the project's fingerprint.

It is its own module, the lowest of the provenance modules, because everything else names it:
writing it into each format (``record_embed``), reading it back and fingerprinting the project
(``provenance``), and the draft caption (``captions``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from workbench import __version__

RECORD_KEY = "workbench-record"


@dataclass
class Record:
    """What made a file: ``command`` as typed, ``args`` to run it again (without the project
    option), ``output`` as it appears in ``args``, the ``project`` and its ``fingerprint``."""

    command: str
    args: list[str]
    output: str
    project: str
    fingerprint: str
    created: str = ""
    version: str = __version__
    counts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Record:
        data = json.loads(text)
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def summary(self) -> str:
        """One line for a figure's description field."""
        return f"Made by: {self.command} (project fingerprint {self.fingerprint})"
