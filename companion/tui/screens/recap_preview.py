"""The recap before it is copied: read it, edit it, switch between Markdown and text, copy it.

Edits are kept with the session (services/recaps), so copying again from the review, the
closing screen or the shell gives the edited text. Saving and copying run off the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from companion.core.errors import CompanionError
from companion.tui.host import host

if TYPE_CHECKING:
    from companion.core.models import RecapFormat
    from companion.services.clipboard import CopyResult
    from companion.services.recaps import Recap

FORM_NAMES: dict[str, str] = {"markdown": "Markdown", "text": "plain text"}


def copy_recap(app: App[object], recap: Recap) -> CopyResult:
    """Copy RECAP from a worker thread: the clipboard, else the terminal and a private file."""
    from companion.services.clipboard import copy_text

    return copy_text(
        recap.text,
        osc52=lambda t: app.call_from_thread(app.copy_to_clipboard, t),
        filename=recap.filename,
    )


class RecapPreview(Screen[bool]):
    """The recap of SESSION_ID in FORM, editable; dismissed with True once something was copied."""

    CSS_PATH = "recap_preview.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f8,ctrl+s",
            "copy",
            "Copy",
            priority=True,
            tooltip="Keep the text as edited and copy it for the client",
            id="recap-preview.copy",
        ),
        Binding(
            "ctrl+t",
            "switch_form",
            "Markdown/text",
            priority=True,
            tooltip="Show the recap in the other form (Markdown, or plain text for an email)",
            id="recap-preview.switch-form",
        ),
        Binding(
            "ctrl+r",
            "rebuild",
            "Rebuild",
            priority=True,
            tooltip="Drop your edits in this form: the recap as built from the session again",
            id="recap-preview.rebuild",
        ),
        Binding(
            "escape",
            "close",
            "Close",
            priority=True,
            tooltip="Close; your edits are kept for the next copy",
            id="recap-preview.close",
        ),
    ]

    def __init__(self, session_id: int, form: RecapFormat) -> None:
        super().__init__()
        self.session_id = session_id
        self.form: RecapFormat = form
        self.recap: Recap | None = None
        self.copied = False
        self.copy_result: CopyResult | None = None
        """How the recap went out the last time it was copied (tests read it)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="recap-title")
        editor = TextArea("", soft_wrap=True, id="recap-text")
        editor.border_title = "Recap for the client"
        yield editor
        yield Static(Content.styled("Reading the recap…", "dim"), id="recap-state")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#recap-text", TextArea).focus()
        self.load()

    @work(thread=True, exclusive=True, group="recap-preview")
    def load(self) -> None:
        from companion.services.recaps import session_recap

        try:
            recap = session_recap(host(self).store, self.session_id, self.form)
        except CompanionError as error:
            self.app.call_from_thread(self._say, f"The recap could not be read: {error}", False)
            return
        self.app.call_from_thread(self._show, recap)

    def _show(self, recap: Recap) -> None:
        self.recap = recap
        record = recap.record
        self.query_one("#recap-title", Static).update(
            Content.assemble(
                (record.client.name, "bold"),
                f" · session {record.session_number} · {FORM_NAMES[recap.format]}",
                (" · edited" if recap.edited else "", "$text-warning"),
            )
        )
        editor = self.query_one("#recap-text", TextArea)
        editor.load_text(recap.editable)
        editor.border_subtitle = "f8 copy · ctrl+t other form · ctrl+r rebuild · esc close"
        self._say("Edit the text if you like; f8 copies it as shown.", True)

    def _say(self, message: str, ok: bool) -> None:
        state = self.query_one("#recap-state", Static)
        state.update(Content.styled(message, "$text-success" if ok else "bold $text-error"))
        state.set_class(not ok, "-problem")

    def _edited_text(self) -> str | None:
        """The editor's text when the coach changed it since it was read, else None."""
        text = self.query_one("#recap-text", TextArea).text
        if self.recap is None or text == self.recap.editable:
            return None
        return text

    def _keep(self, text: str | None) -> None:
        """Keep the coach's edit (worker thread)."""
        from companion.services.recaps import keep_edit

        if text is not None:
            keep_edit(host(self).store, self.session_id, self.form, text)

    # -- actions --------------------------------------------------------------------------------

    def action_copy(self) -> None:
        if self.recap is not None:
            self._save_and_copy(self._edited_text())

    @work(thread=True, exclusive=True, group="recap-preview")
    def _save_and_copy(self, text: str | None) -> None:
        from companion.services.recaps import session_recap

        try:
            self._keep(text)
            recap = session_recap(host(self).store, self.session_id, self.form)
            result = copy_recap(self.app, recap)
        except CompanionError as error:
            self.app.call_from_thread(self._say, f"Not copied: {error}", False)
            return
        self.copy_result = result
        self.copied = self.copied or result.ok
        self.app.call_from_thread(self._show, recap)
        self.app.call_from_thread(self._say, result.message, result.ok)

    def action_switch_form(self) -> None:
        if self.recap is not None:
            self._switch(self._edited_text())

    @work(thread=True, exclusive=True, group="recap-preview")
    def _switch(self, text: str | None) -> None:
        try:
            self._keep(text)
        except CompanionError as error:
            self.app.call_from_thread(self._say, f"Your edit was not kept: {error}", False)
            return
        self.form = "text" if self.form == "markdown" else "markdown"
        self.load()

    def action_rebuild(self) -> None:
        if self.recap is not None:
            self._rebuild()

    @work(thread=True, exclusive=True, group="recap-preview")
    def _rebuild(self) -> None:
        from companion.services.recaps import forget_edit

        try:
            forget_edit(host(self).store, self.session_id, self.form)
        except CompanionError as error:
            self.app.call_from_thread(self._say, f"Not rebuilt: {error}", False)
            return
        self.load()

    def action_close(self) -> None:
        self._close(self._edited_text())

    @work(thread=True, exclusive=True, group="recap-preview")
    def _close(self, text: str | None) -> None:
        try:
            self._keep(text)
        except CompanionError as error:  # stay: the edit is still on screen
            self.app.call_from_thread(self._say, f"Your edit was not kept: {error}", False)
            return
        # Not dismiss itself from here: it waits for this very worker (see library-facts).
        self.app.call_from_thread(self._dismiss_soon)

    def _dismiss_soon(self) -> None:
        """Dismiss without waiting for it (the worker that asks must end first)."""
        self.dismiss(self.copied)
