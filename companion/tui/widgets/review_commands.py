"""Every key of a screen also in the command palette, so nothing is reachable by key alone."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen


def screen_commands(screen: Screen[object]) -> Iterator[tuple[str, str, str]]:
    """(title, help, action) for each described key of the screen that is usable right now."""
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if active.node is not screen or not active.enabled or not binding.description:
            continue
        if binding.action in seen:
            continue
        seen.add(binding.action)
        shown_key = screen.app.get_key_display(binding) if binding.key_display is None else key
        help_text = binding.tooltip or f"key: {binding.key_display or shown_key}"
        yield binding.description, help_text, binding.action


class ScreenCommands(Provider):
    """Offers the calling screen's own key bindings as palette commands."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return list(screen_commands(self.screen))

    async def discover(self) -> Hits:
        for title, help_text, action in self._commands():
            yield DiscoveryHit(title, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.screen.run_action, action),
                    help=help_text,
                )
