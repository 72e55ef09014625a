"""After the closing screen: the session's recap, copied on arrival; home or quit from there.

A full screen of its own (not a dialog over the live screen): the live screen has retired by
then. Its styles (session_closed.tcss) are parsed only when it is first shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from companion.core.text import counted
from companion.tui.host import host

if TYPE_CHECKING:
    from companion.services.clipboard import CopyResult
    from companion.store import Store


class SessionClosed(Screen[None]):
    """After the closing screen: the recap, copied on arrival, to read and copy again; home or quit.

    Ending the session is one motion (F10, ctrl+s): this screen copies the recap itself and says
    on screen which way it went. Nothing here can crash the app: a recap that cannot be read or
    copied is a line on this screen, and the session is already stored.
    """

    CSS_PATH = "session_closed.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f8,c",
            "copy_recap",
            "Copy recap",
            priority=True,
            tooltip="Copy the recap for the client again",
            id="recap.copy",
        ),
        Binding(
            "e",
            "edit_recap",
            "Edit recap",
            priority=True,
            tooltip="Read and edit the recap (Markdown or plain text) before copying it again",
            id="recap.edit",
        ),
        Binding(
            "h", "home", "Home", priority=True, tooltip="Back to the home screen", id="recap.home"
        ),
        Binding("q", "app.quit", "Quit", priority=True, tooltip="Leave companion", id="recap.quit"),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.recap = ""
        self.recap_file = f"recap-session-{session_id}.md"
        self.copy_result: CopyResult | None = None
        """How the recap went out the last time it was copied (tests read it)."""

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Session closed", "bold"), id="closed-title")
        yield Static(Content.styled("Copying the recap…", "dim"), id="copy-state")
        recap = TextArea("", read_only=True, soft_wrap=True, id="recap")
        recap.border_title = "Recap for the client"
        recap.border_subtitle = "c copy · e edit · h home · q quit"
        yield recap
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#recap", TextArea).focus()
        self._load_and_copy()

    @property
    def store(self) -> Store:
        return host(self).store

    @work(thread=True, exclusive=True, group="recap")
    def _load_and_copy(self, copy: bool = True) -> None:
        """Read the stored session, build its recap (the coach's default form, or as they
        edited it) and copy it, off the event loop."""
        from companion.core.errors import CompanionError
        from companion.services.recaps import session_recap

        try:
            recap = session_recap(self.store, self.session_id, host(self).recap_format)
        except CompanionError as error:
            self.app.call_from_thread(self._say, f"The recap could not be built: {error}", False)
            return
        record = recap.record
        minutes = record.session.duration_minutes or 0
        length = f"{minutes:.0f} min" if minutes >= 1 else "under a minute"
        title = Content.assemble(
            ("Session closed", "bold"),
            f" · {record.client.name} · {length} · {counted(len(record.actions_set), 'action')}",
        )
        self.app.call_from_thread(self._show, title, recap.text, recap.filename)
        if copy:
            self._copy()

    def _show(self, title: Content, recap: str, filename: str) -> None:
        self.recap = recap
        self.recap_file = filename
        self.query_one("#closed-title", Static).update(title)
        self.query_one("#recap", TextArea).load_text(recap)

    def _copy(self) -> None:
        """Copy the recap (worker thread): clipboard, else the terminal and a private file."""
        from companion.services.clipboard import copy_text

        try:
            result = copy_text(
                self.recap,
                osc52=lambda t: self.app.call_from_thread(self.app.copy_to_clipboard, t),
                filename=self.recap_file,
            )
        except Exception as error:  # copy_text should not raise; the screen must not die if it does
            self.app.call_from_thread(
                self._say, f"The recap was not copied ({type(error).__name__}).", False
            )
            return
        self.copy_result = result
        self.app.call_from_thread(self._say, result.message, result.ok)

    def _say(self, message: str, ok: bool) -> None:
        state = self.query_one("#copy-state", Static)
        state.update(Content.styled(message, "$text-success" if ok else "bold $text-error"))
        state.set_class(not ok, "-problem")

    @work(thread=True, exclusive=True, group="recap")
    def action_copy_recap(self) -> None:
        if self.recap:
            self._copy()

    def action_edit_recap(self) -> None:
        from companion.tui.screens.recap_preview import RecapPreview

        def edited(copied: bool | None) -> None:
            self._load_and_copy(copy=False)  # show what the next copy gives
            if copied:
                self._say("Recap copied (as edited).", True)

        self.app.push_screen(RecapPreview(self.session_id, host(self).recap_format), edited)

    def action_home(self) -> None:
        host(self).return_home()
