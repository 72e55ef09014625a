"""The review browser through Pilot: clients -> timeline -> session, search, Escape back."""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from click.testing import CliRunner
from review_practice import TODAY, ReviewPractice, build_review_practice
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Markdown, OptionList

from companion.cli import cli
from companion.cli.browse import review_app
from companion.cli.common import Practice
from companion.core.protocols import ProtocolLibrary
from companion.core.terms import SessionStart
from companion.store import Store
from companion.tui.app import CompanionApp
from companion.tui.dialogs.live_dialogs import GapQuestion, ResumeOffer
from companion.tui.factory import OpenReview, build_app
from companion.tui.screens.review import ReviewScreen
from companion.tui.screens.review_session import SessionScreen
from companion.tui.screens.review_timeline import TimelineScreen
from companion.tui.widgets import review_format as fmt
from companion.tui.widgets.review_commands import screen_commands
from companion.tui.widgets.review_goals import _ScaleBars, score_trail


class RecordingApp(CompanionApp):
    """The real app, recording the live screens asked for: `started`, the sessions started from
    home or a timeline (client, protocol), shown as for real (the live screen offers to resume
    or begins one); `opened`, the unfinished sessions resumed by id, recorded instead of shown."""

    _BASE_PATH = inspect.getfile(CompanionApp)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opened: list[int] = []
        self.started: list[tuple[str, str | None]] = []

    def open_session(self, session_id: int) -> None:
        self.opened.append(session_id)

    def start_or_resume(self, start: SessionStart) -> None:
        self.started.append((start.client_name, start.protocol_id))
        super().start_or_resume(start)


def live_session(app: CompanionApp) -> int:
    """The session the live screen on top shows (once its opening is done)."""
    from companion.tui.screens.live import LiveScreen

    live = app.screen
    assert isinstance(live, LiveScreen) and live.loaded
    return live.session_id


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test in its own event loop (no async plugin is installed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "today", lambda: TODAY)


@pytest.fixture
def practice(store: Store, protocols: ProtocolLibrary) -> ReviewPractice:
    return build_review_practice(store, protocols)


async def settle(pilot: Pilot[Any]) -> None:
    """Let screen switches and the reading workers finish."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of(widget: Label) -> str:
    return str(widget.render())


async def open_timeline(pilot: Pilot[Any], practice: ReviewPractice) -> TimelineScreen:
    await settle(pilot)
    table = pilot.app.screen.query_one("#clients", DataTable)
    assert [table.get_row_at(i)[0].plain for i in range(table.row_count)] == [
        "Ana Lopez",
        "Ben Okafor",
        "Chloé Martin",
    ]
    await pilot.press("enter")  # Ana is the first client
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TimelineScreen)
    assert screen.client_id == practice.ana.id
    return screen


@sync
async def test_clients_to_timeline_to_session_and_back(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(120, 40)) as pilot:
        timeline = await open_timeline(pilot, practice)
        contract = text_of(timeline.query_one("#contract", Label))
        assert "Sponsor: Marc Dubois (Head of HR)" in contract
        assert "session 3 of 6" in contract
        assert "paid · individual" in contract
        assert "Objective: Step into the team-lead role" in contract
        assert "Confidentiality: Content stays" in contract
        sessions = timeline.query_one("#sessions", DataTable)
        rows = [[str(cell) for cell in sessions.get_row_at(i)] for i in range(sessions.row_count)]
        assert [row[0] for row in rows] == ["3", "2", "1"]  # newest first, numbered
        assert rows[1][1:] == ["2026-10-06 10:00", "grow", "58 min", "Preparing Monday's meeting"]
        assert rows[2][3] == "87 min"

        await pilot.press("down", "enter")  # the second row: session 2
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert screen.session_id == practice.sessions[1].id
        title = text_of(screen.query_one("#session-title", Label))
        assert "Ana Lopez · session 2 of 6 · 2026-10-06 10:00–10:58" in title
        assert "58 min of 60 planned" in title

        notes = screen.query_one("#notes", Markdown)
        assert "🔒 private:* seems tired" in notes.source
        assert notes.border_subtitle == "1 private line, for you only"
        quotes = [str(block.content) for block in notes.query("MarkdownBlockQuote *")]
        assert any("seems tired" in text for text in quotes)

        steps = text_of(screen.query_one("#steps", Label))
        assert "Reality" in steps and "15:00/12:00 over 3:00" in steps
        assert "Options             12:00/12:00\n" in steps  # on time: no flag
        actions = text_of(screen.query_one("#actions-set", Label))
        assert "✓ Draft the meeting opening" in actions
        assert "done · due 2026-10-13 · followed up in session 3" in actions
        assert "2026-11-20 · overdue 5 d · followed up in session 3" in actions
        scores = text_of(screen.query_one("#scores", Label))
        assert "6/10  (+2 since last)" in scores
        assert "I know how I want to start" in text_of(screen.query_one("#takeaways", Label))

        await pilot.press("right_square_bracket")  # the later session
        await settle(pilot)
        assert screen.session_id == practice.sessions[2].id
        reviewed = text_of(screen.query_one("#actions-reviewed", Label))
        assert "Draft the meeting opening" in reviewed and "Ask two colleagues" in reviewed
        await pilot.press("right_square_bracket")  # there is no later one: nothing happens
        await settle(pilot)
        assert screen.session_id == practice.sessions[2].id

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")  # started on the review: nothing under it to go back to
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)


@sync
async def test_timeline_shows_goal_progress_and_what_to_bring_next(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = await open_timeline(pilot, practice)
        charts = list(timeline.query(".goal-chart"))
        assert len(charts) == 2
        first_scores = text_of(charts[0].query_one(".goal-scores", Label))
        assert first_scores == "4 → 6 → 7 /10"
        assert list(charts[0].query_one(".goal-sparkline").data) == [4, 6, 7]  # type: ignore[attr-defined]
        last = text_of(timeline.query_one("#last-agreement", Label))
        assert "Delegation without guilt" in last and "Two tasks to hand over" in last
        assert "Next session planned for 2026-12-01" in last
        open_actions = text_of(timeline.query_one("#open-actions", Label))
        assert "Ask two colleagues for feedback" in open_actions
        assert "overdue 5 d" in open_actions
        assert "Draft the meeting opening" not in open_actions  # done

        titles = [title for title, _, _ in screen_commands(timeline)]
        assert {"Back", "Next session", "Search"} <= set(titles)

        sessions_before = len(store.sessions(practice.ana.id))
        await pilot.press("ctrl+p", *"next session")  # the palette offers the screen's keys
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.started == [("Ana Lopez", None)]
        assert len(store.sessions(practice.ana.id)) == sessions_before + 1
        newest = store.sessions(practice.ana.id)[0]
        assert newest.protocol_id == "grow" and live_session(app) == newest.id


@sync
async def test_search_opens_the_session_a_hit_came_from(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"guilt", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        hits = screen.query_one("#hits", OptionList)
        assert hits.display and hits.option_count == 1
        prompt = hits.get_option_at_index(0).prompt
        assert "Ana Lopez · 2026-11-03 · agreement" in str(prompt)
        highlighted = [
            str(prompt)[span.start : span.end]
            for span in prompt.spans  # type: ignore[union-attr]
            if span.style == fmt.HIGHLIGHT_STYLE
        ]
        assert highlighted == ["guilt"]
        assert app.focused is hits
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.session_id == practice.sessions[2].id

        await pilot.press("escape")  # back to the hits, as they were
        await settle(pilot)
        assert app.screen is screen and hits.option_count == 1
        await pilot.press("escape")  # leave the search: the clients again
        await settle(pilot)
        assert screen.query_one("#search", Input).value == ""
        assert screen.query_one("#clients", DataTable).display


@sync
async def test_a_slow_search_ending_late_does_not_replace_the_one_typed_after_it(
    store: Store,
    protocols: ProtocolLibrary,
    practice: ReviewPractice,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The search for "g", begun while "guilt" is typed, ends last (a one-letter prefix is slow
    on a big practice): the hits shown stay those for "guilt"."""
    started, release = threading.Event(), threading.Event()
    search = store.search

    def slow_for_g(query: str, limit: int = 50) -> list[Any]:
        if query == "g":
            started.set()
            release.wait(10)
        return search(query, limit=limit)

    monkeypatch.setattr(store, "search", slow_for_g)
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "g")
        for _ in range(200):  # the search as you type starts after a quiet moment
            if started.is_set():
                break
            await pilot.pause(0.02)
        assert started.is_set()
        await pilot.press(*"uilt", "enter")  # searched at once
        for _ in range(100):
            if app.screen.hits:  # type: ignore[attr-defined]
                break
            await pilot.pause(0.02)
        release.set()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert [hit.session_id for hit in screen.hits] == [practice.sessions[2].id]
        assert screen.query_one("#hits", OptionList).option_count == 1
        assert text_of(screen.query_one("#review-status", Label)).startswith("1 hit for “guilt”")


@sync
async def test_search_takes_any_text_and_says_when_nothing_is_found(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'"half- AND (', "enter")
        await settle(pilot)
        status = text_of(app.screen.query_one("#review-status", Label))
        assert status.startswith("Nothing found for")


@sync
async def test_private_lines_are_found_and_shown_to_the_coach(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"tired", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        # opened from the search: the match is marked (inline code, drawn highlighted)
        assert "seems `tired`" in app.screen.query_one("#notes", Markdown).source


@sync
async def test_review_for_one_client_opens_on_the_timeline(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = review_app(Practice(_store=store, _protocols=protocols), "ben okafor")
    app.opened = []  # type: ignore[attr-defined]
    app.started = []  # type: ignore[attr-defined]
    app.open_session = app.opened.append  # type: ignore[method-assign,attr-defined]
    start = app.start_or_resume

    def record_start(request: SessionStart) -> None:
        app.started.append((request.client_name, request.protocol_id))  # type: ignore[attr-defined]
        start(request)

    app.start_or_resume = record_start  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert app.screen.client_id == practice.ben.id
        contract = text_of(app.screen.query_one("#contract", Label))
        assert "pro bono · group of 4" in contract
        await pilot.press("u")  # his session not finished, straight back in
        assert app.opened == [practice.unfinished.id]  # type: ignore[attr-defined]
        sessions_before = len(store.sessions(practice.ben.id))
        await pilot.press("n")  # a next session: the live screen offers to resume his instead
        await settle(pilot)
        assert isinstance(app.screen, ResumeOffer)
        assert app.started == [("Ben Okafor", None)]  # type: ignore[attr-defined]
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, GapQuestion)  # left days ago
        await pilot.press("n")  # paused meanwhile
        await settle(pilot)
        assert live_session(app) == practice.unfinished.id
        assert len(store.sessions(practice.ben.id)) == sessions_before
        await app.pop_screen()  # back to his timeline
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("n")  # a new one after all
        await settle(pilot)
        assert len(store.sessions(practice.ben.id)) == sessions_before + 1
        assert live_session(app) == store.sessions(practice.ben.id)[0].id
        await app.pop_screen()
        await settle(pilot)
        app.opened.clear()  # type: ignore[attr-defined]
        app.screen.on_screen_resume()  # as when the live screen closes
        await settle(pilot)
        assert app.screen.query_one("#sessions", DataTable).row_count == 2
        await pilot.press("down")  # the older one, not finished
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        title = text_of(app.screen.query_one("#session-title", Label))
        assert "(not finished) · Short check-in · 30 min planned" in title
        await pilot.press("u")
        assert app.opened == [practice.unfinished.id]  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)


# -- the pieces, without a screen ---------------------------------------------------------------


def test_highlighted_snippets_take_text_literally() -> None:
    content = fmt.highlight_snippet("a [b] and [[match]] then [[more]]")
    assert content.plain == "a [b] and match then more"
    marked = [content.plain[s.start : s.end] for s in content.spans]
    assert marked == ["match", "more"]


def test_notes_for_review_mark_every_private_line() -> None:
    notes = "Calm start\n// seems tired\n- [ ] // call HR first\n```\n// code\n```\nlast\n"
    shown = fmt.notes_for_review(notes)
    assert "> *🔒 private:* seems tired" in shown
    assert "- [ ] *🔒 private:* call HR first" in shown
    assert "// code   (🔒 private)" in shown
    assert "Calm start  \n" in shown  # one typed line, one shown line
    assert "http://example.org" in fmt.notes_for_review("see http://example.org\n")


def test_score_bars_stand_on_the_zero_to_ten_scale() -> None:
    from textual.color import Color

    def draw(scores: list[int]) -> list[str]:
        bars = _ScaleBars(scores, width=4, height=1, low=Color(0, 0, 0), high=Color(9, 9, 9))
        console = Console(width=4, record=True, file=None, force_terminal=False)
        with console.capture() as capture:
            console.print(bars, end="")
        return capture.get().splitlines()

    assert draw([7, 8]) == ["▅ ▆ "]  # close scores look close, not empty and full
    assert draw([0, 10]) == ["▁ █ "]
    assert score_trail([]) == "not scored yet"
    assert score_trail(list(range(10))) == "… → 5 → 6 → 7 → 8 → 9 /10"


def test_review_needs_a_terminal(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["review"])
    assert result.exit_code == 2
    assert "needs a terminal" in result.output


def test_companion_alone_without_a_terminal_prints_the_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, [])
    assert result.exit_code == 0
    assert "Usage:" in result.output and "review" in result.output


@pytest.mark.parametrize("what", ["timeline", "session"])
@sync
async def test_n_pressed_before_the_screen_is_read_still_starts_the_session(
    store: Store,
    protocols: ProtocolLibrary,
    practice: ReviewPractice,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
) -> None:
    """A quick coach (or a slow disk): the key is kept and acted on once the screen shows."""
    import threading

    from companion.tui.screens import review_session, review_timeline

    review = review_timeline if what == "timeline" else review_session  # where it is read
    read = threading.Event()
    real_load = getattr(review, f"{what}_view")

    def held_load(*args: Any) -> Any:
        assert read.wait(10), f"the test never let the {what} be read"
        return real_load(*args)

    monkeypatch.setattr(review, f"{what}_view", held_load)
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if what == "timeline":
            app.push_screen(TimelineScreen(practice.chloe.id))
        else:
            assert practice.sessions[-1].id is not None
            app.push_screen(SessionScreen(practice.sessions[-1].id))
        await pilot.pause()
        await pilot.press("n")  # still being read
        assert app.started == []
        read.set()
        await settle(pilot)
        client = practice.chloe if what == "timeline" else practice.ana
        assert app.started == [(client.name, None)]
