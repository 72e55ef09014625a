"""Keys read from the bindings themselves: the F1 list, with the coach's keymap applied.

Every binding carries an `id=` (the keymap's name for it, "live.agreement") and a tooltip (what
it does, in a sentence). The Footer, the command palette (widgets/review_commands) and F1 all
read the bindings, so a key rebound in config.toml shows as rebound everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def keys_binding(screen: str) -> Binding:
    """F1 in SCREEN's footer (it works on every screen: the app's binding; shown where the
    footer has room), its id SCREEN.keys for the keymap."""
    return Binding(
        "f1", "app.show_keys", "Keys", tooltip="Every key of this screen", id=f"{screen}.keys"
    )
