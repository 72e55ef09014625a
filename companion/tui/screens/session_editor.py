"""Correcting a past session from the review: its notes, autosaved as in the live screen, and
(f2) the rest of what it recorded, in a form.

The editor holds the session's lease while it is open, as a live window does, so the session
cannot be open in two windows at once; a session a live window holds is refused. Every write
goes through a SessionWriter, off the event loop and in order; leaving writes what is held.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from companion.core.errors import CompanionError
from companion.tui.host import host
from companion.tui.saving import Autosave, SessionWriter
from companion.tui.widgets.notes_pane import SHORT_LEGEND, NotesArea
from companion.tui.writer_messages import Deliver, Reported

if TYPE_CHECKING:
    from companion.core.models import SessionRecord
    from companion.store.corrections import Corrections


class SessionEditor(Screen[bool]):
    """A past session's notes to correct, autosaved; f2 corrects the rest. Dismissed with True
    once anything was written."""

    CSS_PATH = "session_editor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "done",
            "Done",
            priority=True,
            tooltip="Save what is typed and go back to the session",
            id="session-editor.done",
        ),
        Binding(
            "f2",
            "correct_record",
            "Agreement, actions…",
            priority=True,
            tooltip="Correct the agreement, next date, takeaways, scores and actions",
            id="session-editor.record",
        ),
        Binding(
            "ctrl+s",
            "save_now",
            "Save",
            priority=True,
            tooltip="Save the notes now (they also save by themselves as you type)",
            id="session-editor.save",
        ),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.record: SessionRecord | None = None
        self.token = f"review-edit-{uuid.uuid4()}"
        self.held = False
        self.wrote = False
        self.writer: SessionWriter | None = None
        self.autosave: Autosave | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Opening the session…", "dim"), id="editor-title")
        notes = NotesArea("", id="editor-notes", read_only=True)
        notes.border_title = "Notes"
        notes.border_subtitle = SHORT_LEGEND
        yield notes
        yield Footer(compact=True)

    @property
    def notes(self) -> NotesArea:
        return self.query_one("#editor-notes", NotesArea)

    def on_mount(self) -> None:
        self.open_session()

    @work(thread=True, exclusive=True, group="session-editor")
    def open_session(self) -> None:
        """Hold the session (refused if a live window has it), then read it."""
        from companion.store.lease import this_host
        from companion.store.records import load_session_record

        store = host(self).store
        try:
            store.take_lease(
                self.session_id,
                token=self.token,
                pid=os.getpid(),
                host=this_host(),
                at=host(self).clock(),
            )
            self.held = True
            record = load_session_record(store, self.session_id)
        except CompanionError as error:
            self.app.call_from_thread(self._refused, str(error))
            return
        self.app.call_from_thread(self._opened, record)

    def _refused(self, problem: str) -> None:
        self.notify(problem, title="Cannot edit this session", severity="error", timeout=10)
        self._leave()

    def _opened(self, record: SessionRecord) -> None:
        from companion.store.lease import LEASE_RENEW_SECONDS

        self.record = record
        store = host(self).store
        self.writer = SessionWriter(
            save_notes=lambda text: store.save_notes(self.session_id, text),
            report=lambda report: self.post_message(Reported(report)),
            deliver=lambda callback: self.post_message(Deliver(callback)),
            run_in_thread=lambda drain: self.run_worker(
                drain, thread=True, group="editor-writes", exit_on_error=False
            ),
            later=self.set_timer,
        )
        self.autosave = Autosave(
            text=lambda: self.notes.text,
            writer=self.writer,
            later=self.set_timer,
            delay=host(self).autosave_seconds,
        )
        self.set_interval(LEASE_RENEW_SECONDS, self._renew)
        self._show_title()
        notes = self.notes
        notes.load_notes(record.notes.text)
        notes.read_only = False
        notes.focus()
        self._show_state("saved")

    def _show_title(self) -> None:
        if self.record is None:
            return
        from companion.tui.widgets import review_format as fmt

        session = self.record.session
        self.query_one("#editor-title", Static).update(
            Content.assemble(
                ("Editing", "bold $text-warning"),
                f" · {self.record.client.name} · session {self.record.session_number} · "
                f"{fmt.day_and_time(session.started_at)}",
            )
        )

    @work(thread=True, group="editor-lease")
    def _renew(self) -> None:
        store = host(self).store
        try:
            kept = store.renew_lease(self.session_id, self.token, host(self).clock())
        except CompanionError:
            return  # a passing refusal: the next heartbeat tries again
        if not kept:
            self.held = False
            self.app.call_from_thread(
                self.notify,
                "Another window took this session: what you type here is no longer saved.",
                severity="error",
                timeout=15,
            )

    # -- saving -----------------------------------------------------------------------------

    @on(NotesArea.Edited)
    def _edited(self) -> None:
        if self.autosave is not None and self.held:
            self.autosave.edited()
            self._show_state("editing")

    @on(Deliver)
    def _deliver(self, message: Deliver) -> None:
        message.callback()

    @on(Reported)
    def _reported(self, message: Reported) -> None:
        report = message.report
        if report.dropped:
            self.notify(report.dropped, title="Not recorded", severity="error")
        if report.state == "saved":
            self.wrote = True
        self._show_state(report.state, report.problem)

    def _show_state(self, state: str, problem: str = "") -> None:
        if state == "failing":
            self.notes.border_title = f"Notes · NOT SAVED ({problem}) · retrying"
        elif self.autosave is not None and self.autosave.unsaved:
            self.notes.border_title = "Notes · editing"
        else:
            self.notes.border_title = f"Notes · {'saving' if state == 'writing' else 'saved'}"
        self.notes.set_class(state == "failing", "-save-failed")

    def action_save_now(self) -> None:
        if self.autosave is not None and self.held:
            self.autosave.save_now()

    # -- the rest of the record -----------------------------------------------------------------

    def action_correct_record(self) -> None:
        if self.record is None or self.writer is None:
            return
        from companion.tui.dialogs.session_record_form import SessionRecordForm

        self.app.push_screen(SessionRecordForm(self.record), self._corrected)

    def _corrected(self, corrections: Corrections | None) -> None:
        if corrections is None or self.writer is None or not self.held:
            return
        store = host(self).store
        session_id = self.session_id

        def write() -> SessionRecord:
            from companion.store.records import load_session_record

            store.correct_session(session_id, corrections)
            return load_session_record(store, session_id)

        self.writer.change("the corrections", write, self._reread)

    def _reread(self, record: SessionRecord) -> None:
        self.record = record
        self.wrote = True
        self.notify("Session corrected")

    # -- leaving ------------------------------------------------------------------------------

    def on_unmount(self) -> None:
        """The app quits with the editor open: write what is held and let the session go."""
        if self.autosave is not None and self.held:
            self.autosave.save_now()
        if self.writer is not None:
            self.writer.flush()
            self.writer.close()
        if self.held:
            with contextlib.suppress(CompanionError):
                host(self).store.release_lease(self.session_id, self.token)
            self.held = False

    def action_done(self) -> None:
        if self.autosave is not None and self.held:
            self.autosave.save_now()
        self._leave()

    @work(thread=True, exclusive=True, group="session-editor")
    def _leave(self) -> None:
        """Write what is held (a bounded wait), let the session go, back to the review."""
        if self.writer is not None:
            self.writer.flush()
            self.writer.close()
        if self.held:
            with contextlib.suppress(CompanionError):  # else it goes stale by itself
                host(self).store.release_lease(self.session_id, self.token)
            self.held = False
        # Not dismiss itself from here: it waits for this very worker (see library-facts).
        self.app.call_from_thread(self._dismiss_soon)

    def _dismiss_soon(self) -> None:
        """Dismiss without waiting for it (the worker that asks must end first)."""
        self.dismiss(self.wrote)
