"""The live screen in the command palette: its keys (read from its bindings), what the follow-up
list's keys do to the highlighted earlier action, and 'Step N: title' for each step."""

from __future__ import annotations

from functools import partial

from companion.tui.screens.live_record import LiveRecording
from companion.tui.screens.live_steps import LiveSteps
from companion.tui.widgets.review_commands import Command, ScreenCommands, widget_commands


class LiveCommands(ScreenCommands):
    """The palette of the live screen, once its session is loaded."""

    def commands(self) -> list[Command]:
        screen = self.screen
        # The parts it uses, not LiveScreen itself: live.py imports this module.
        assert isinstance(screen, LiveRecording) and isinstance(screen, LiveSteps)
        if not screen.loaded:
            return []
        found = super().commands()
        if screen.review_list.highlighted_option is not None:
            found += [
                (f"{title} (earlier action)", help_text, run)
                for title, help_text, run in widget_commands(screen.review_list)
            ]
        found.append(
            (
                "Engagement contract: sponsor, sessions planned, confidentiality",
                "Edit the coaching contract (f9)",
                screen.action_edit_contract,
            )
        )
        for index, step in enumerate(screen.protocol.steps):
            found.append(
                (f"Step {index + 1}: {step.title}", step.purpose, partial(screen.go_to, index))
            )
        return found

    def discoverable(self, title: str) -> bool:
        return not title.startswith("Step ")  # the steps come up when searched for
