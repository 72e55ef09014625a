"""Every binding companion defines, by id: what a coach's keymap (config.toml) may name.

It imports every screen, dialog and widget module, so that the ids of those not shown yet are
known too; that is why it sits above them (the app reads it) and apart from tui/keys.py, which
the screens use to list their keys.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.binding import Binding


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
