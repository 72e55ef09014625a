"""A close the practice refused (a full disk, a read-only file, a lock held): nothing is lost.

Everything entered stays on the screen, a banner says why and how to retry (ctrl+s again), and it
is all set aside as text, after the notes, in the session's rescue file (see services.rescue); the
next time the session is opened it is offered back, its actions as ``- [ ]`` lines the closing
screen picks up again.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

from textual.widgets import Static

from companion.core.models import Goal
from companion.store import Store
from companion.tui.host import host
from companion.tui.saving import describe
from companion.tui.screens.closing_actions import ActionDraft
from companion.tui.screens.closing_fields import ClosingEntries, ClosingFields

_WHAT_TO_DO = {
    "the disk is full": "Free some space on that disk",
    "the practice file is read-only": "Make the practice file and its folder writable",
    "another program holds the practice locked": "Close the other program using the practice",
}
"""What the coach can do about a refused close, by the reason (see tui.saving.describe)."""


def set_aside_text(
    notes: str,
    drafts: list[ActionDraft],
    entries: ClosingEntries,
    goals: list[Goal],
    problem: str,
    at: datetime,
) -> str:
    """The notes, then what the closing screen held, as text a coach reads and companion reuses.

    Each kept action is a ``- [ ]`` line (the next closing screen offers it again), its owner and
    due date on the line below; then the removed ones, the scores, the takeaways, the next date.
    """
    lines = [f"## Closing, not stored ({problem}, {at:%a %d %b %H:%M})"]
    for draft in drafts:
        action = draft.action
        if not draft.kept:
            lines.append(f"Removed: {action.text}")
            continue
        lines.append(f"- [ ] {action.text}")
        details = [action.owner, f"due {action.due_on:%Y-%m-%d}" if action.due_on else ""]
        lines.append("  " + " · ".join(part for part in details if part))
    names = {goal.id: goal.specific for goal in goals}
    for goal_id, score in entries.scores.items():
        lines.append(f"Score {score}/10: {names.get(goal_id, f'goal {goal_id}')}")
    lines += [f"Takeaway: {text}" for text in entries.takeaways]
    if entries.next_session_on is not None:
        lines.append(f"Next session: {entries.next_session_on:%Y-%m-%d}")
    before = "" if not notes or notes.endswith("\n") else "\n"
    return f"{notes}{before}\n" + "\n".join(lines) + "\n"


class ClosingRefusal(ClosingFields):
    """Keeping a refused close: set aside, said on screen, retried (ClosingScreen builds on it)."""

    refused: str
    set_aside_in: Path | None
    _set_aside_problem: str
    _finishing: bool

    @property
    def store(self) -> Store:
        return host(self).store

    def _set_aside(self, text: str, at: datetime) -> None:
        """TEXT to the session's rescue file (off the event loop: it writes to the disk)."""
        from companion.services.rescue import write_rescue

        path = self.store.path
        if path is None:  # an in-memory practice (tests): nowhere beside it
            self._set_aside_problem = "the practice has no folder"
            return
        try:
            self.set_aside_in = write_rescue(path, self.session_id, text, at)
            self._set_aside_problem = ""
        except OSError as error:
            self._set_aside_problem = describe(error)

    def _where_kept(self) -> str:
        if self.set_aside_in is not None:
            return f"kept on this screen, and set aside with the notes in {self.set_aside_in}"
        return f"kept on this screen only (it could not be set aside: {self._set_aside_problem})"

    def _refused(self, problem: str) -> None:
        """The practice refused the close: keep it all, say so plainly, and let the coach retry."""
        self._finishing = False
        self.refused = problem
        banner = self.query_one("#closing-banner", Static)
        todo = _WHAT_TO_DO.get(problem, "Once the practice takes writes again")
        banner.update(
            f"NOT CLOSED: {problem}. Everything entered here is {self._where_kept()}. "
            f"{todo}, then press ctrl+s (Close session) again; quitting asks first."
        )
        banner.set_class(True, "-shown")
        self._say(f"Not closed: {problem}. Nothing entered here is lost: ctrl+s tries again.")
        self.notify(
            f"{problem.capitalize()}: nothing entered here is lost; ctrl+s tries again.",
            title="NOT CLOSED",
            severity="error",
            timeout=15,
        )

    def set_aside(self) -> str:
        """Quitting while the close is refused: what the screen holds now set aside; where, in
        words (a field that does not parse leaves the file as the last refused close wrote it)."""
        assert self.data is not None
        with contextlib.suppress(ValueError):
            clock = host(self).clock
            text = set_aside_text(
                self.data.notes,
                self.drafts,
                self._entries(),
                self.data.action_goals,
                self.refused,
                clock(),
            )
            self._set_aside(text, clock())
        if self.set_aside_in is not None:
            return (
                f"The closing entries are set aside with the notes in {self.set_aside_in}, "
                "offered back when the session is next opened."
            )
        return "The closing entries could not be set aside."

    def _keep_refused(
        self, problem: str, entries: ClosingEntries, drafts: list[ActionDraft]
    ) -> None:
        """From the finishing worker: set aside what the refused close held (DRAFTS as the list
        showed them, and ENTRIES), then say so on screen."""
        assert self.data is not None
        clock = host(self).clock
        text = set_aside_text(
            self.data.notes, drafts, entries, self.data.action_goals, problem, clock()
        )
        self._set_aside(text, clock())
        self.app.call_from_thread(self._refused, problem)
