"""What the app opens on: home, the review, a session to start, or a session to resume.

One typed value rather than a keyword for each case, so a caller cannot ask for two at once (a
session id and a start) and the app reads it in one place (see tui/factory.py, which builds it).
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.core.terms import SessionStart


@dataclass(frozen=True)
class OpenHome:
    """The home screen (`companion` alone)."""


@dataclass(frozen=True)
class OpenReview:
    """The review browser (`companion review`), on the timeline of the client called
    CLIENT_NAME if given (looked up once the practice is open: an encrypted one is unlocked in
    the app first, and a name not found ends the app in one line, as the CLI would)."""

    client_name: str | None = None


@dataclass(frozen=True)
class StartSession:
    """The live screen first, painted from START alone (`companion start`); it then offers the
    client's unfinished session or begins a new one."""

    start: SessionStart


@dataclass(frozen=True)
class ResumeSession:
    """The live screen on a session that already exists (its id)."""

    session_id: int


Opening = OpenHome | OpenReview | StartSession | ResumeSession
