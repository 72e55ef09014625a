"""Words and the clock every part shares: import-free, so the first paint need not load pydantic.

companion.core.models builds its records from these; the command line and the live screen's
first frame use them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

SessionMode = Literal["video", "phone", "in-person"]
SESSION_MODES: tuple[SessionMode, ...] = ("video", "phone", "in-person")


LEASE_RENEW_SECONDS = 10
"""How often a live window renews its lease on its session (the store calls a lease stale after
a few missed renewals)."""


def now() -> datetime:
    """The current local time to the second: what every record stamps itself with."""
    return datetime.now().replace(microsecond=0)


def clock(seconds: float) -> str:
    """'12:05' (minutes:seconds) for a step's time."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def today() -> date:
    """The local date: what due dates, 'overdue' and relative dates count from."""
    return now().date()


@dataclass(frozen=True)
class SessionStart:
    """A session to start, as the coach asked for it (`companion start`, home, a timeline).

    Resolved once the practice is open (companion.services.practice.begin_session): the client's
    unfinished session resumed, or a new one.
    """

    client_name: str
    protocol_id: str | None = None
    minutes: int | None = None
    mode: SessionMode = "video"
    same_engagement: bool = False
    """After the client's engagement was closed: take it up again rather than open a new one."""
