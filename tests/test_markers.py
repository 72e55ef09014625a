"""ICF PCC markers on protocol steps: validated, on the built-ins, shown quietly, never scored."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner
from textual.app import App, ComposeResult
from textual.widgets import Static

from companion.core.markers import PCC_MARKERS, markers_in_order, markers_line
from companion.core.protocols import ProtocolError, ProtocolLibrary, load_protocol_file
from companion.services.practice import begin_session
from companion.store import Store
from companion.store.views import closing_view
from companion.tui.widgets.protocol_pane import ProtocolPane

FILE = """\
id = "walk"
name = "Walking session"
duration_minutes = 30

[[steps]]
id = "agreement"
title = "Session agreement"
minutes = 5
purpose = "Agree what the client wants from today."
prompts = ["What would make this walk worthwhile?"]
capture = "agreement"
MARKERS

[[steps]]
id = "close"
title = "Close"
minutes = 5
purpose = "Close."
prompts = ["What are you taking away?"]
capture = "takeaways"
"""


def _file(tmp_path: Path, markers: str) -> Path:
    path = tmp_path / "walk.toml"
    path.write_text(FILE.replace("MARKERS", markers), encoding="utf-8")
    return path


def test_the_markers_are_the_agreements_and_the_closes() -> None:
    assert list(PCC_MARKERS) == [f"3.{n}" for n in range(1, 5)] + [f"8.{n}" for n in range(1, 10)]
    assert markers_in_order(["8.9", "3.2", "8.10", "3.2"]) == ["3.2", "8.9", "8.10"]
    assert markers_line([]) == ""


def test_a_step_may_name_its_markers(tmp_path: Path) -> None:
    protocol = load_protocol_file(_file(tmp_path, 'markers = ["3.1", "3.2"]'))
    assert protocol.steps[0].markers == ["3.1", "3.2"]
    assert protocol.steps[1].markers == []  # optional


@pytest.mark.parametrize(
    ("markers", "problem"),
    [
        ('markers = ["4.1"]', "'4.1' is not a PCC marker companion knows"),
        ('markers = ["3.5"]', "'3.5' is not a PCC marker"),
        ('markers = ["8.1", "8.1"]', "a marker is named twice"),
        ('markers = "3.1"', "Input should be a valid list"),
        ("markers = [3.1]", "Input should be a valid string"),
    ],
)
def test_bad_marker_ids_name_the_file_the_field_and_the_problem(
    tmp_path: Path, markers: str, problem: str
) -> None:
    path = _file(tmp_path, markers)
    with pytest.raises(ProtocolError) as caught:
        load_protocol_file(path)
    assert str(caught.value).startswith(f"{path}: steps[0].markers")
    assert problem in str(caught.value)


def test_protocols_validate_checks_the_marker_ids(runner: CliRunner, tmp_path: Path) -> None:
    good = run(runner, "protocols", "validate", str(_file(tmp_path, 'markers = ["8.9"]')))
    assert good.exit_code == 0 and "ok" in good.stdout
    line = one_line_error(
        run(runner, "protocols", "validate", str(_file(tmp_path, 'markers = ["9.1"]')))
    )
    assert "steps[0].markers" in line and "'9.1'" in line


def test_the_builtins_are_tagged(protocols: ProtocolLibrary) -> None:
    for protocol in (entry.protocol for entry in protocols):
        for step in protocol.steps:
            if step.capture == "agreement":
                assert "3.1" in step.markers and "3.2" in step.markers, (protocol.id, step.id)
            if step.capture in ("actions", "takeaways"):
                assert step.markers and all(m.startswith("8.") for m in step.markers), (
                    protocol.id,
                    step.id,
                )
        every = protocol.markers_of(step.id for step in protocol.steps)
        assert "3.1" in every and any(m.startswith("8.") for m in every)


def test_protocols_show_lists_each_steps_markers(runner: CliRunner) -> None:
    result = run(runner, "protocols", "show", "grow")
    assert "   PCC markers 3.1 3.2 3.3\n" in result.stdout
    assert "   PCC markers 8.5 8.6 8.7\n" in result.stdout


@pytest.fixture
def gone_through(store: Store, protocols: ProtocolLibrary) -> int:
    """A grow session that went through the agreement, reality and will; never the takeaways."""
    session = begin_session(store, protocols, "Ana Lopez", protocol_id="grow")
    assert session.id is not None
    grow = protocols.get("grow")
    for step_id in ("agreement", "reality", "will"):
        index = grow.step_index(step_id)
        assert index is not None
        store.enter_step(session.id, index, step_id)
    return session.id


def test_show_lists_the_markers_of_the_steps_gone_through(
    runner: CliRunner, gone_through: int
) -> None:
    result = run(runner, "show", str(gone_through))
    assert result.exit_code == 0, result.output
    assert "PCC markers 3.1 3.2 3.3 3.4 8.5 8.6 8.7 (the steps gone through)" in result.stdout
    assert "8.1" not in result.stdout  # the takeaways step was not reached
    assert "score" not in result.stdout.lower().split("pcc markers")[1].splitlines()[0]


def test_the_closing_screen_reads_the_markers_of_the_steps_gone_through(
    store: Store, gone_through: int
) -> None:
    assert closing_view(store, gone_through).markers == [
        "3.1", "3.2", "3.3", "3.4", "8.5", "8.6", "8.7"
    ]  # fmt: skip


def test_the_protocol_pane_shows_a_steps_markers_quietly(protocols: ProtocolLibrary) -> None:
    grow = protocols.get("grow")

    class PaneApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ProtocolPane(grow, 0)

    async def check() -> None:
        app = PaneApp()
        async with app.run_test(size=(60, 40)) as pilot:
            pane = app.query_one(ProtocolPane)
            shown = app.query_one("#step-markers", Static)
            assert shown.display and str(shown.render()) == "PCC markers 3.1 3.2 3.3"
            assert "3.1  Identify or reconfirm" in str(shown.tooltip)
            pane.show_step(grow.step_index("options") or 0)  # a step without markers
            await pilot.pause()
            assert not shown.display

    asyncio.run(check())


def test_the_closing_screen_lists_the_markers_quietly(
    store: Store, protocols: ProtocolLibrary
) -> None:
    from test_closing import ClosingHost, build_closing_practice, settle

    practice = build_closing_practice(store, protocols)
    session_id = practice.session.id
    assert session_id is not None
    store.enter_step(session_id, 0, "agreement")
    store.enter_step(session_id, 6, "takeaways")

    async def check() -> None:
        app = ClosingHost(store, protocols, session_id)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            summary = str(app.screen.query_one("#summary", Static).render())
            assert summary.splitlines()[1] == "PCC markers 3.1 3.2 3.3 8.1 8.2 8.3"

    asyncio.run(check())


def test_the_markdown_lists_them_for_the_coach_not_in_the_clients_copy(
    store: Store, gone_through: int
) -> None:
    from companion.core.session_view import session_markdown
    from companion.store.views import session_view

    record = session_view(store, gone_through).record
    line = "_PCC markers 3.1 3.2 3.3 3.4 8.5 8.6 8.7 (the steps gone through)_"
    assert line in session_markdown(record).splitlines()
    assert "PCC markers" not in session_markdown(record, private=False)
