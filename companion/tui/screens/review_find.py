"""A session opened from a search hit: scrolled to the match, each match highlighted, n / N to
go from one to the next. Mixed into the session screen; kept out of review.py."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from textual.binding import Binding

from companion.core.text import query_words, word_matches

if TYPE_CHECKING:
    from textual.widget import Widget

_FENCE = re.compile(r"^\s*(```|~~~)")


def find_bindings() -> list[Binding]:
    """n / N move between matches; listed first, they win over n (next session) while a search
    is shown, and give it back once there is none."""
    return [
        Binding(
            "n",
            "next_match",
            "Next match",
            tooltip="Go to the next place the search found in this session",
            id="session.next-match",
        ),
        Binding(
            "N",
            "previous_match",
            "Previous match",
            key_display="N",
            tooltip="Go back to the previous place the search found",
            id="session.previous-match",
        ),
    ]


def highlighted(markdown: str, words: list[str]) -> tuple[str, list[int]]:
    """MARKDOWN with each word the search found marked as inline code (drawn highlighted), and
    the numbers of the lines that hold one. Code blocks and lines with backticks stay as they
    are (a mark there would change their meaning), though they still count as places."""
    out: list[str] = []
    found: list[int] = []
    in_fence = False
    for number, line in enumerate(markdown.splitlines()):
        if _FENCE.match(line):
            in_fence = not in_fence
        spans = word_matches(line, words)
        if spans:
            found.append(number)
        if not spans or in_fence or "`" in line:
            out.append(line)
            continue
        for start, end in reversed(spans):
            line = f"{line[:start]}`{line[start:end]}`{line[end:]}"
        out.append(line)
    return "\n".join(out) + ("\n" if markdown.endswith("\n") else ""), found


class FindInSession:
    """What the session screen does with the search it was opened from."""

    find: str = ""
    """The search that opened the session ('' when it was opened otherwise)."""
    places: list[Widget]
    """The boxes and note blocks where the search found something, top to bottom."""
    place: int = -1

    if TYPE_CHECKING:

        def query_one(self, selector: str) -> Widget: ...
        def refresh_bindings(self) -> None: ...

    @property
    def find_words(self) -> list[str]:
        return query_words(self.find)

    def collect_places(self, boxes: list[Widget], notes: Widget, lines: list[int]) -> None:
        """Where the matches are: the note blocks holding the matching LINES, then the other
        BOXES whose text holds one; the first is shown."""
        from textual.widgets._markdown import MarkdownBlock

        places: list[Widget] = []
        for block in notes.query(MarkdownBlock):
            if block.parent is not notes:
                continue
            start, end = block.source_range
            if any(start <= line < end for line in lines):
                places.append(block)
        words = self.find_words
        for box in boxes:
            text = str(box.render())
            if any(word_matches(line, words) for line in text.splitlines()):
                places.append(box)
        self.places = places
        self.place = -1
        if places:
            self.go_to_place(0)
        self.refresh_bindings()

    def go_to_place(self, index: int) -> None:
        if not self.places:
            return
        for widget in self.places:
            widget.remove_class("-current-match")
        self.place = index % len(self.places)
        widget = self.places[self.place]
        widget.add_class("-current-match")
        scroller = self.query_one("#session")
        scroller.scroll_to_widget(widget, animate=False, top=True)  # type: ignore[attr-defined]

    def action_next_match(self) -> None:
        self.go_to_place(self.place + 1)

    def action_previous_match(self) -> None:
        self.go_to_place(self.place - 1)
