"""The notes' wrapped document counts its rows as WrappedDocument sums them, through edits."""

from __future__ import annotations

import random

from test_review import sync
from textual.app import App, ComposeResult
from textual.document._wrapped_document import WrappedDocument

from companion.tui.widgets.inputs import CountedRows, ExactTextArea


def summed(wrapped: WrappedDocument) -> int:
    """Textual's own count (WrappedDocument.height): every line's sections."""
    return WrappedDocument.height.fget(wrapped)  # type: ignore[attr-defined,no-any-return]


class Notes(App[None]):
    def compose(self) -> ComposeResult:
        yield ExactTextArea("", soft_wrap=True)


@sync
async def test_rows_are_counted_as_textual_sums_them_through_every_kind_of_edit() -> None:
    rng = random.Random(5)
    words = ["a", "coach", "listens", "to", "what", "is", "not", "said", "", "\n", "\t"]
    app = Notes()
    async with app.run_test(size=(40, 12)) as pilot:
        area = app.query_one(ExactTextArea)
        area.load_text("\n".join(" ".join(rng.choices(words, k=30)) for _ in range(50)))
        await pilot.pause()
        assert isinstance(area.wrapped_document, CountedRows)
        assert area.wrapped_document.height == summed(area.wrapped_document) > 50
        for _ in range(60):
            lines = area.document.line_count
            start = (rng.randrange(lines), 0)
            end = (rng.randrange(start[0], lines), 0)
            text = " ".join(rng.choices(words, k=rng.randrange(0, 40)))
            area.replace(text, start, end)
            if rng.random() < 0.15:
                await pilot.resize_terminal(rng.randrange(20, 80), 12)  # rewrapped whole
            await pilot.pause()
            assert area.wrapped_document.height == summed(area.wrapped_document)
        area.load_text("")  # a new document: counted too
        await pilot.pause()
        assert isinstance(area.wrapped_document, CountedRows)
        assert area.wrapped_document.height == summed(area.wrapped_document) == 1
