"""Keys read from the bindings themselves: the F1 list, the coach's keymap, the ids it may name.

Every binding carries an `id=` (the keymap's name for it, "live.agreement") and a tooltip (what
it does, in a sentence). The Footer, the command palette (widgets/review_commands) and F1 all
read the bindings, so a key rebound in config.toml shows as rebound everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from textual.app import App


def key_rows(
    app: App[object], bindings: Iterable[BindingType], keymap: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(keys as shown, what the key does) for each described binding, KEYMAP applied."""
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        rebound = keymap.get(binding.id) if binding.id else None
        if rebound is None and binding.key_display:
            shown = binding.key_display
        else:
            keys = (rebound or binding.key).split(",")
            shown = " / ".join(app.get_key_display(Binding(key.strip(), "")) for key in keys)
        what = binding.description
        if binding.tooltip:
            what += f": {binding.tooltip[0].lower()}{binding.tooltip[1:]}"
        rows.append((shown, what))
    return rows


def _classes_with_bindings() -> Iterator[type]:
    # Every screen and widget module, so the ids of screens not shown yet are known too.
    from textual.dom import DOMNode

    import companion.tui.dialogs.forms
    import companion.tui.dialogs.live_dialogs
    import companion.tui.dialogs.new_client
    import companion.tui.dialogs.session_time_form
    import companion.tui.screens.closing
    import companion.tui.screens.home
    import companion.tui.screens.live
    import companion.tui.screens.recap_preview
    import companion.tui.screens.review
    import companion.tui.screens.session_closed
    import companion.tui.screens.session_editor
    import companion.tui.widgets.keys_help
    import companion.tui.widgets.sidebar  # noqa: F401

    pending: list[type] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("companion.") and "BINDINGS" in vars(cls):
            yield cls


def bindings_by_id() -> dict[str, Binding]:
    """Every binding companion defines, by id: what a keymap may name."""
    found: dict[str, Binding] = {}
    for cls in _classes_with_bindings():
        for binding in vars(cls)["BINDINGS"]:
            if isinstance(binding, Binding) and binding.id:
                found[binding.id] = binding
    return found
