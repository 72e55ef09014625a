"""`companion start` paints before it pays for pydantic, sqlite-utils or the database."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

HEAVY = (
    "pydantic",
    "sqlite_utils",
    "companion.core.models",
    "companion.store",
    "companion.core.protocols",
)


def loaded_after(code: str) -> list[str]:
    """The heavy modules in sys.modules after running CODE in a fresh interpreter."""
    script = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import sys
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return eval(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_what_the_first_paint_needs_imports_nothing_heavy() -> None:
    code = """
        import companion.cli
        import companion.cli.live
        import companion.tui.app
        import companion.tui.factory
        import companion.tui.screens.live
        import companion.tui.widgets.clock
        import companion.tui.widgets.notes_pane
        import companion.tui.widgets.protocol_pane
        import companion.tui.widgets.sidebar
        from companion.core.terms import SessionStart
        from companion.tui.factory import StartSession, build_app
        from companion.tui.screens.live import LiveScreen
        LiveScreen(start=SessionStart("Ana"))
        """
    assert loaded_after(code) == []


def test_home_and_review_paint_before_the_heavy_modules() -> None:
    """Home's and the review's screens import neither pydantic nor the store: their first read
    (a worker thread, after the first paint) does, and a client's timeline when opened."""
    code = """
        import companion.cli.browse
        import companion.tui.screens.home
        import companion.tui.screens.review
        from companion.tui.screens.review import ReviewScreen
        ReviewScreen(client_name="Ana")
        """
    assert loaded_after(code) == []


def test_the_first_frame_is_painted_before_the_store_is_asked_for() -> None:
    code = """
        import asyncio
        from companion.core.terms import SessionStart
        from companion.tui.factory import StartSession, build_app
        from companion.tui.screens import live

        painted = []

        def first_frame_out(self):  # where the screen would start opening the practice
            painted.append(str(self.query_one("#session-title").content))
            self.app.exit()

        def not_yet():
            raise AssertionError("the store was opened before the first frame")

        live.LiveScreen._open = first_frame_out

        async def main():
            app = build_app(StartSession(SessionStart("Ana")), not_yet, not_yet)
            async with app.run_test(size=(100, 30)) as pilot:
                for _ in range(20):
                    await pilot.pause()

        asyncio.run(main())
        assert painted == ["Ana"], painted
        """
    assert loaded_after(code) == []


@pytest.mark.parametrize("protocol", ["grow", "nope"])
def test_start_checks_the_protocol_without_pydantic(protocol: str) -> None:
    code = f"""
        from companion.cli import cli
        try:
            cli(["start", "--client", "Pat", "--protocol", {protocol!r}], standalone_mode=False)
        except BaseException as error:
            print(type(error).__name__, error)
        """
    # grow is known: refused only for want of a terminal; nope: unknown. Neither loads pydantic.
    assert loaded_after(code) == []
