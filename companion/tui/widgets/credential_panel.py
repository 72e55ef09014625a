"""The review's credential panel: progress toward ACC, PCC and MCC, read off the main thread.

The figures of `companion credential` (companion.core.credential), in short; hidden until
the coach asks (`c` on the review's client list), so the list keeps its room at 80x24.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static

from companion.core import terms

if TYPE_CHECKING:
    from companion.store import Store


class CredentialPanel(Static):
    """Credential progress in a few lines; `load(store)` reads it in a worker and shows it."""

    def __init__(self, **kwargs: str) -> None:
        super().__init__("", **kwargs)
        self.border_title = "ICF credential"
        self.lines: list[str] = []

    @work(thread=True, exclusive=True, group="credential")
    def load(self, store: Store) -> None:
        """Read the practice and the settings (a wrong setting is said in the panel)."""
        from companion.core.credential import credential_progress, short_lines
        from companion.services.config import ConfigError, load_config
        from companion.store.credential import counted_sessions

        try:
            training_started = load_config(sections=frozenset({"credential"})).training_started
        except ConfigError as error:
            self.app.call_from_thread(self.show_lines, [str(error)], "")
            return
        found = credential_progress(
            counted_sessions(store), today=terms.today(), training_started=training_started
        )
        since = (
            f"since {training_started}"
            if training_started
            else "all sessions: set credential.training_started"
        )
        self.app.call_from_thread(self.show_lines, short_lines(found), since, found.source)

    def show_lines(self, lines: list[str], since: str, source: str = "") -> None:
        self.lines = lines
        self.border_subtitle = since
        self.tooltip = (
            f"Requirements: {source}. `companion credential` says more." if source else None
        )
        self.update(Content("\n".join(lines)))
