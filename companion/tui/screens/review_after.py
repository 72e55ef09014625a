"""The session screen's after-the-call keys: copy the recap (c), read and edit it first (v),
and correct the session itself (e). Kept out of review.py, which holds the browsing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding

from companion.core.errors import CompanionError
from companion.tui.host import host

if TYPE_CHECKING:
    from textual.screen import Screen


def after_call_bindings() -> list[Binding]:
    return [
        Binding(
            "c",
            "copy_recap",
            "Copy recap",
            tooltip="Copy this session's recap for the client (as you edited it, if you did)",
            id="session.copy-recap",
        ),
        Binding(
            "v",
            "preview_recap",
            "Edit recap",
            show=False,
            tooltip="Read the recap, edit it, switch Markdown / plain text, then copy it",
            id="session.edit-recap",
        ),
        Binding(
            "e",
            "edit_session",
            "Edit",
            tooltip="Correct the notes (autosaved), agreement, actions, takeaways, scores, date",
            id="session.edit",
        ),
    ]


class AfterCall:
    """Mixed into the session screen, which has `session_id` and reloads with `load()`."""

    session_id: int

    if TYPE_CHECKING:

        def load(self) -> object: ...

    def _screen(self) -> Screen[None]:
        return self  # type: ignore[return-value]

    @work(thread=True, exclusive=True, group="session-recap")
    def action_copy_recap(self) -> None:
        from companion.services.recaps import session_recap
        from companion.tui.screens.recap_preview import copy_recap

        screen = self._screen()
        try:
            recap = session_recap(host(screen).store, self.session_id, host(screen).recap_format)
            result = copy_recap(screen.app, recap)
        except CompanionError as error:
            screen.app.call_from_thread(screen.notify, str(error), severity="error")
            return
        message = result.message + (" (your edited text)" if recap.edited else "")
        screen.app.call_from_thread(
            screen.notify, message, severity="information" if result.ok else "error"
        )

    def action_preview_recap(self) -> None:
        from companion.tui.screens.recap_preview import RecapPreview

        screen = self._screen()
        screen.app.push_screen(RecapPreview(self.session_id, host(screen).recap_format))

    def action_edit_session(self) -> None:
        from companion.tui.screens.session_editor import SessionEditor

        def edited(wrote: bool | None) -> None:
            if wrote:
                self.load()

        self._screen().app.push_screen(SessionEditor(self.session_id), edited)
