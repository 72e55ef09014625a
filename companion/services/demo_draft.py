"""What the parts of the demo share while they make one practice: the draws, the ids, the batch.

Every part draws from the one seeded random generator, in the order the practice is made, so the
same seed on the same day gives the same practice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from companion.core.models import Goal
from companion.core.protocols import ProtocolLibrary
from companion.services.demo_content import demo_content
from companion.store.bulk import Batch

PlannedGoal = tuple[Goal, int, int]
"""A goal with the score the client starts from and the one they head for."""


@dataclass
class Ids:
    """The next id of each table, handed out as records are made."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


class Draft:
    """One practice being made: its random draws, words, protocols, ids and records so far."""

    def __init__(
        self, protocols: ProtocolLibrary, seed: int, today: date, ids: dict[str, int]
    ) -> None:
        self.rng = random.Random(seed)
        self.content = demo_content()
        self.today = today
        self.ids = Ids(dict(ids))
        self.batch = Batch()
        self.protocols = {
            pid: protocols.get(pid)
            for pid in ("first", "grow", "life-purpose", "check-in", "review", "closing")
            if pid in protocols.entries
        }
        if not self.protocols:
            self.protocols = {entry.protocol.id: entry.protocol for entry in protocols}
        self.snapshots = {pid: p.model_dump_json() for pid, p in self.protocols.items()}


class DraftPart:
    """A part of the generator: works on the draft's batch with the draft's draws."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.rng = draft.rng
        self.content = draft.content
        self.today = draft.today
        self.ids = draft.ids
        self.batch = draft.batch
