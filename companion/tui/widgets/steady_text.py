"""Text that changes every second without laying the screen out again each time."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Static


def update_steady(widget: Static, text: str) -> None:
    """Show TEXT in WIDGET, laid out again only when the text's shape changes.

    Static.update lays the whole screen out again, for the new text may need another size. The
    live screen's clock and step time change every second, and a key typed while the screen is
    laid out waits for it. Text whose words have the same widths wraps the same way, so it keeps
    the widget's size: "12:04 elapsed" after "12:03 elapsed" only repaints the widget.
    """
    old = widget.content
    steady = isinstance(old, str) and _shape(old) == _shape(text)
    widget.update(text, layout=not steady)


def _shape(text: str) -> list[int]:
    return [cell_len(word) for word in text.split(" ")]
