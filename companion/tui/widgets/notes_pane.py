"""The live notes: a TextArea that tells its screen when the coach (not the program) edited it."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from companion.notes import ACTION_MARK, INSIGHT_MARK, LEGEND, PRIVATE_MARK
from companion.tui.widgets.inputs import ExactTextArea

SHORT_LEGEND = (
    f"{ACTION_MARK.strip()} action · {INSIGHT_MARK.strip()} insight · "
    f"{PRIVATE_MARK.strip()} private"
)


class NotesArea(ExactTextArea):
    """Notes in Markdown. Posts Edited for the coach's edits only, never for its own loads."""

    class Edited(Message):
        """The coach changed the notes: the screen schedules a save."""

    class OnScreen(Message):
        """The notes are laid out on screen for the first time: the first frame is going out."""

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(text, soft_wrap=True, tab_behavior="focus", **kwargs)  # type: ignore[arg-type]
        self._loading = 0
        self._shown = False
        self.border_title = "Notes"

    def on_show(self) -> None:
        if not self._shown:
            self._shown = True
            self.post_message(self.OnScreen())

    def load_notes(self, text: str) -> None:
        """Replace the text without it counting as an edit."""
        self._loading += 1
        self.load_text(text)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._loading:
            # Changed is posted once per load; the count keeps several quick loads apart.
            self._loading -= 1
            return
        self.post_message(self.Edited())

    async def _on_key(self, event: events.Key) -> None:
        # A bare line feed is a new line: pastes without bracketed paste, tmux and some SSH
        # links send one for each line break, and TextArea alone would drop it (words run on).
        if event.key == "ctrl+j" and not self.read_only:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self.replace("\n", start, end, maintain_selection_offset=False)
            return
        await super()._on_key(event)

    def append_heading(self, heading: str) -> None:
        """Add a step heading at the end, after a blank line, and put the cursor under it."""
        end = self.document.end
        last = self.document.get_line(end[0])
        if end == (0, 0):
            before = ""
        elif last.strip():
            before = "\n\n"
        else:
            previous = self.document.get_line(end[0] - 1) if end[0] > 0 else ""
            before = "\n" if previous.strip() else ""
        self.insert(f"{before}{heading}\n", end)
        self.move_cursor(self.document.end)
        self.scroll_cursor_visible()

    def on_resize(self) -> None:
        self.border_subtitle = LEGEND if self.size.width >= len(LEGEND) + 6 else SHORT_LEGEND
