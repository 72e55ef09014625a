"""The clock and the step time change every second: laid out again only when their shape does."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Static

from companion.tui.widgets.steady_text import update_steady


class Shown(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("", id="clock")


def test_the_same_shape_repaints_a_new_shape_lays_out() -> None:
    async def run() -> None:
        app = Shown()
        async with app.run_test(size=(60, 5)) as pilot:
            clock = app.query_one("#clock", Static)
            layouts: list[bool] = []
            update = clock.update
            clock.update = lambda text, layout=True: (
                layouts.append(layout),
                update(text, layout=layout),
            )[1]  # type: ignore[method-assign]
            update_steady(clock, "12:03 elapsed · 47:57 left of 60 min")
            update_steady(clock, "12:04 elapsed · 47:56 left of 60 min")  # same widths
            update_steady(clock, "9:59 elapsed · 50:01 left of 60 min")  # one word narrower
            update_steady(clock, "wrap up soon · 9:58 elapsed")  # other words
            await pilot.pause()
            assert layouts == [True, False, True, True]
            assert str(clock.content) == "wrap up soon · 9:58 elapsed"
            assert "9:58 elapsed" in str(clock.render())

    asyncio.run(run())
