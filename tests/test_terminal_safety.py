"""Nothing stored can drive the terminal: control characters and rich markup print as text."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from companion.cli import cli
from companion.core.models import Action, Agreement, Client, Engagement, Goal
from companion.core.text import shown
from companion.services.practice import begin_session
from companion.tui.factory import ResumeSession, build_app

CLEAR = "\x1b[2J"
CLIPBOARD = "\x1b]52;c;SGVsbG8=\x07"  # OSC 52: set the terminal's clipboard
CSI8 = "\x9b31m"  # the one-byte CSI (C1)
MARKUP = "[bold red]loud[/] [link=https://evil.example]click"
HOSTILE = f"x{CLEAR}y{CLIPBOARD}z{CSI8}\x7f"
RAW = ("\x1b", "\x07", "\x9b", "\x7f", "\r", "\x00")


def run(runner: CliRunner, *args: str):
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def assert_safe(output: str) -> None:
    for char in RAW:
        assert char not in output, f"{char!r} reached the terminal: {output!r}"


# -- the helper ----------------------------------------------------------------------------------


def test_shown_replaces_controls_with_pictures() -> None:
    assert shown(CLEAR) == "␛[2J"
    assert shown(CLIPBOARD) == "␛]52;c;SGVsbG8=␇"
    assert shown("\x9b2J") == "␛[2J"  # a C1 control is shown as the ESC pair it stands for
    assert shown("a\x7fb\x00c") == "a␡b␀c"
    assert shown("one\rtwo") == "one␍two"


def test_shown_single_line_and_multiline() -> None:
    assert shown("a\tb\nc") == "a b␊c"
    assert shown("a\tb\r\nc\rd", multiline=True) == "a\tb\nc␍d"


def test_shown_keeps_ordinary_text_exactly() -> None:
    text = "Zoë O'Brien — 5/10 · [[match]] [bold] ✓ 你好 \u202e"
    assert shown(text) == text
    assert shown(text + "\n", multiline=True) == text + "\n"


# -- the commands ----------------------------------------------------------------------------------


@pytest.fixture
def hostile(store, protocols):
    """A client whose every stored text holds terminal escapes and rich markup."""
    client = store.add_client(Client(name=f"Eve {MARKUP} {HOSTILE}", contact=f"eve{CLIPBOARD}@x"))
    engagement = store.add_engagement(
        Engagement(
            client_id=client.id,
            sponsor_name=f"Sponsor{CLEAR}",
            confidentiality=f"Conf{CLIPBOARD}",
            start_date=date(2026, 9, 1),
        )
    )
    goal = store.add_goal(
        Goal(
            client_id=client.id,
            engagement_id=engagement.id,
            specific=f"Goal {MARKUP}{CLEAR}",
            measurable=f"measure{CLIPBOARD}",
        )
    )
    session = begin_session(store, protocols, client.name, protocol_id="grow")
    session = store.save_session(
        session.model_copy(update={"agreement": Agreement(topic=f"topic one\rTOPIC{HOSTILE}")})
    )
    store.save_notes(session.id, f"## Goal\nnote {CLEAR} with {CLIPBOARD}\n// {HOSTILE}\n")
    store.add_action(
        Action(client_id=client.id, session_id=session.id, text=f"act {HOSTILE}", goal_id=goal.id)
    )
    store.set_goal_score(goal.id, session.id, 5)
    finished = store.finish_session(session.id, takeaways=[f"take {CLIPBOARD}{MARKUP}"])
    return client, finished


@pytest.mark.parametrize(
    "args",
    [
        ("sessions",),
        ("clients", "list"),
        ("show", "1"),
        ("show", "1", "--markdown"),
        ("actions",),
        ("goals",),
        ("log",),
        ("search", "note"),
        ("search", "act"),
    ],
)
def test_commands_print_no_control_characters(runner: CliRunner, hostile, args) -> None:
    _, session = hostile
    args = tuple(str(session.id) if a == "1" else a for a in args)
    out = run(runner, *args).stdout
    if args == ("show", str(session.id), "--markdown"):
        # Not a terminal here: the Markdown goes out exactly, as to a file.
        assert CLIPBOARD in out
        return
    assert_safe(out)
    assert "␛[2J" in out or "␛]52" in out or "␛[31m" in out, out


def test_rich_markup_in_stored_text_prints_as_written(runner: CliRunner, hostile) -> None:
    _, session = hostile
    for args in (("show", str(session.id)), ("goals",), ("actions",)):
        out = run(runner, *args).stdout
        assert "[bold red]" in out, (args, out)  # the markup is text, not a style
        if args[0] != "actions":  # (a narrow table cuts the name short there)
            assert "[link=https://evil.example]" in out  # text, not a hyperlink


def test_sessions_table_stays_one_line_per_session(
    runner: CliRunner, hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # wide enough: only a stored line break could fold it
    out = run(runner, "sessions").stdout
    assert len(out.splitlines()) == 2  # the header and the one session
    assert "TOPIC" in out and "topic one" in out


def test_terminal_output_of_markdown_and_recap_is_escaped(
    runner: CliRunner, hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, session = hostile
    monkeypatch.setattr("companion.cli.sessions._to_terminal", lambda: True)
    for args in (("show", str(session.id), "--markdown"), ("recap", str(session.id))):
        out = run(runner, *args).stdout
        assert_safe(out)
        assert "␛]52;c;" in out


def test_recap_and_json_to_a_pipe_are_exact(runner: CliRunner, store, hostile) -> None:
    from companion.core.recap import build_recap
    from companion.store.records import load_session_record

    _, session = hostile
    store_record = load_session_record(store, session.id)
    assert run(runner, "recap", str(session.id)).stdout == build_recap(store_record)
    data = json.loads(run(runner, "show", str(session.id), "--json").stdout)
    assert CLEAR in data["notes"]["text"]


# -- the screens ---------------------------------------------------------------------------------


def test_the_live_screen_sends_no_control_characters(store, protocols) -> None:
    """Textual would pass them on (measured: ESC, C1 and DEL reached the rendered lines)."""
    import asyncio

    from companion.tui.screens.live import LiveScreen

    note = f"before {CLEAR} mid {CLIPBOARD} after {CSI8} and \x7f end\n"
    session = begin_session(store, protocols, f"Ana {CLEAR} Lopez", protocol_id="grow")
    store.save_session(
        session.model_copy(update={"agreement": Agreement(topic=f"Top{CLIPBOARD}ic")})
    )
    store.save_notes(session.id, note)

    async def rendered() -> tuple[str, str]:
        app = build_app(ResumeSession(session.id), store, protocols)
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(100):
                await pilot.pause()
                if isinstance(app.screen, LiveScreen) and app.screen.loaded:
                    break
            await pilot.pause()
            strips = app.screen._compositor.render_strips()
            screen_text = "\n".join("".join(seg.text for seg in strip) for strip in strips)
            return screen_text, app.screen.notes.text

    screen_text, notes_text = asyncio.run(rendered())
    assert_safe(screen_text)
    assert "before [2J mid" in screen_text  # the rest, as typed: the escapes are inert
    assert "Ana [2J Lopez" in screen_text
    assert note in notes_text  # the notes themselves are kept exactly


def test_json_output_escapes_del_and_c1_controls() -> None:
    import click
    from click.testing import CliRunner

    from companion.cli.common import echo_json

    @click.command()
    def emit() -> None:
        echo_json({"name": "Zoë \x7f\x9b2J"})

    out = CliRunner().invoke(emit).output
    assert "\x7f" not in out and "\x9b" not in out
    assert json.loads(out) == {"name": "Zoë \x7f\x9b2J"}  # the same text, read back
