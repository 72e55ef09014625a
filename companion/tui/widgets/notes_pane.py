"""The live notes: a TextArea that tells its screen when the coach (not the program) edited it."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult

from companion.core.notes import (
    ACTION_MARK,
    INSIGHT_MARK,
    LEGEND,
    PRIVATE_MARK,
    step_section_end,
)
from companion.tui.widgets.inputs import ExactTextArea

SHORT_LEGEND = (
    f"{ACTION_MARK.strip()} action · {INSIGHT_MARK.strip()} insight · "
    f"{PRIVATE_MARK.strip()} private"
)

LONG_LINE = 10_000
"""Characters in one line above which the notes stop soft-wrapping. TextArea re-wraps the whole
line on every edit and cuts it into all its wrapped rows for every row it paints: a pasted 1 MB
line made each key take seconds. Unwrapped, the line scrolls sideways and typing stays fast; up to
this length wrapping costs nothing a coach notices (benchmarks/results-long-line.md)."""

WRAP_OFF_MESSAGE = (
    "A line in the notes is {length:,} characters long: wrapping is off while it is there, so "
    "typing stays fast. The text is kept exactly; the line scrolls sideways (home, end)."
)
WRAP_ON_MESSAGE = "The very long line is gone: the notes wrap again."


def _longest_after(area: TextArea, edit: Edit) -> int:
    """The length of the longest line EDIT makes (the lines it touches), before it is done."""
    top, bottom = sorted((edit.from_location, edit.to_location))
    document = area.document
    before = top[1]
    after = len(document.get_line(bottom[0])) - bottom[1]
    pieces = edit.text.splitlines() or [""]
    if edit.text.endswith(("\n", "\r")):
        pieces.append("")
    if len(pieces) == 1:
        return before + len(pieces[0]) + after
    middle = max((len(piece) for piece in pieces[1:-1]), default=0)
    return max(before + len(pieces[0]), middle, len(pieces[-1]) + after)


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
        self._unwrapped = False
        """Soft wrap is off because a line is longer than LONG_LINE (on again when it is not)."""
        self.border_title = "Notes"

    def on_show(self) -> None:
        if not self._shown:
            self._shown = True
            self.post_message(self.OnScreen())

    def load_notes(self, text: str) -> None:
        """Replace the text without it counting as an edit."""
        self._loading += 1
        self.load_text(text)

    # -- very long lines: no soft wrap while one is in the notes ----------------------------------

    @property
    def longest_line(self) -> int:
        return max(map(len, self.document.lines), default=0)

    def load_text(self, text: str) -> None:
        longest = max(map(len, text.splitlines()), default=0)
        self._wrap_for(longest)  # before the load: wrapping a 1 MB line alone takes seconds
        super().load_text(text)

    def edit(self, edit: Edit) -> EditResult:
        if self.soft_wrap:
            self._wrap_for(_longest_after(self, edit))
        result = super().edit(edit)
        self._wrap_for(self.longest_line)
        return result

    def undo(self) -> None:
        super().undo()
        self._wrap_for(self.longest_line)

    def redo(self) -> None:
        super().redo()
        self._wrap_for(self.longest_line)

    def _wrap_for(self, longest: int) -> None:
        """Soft wrap off while a line is longer than LONG_LINE, on again once none is."""
        if longest > LONG_LINE and self.soft_wrap:
            self._unwrapped = True
            self.soft_wrap = False
            self.notify(WRAP_OFF_MESSAGE.format(length=longest), title="Very long line", timeout=10)
        elif longest <= LONG_LINE and self._unwrapped:
            self._unwrapped = False
            self.soft_wrap = True
            self.notify(WRAP_ON_MESSAGE, timeout=4)

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

    def go_to_section(self, title: str) -> bool:
        """Put the cursor at the end of step TITLE's section if the notes have one (a step
        revisited: no second heading); False when they have none."""
        where = step_section_end(self.text, title)
        if where is None:
            return False
        self.move_cursor(where)
        self.scroll_cursor_visible()
        return True

    def on_resize(self) -> None:
        self.border_subtitle = LEGEND if self.size.width >= len(LEGEND) + 6 else SHORT_LEGEND
        # Re-wrapped to the new width and laid out by the next frame: the line being typed
        # stays in view, whatever moved the pane's edge (the sidebar, the terminal).
        self.call_after_refresh(self.scroll_cursor_visible, animate=False)
