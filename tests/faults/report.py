"""What a fault run reports: messages sent, replies received, reflections stored, duplicate
replies and losses (a message that got no answer, or a reflection not stored)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass
class FaultReport:
    name: str
    sent: int = 0  # messages the users sent
    replies: int = 0  # of those, answered (at least once)
    stored: int = 0  # reflections in the database
    stored_twice: int = 0  # reflections stored more than once
    duplicate_replies: int = 0  # answers that arrived more than once
    lost: int = 0  # messages with no answer, or answers whose reflection is not stored

    def line(self) -> str:
        return "FAULTS " + json.dumps(asdict(self))

    def check(self) -> None:
        print(self.line())
        assert self.lost == 0, self.line()
        assert self.stored_twice == 0, self.line()
