"""The real `companion` in a pseudo-terminal, read as a coach reads it: a whole session, end to end.

Pilot tests drive the app inside pytest's own event loop; these run the installed console script
in a terminal of a real size (80x24, 120x40), type into it, read the emulated screen, and then
check what the practice database holds. They caught what Pilot did not: a crash at the close of a
`companion start` session. Keys arrive as a terminal sends them; a "burst" is several keys in ONE
write, as a paste or a slow SSH link delivers them.
"""

from __future__ import annotations

import re
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pty_app import RealApp, key_bytes, run_companion

from companion.core.models import Action, Session
from companion.store import Store
from companion.tui.dialogs import question

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

ANSWER_PAUSE = question.PAUSE_SECONDS
"""The real command's (read before conftest sets it to 0 for the in-process tests)."""
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
CLIENT = "Ana Lopez"
COPIED = re.compile(r"OSC 52|saved the recap to|saved it to|[Cc]opied")
"""The recap screen's line saying how the recap went out (no display here: OSC 52 and a file)."""

NOTES = "Ana opens with the move to Lisbon\r- [ ] Send the agenda\r// private hunch\r"
NOTE_LINES = ["Ana opens with the move to Lisbon", "- [ ] Send the agenda", "// private hunch"]


# -- helpers --------------------------------------------------------------------------------------


@contextmanager
def stored(db: Path) -> Iterator[Store]:
    store = Store.open(db)
    try:
        yield store
    finally:
        store.close()


def only_session(db: Path) -> tuple[Session, str, list[Action]]:
    """The practice's one session, its notes and its actions."""
    with stored(db) as store:
        sessions = store.sessions()
        assert len(sessions) == 1, sessions
        session = sessions[0]
        assert session.id is not None
        return session, store.get_notes(session.id).text, store.actions(session_id=session.id)


def start(tmp: Path, size: tuple[int, int], *extra: str) -> RealApp:
    cols, rows = size
    return RealApp(["start", "--client", CLIENT, *extra], tmp, cols=cols, rows=rows)


def open_live(app: RealApp) -> None:
    """Wait for the live screen, its session open (the clock running), the notes taking keys."""
    app.wait_for("Step 1 of")
    app.wait_for("elapsed")


def type_notes(app: RealApp, text: str = NOTES) -> None:
    app.write(text)
    app.wait_for(text.rstrip("\r").split("\r")[-1])


def close_to_recap(app: RealApp, takeaway: str | None = None) -> None:
    """F10, (a takeaway), ctrl+s: the recap screen, saying how it copied the recap; q quits, 0."""
    app.press("f10")
    app.wait_for("Close session")
    app.wait_for(" planned ")  # the summary: the screen has read the session (ctrl+s acts now)
    if takeaway is not None:
        app.write(takeaway)  # the takeaways have the focus first
        app.wait_for(takeaway)
    app.press("ctrl+s")
    app.wait_for("Recap for the client")
    app.wait_for(COPIED)
    app.press("q")
    assert app.wait_exit() == 0, app.screen_text()


def no_traceback(app: RealApp) -> None:
    assert b"Traceback" not in app.all_output, app.all_output[-3000:].decode("utf-8", "replace")


# -- the whole loop -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_a_whole_session_from_start_to_recap(tmp_path: Path, size: tuple[int, int]) -> None:
    with start(tmp_path, size, "--protocol", "grow") as app:
        open_live(app)
        type_notes(app)
        app.press("ctrl+n")
        app.wait_for("Step 2 of")
        app.press("f2")
        app.wait_for("Measure of success")
        app.write("Moving to Lisbon")
        app.wait_for("Moving to Lisbon")
        app.press("enter")
        app.write("A decision")
        app.wait_for("A decision")
        app.press("ctrl+s")
        app.wait_gone("Measure of success")
        close_to_recap(app, takeaway="I can choose my pace")
        copied = app.screen_flat()
    no_traceback(app)

    session, notes, actions = only_session(app.db)
    assert session.is_finished
    for line in NOTE_LINES:
        assert line in notes
    assert session.agreement.topic == "Moving to Lisbon"
    assert session.agreement.desired_outcome == "A decision"
    assert [a.text for a in actions] == ["Send the agenda"]
    recaps = list((tmp_path / ".local" / "share" / "companion" / "recaps").glob("*.md"))
    assert len(recaps) == 1, copied
    assert "OSC 52" in copied

    recap = run_companion(["recap", str(session.id)], tmp_path)
    assert recap.returncode == 0, recap.stderr
    assert "Moving to Lisbon" in recap.stdout
    assert "Send the agenda" in recap.stdout
    assert "I can choose my pace" in recap.stdout
    assert "private hunch" not in recap.stdout
    assert "private hunch" not in recaps[0].read_text()


@pytest.mark.parametrize("size", SIZES)
def test_resume_a_session_left_unfinished(tmp_path: Path, size: tuple[int, int]) -> None:
    with start(tmp_path, size) as app:
        open_live(app)
        type_notes(app, "before the break\r")
        app.press("ctrl+q")
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)

    with start(tmp_path, size) as app:
        app.wait_for("not finished")
        app.wait_for("r  Resume it")
        app.press("r")
        app.wait_for("before the break")
        app.wait_for("elapsed")
        type_notes(app, "after the break\r")
        close_to_recap(app)
    no_traceback(app)

    session, notes, _ = only_session(app.db)
    assert session.is_finished
    assert "before the break" in notes and "after the break" in notes


def test_keys_typed_before_the_first_frame_are_kept(tmp_path: Path) -> None:
    """Typed the moment the command is entered, before Python has started: the terminal holds
    them (its line mode turns each Enter into a LF); the live screen gets every one, in order,
    the Enters as Enters."""
    with start(tmp_path, (80, 24), "--protocol", "grow") as app:
        app.write("typed before the first frame\r- [ ] second line")  # at once, no wait
        app.wait_for("- [ ] second line")
        app.wait_for("elapsed")
        app.press("ctrl+q")
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)
    _, notes, _ = only_session(app.db)
    assert "typed before the first frame\n- [ ] second line" in notes


def test_a_name_and_enter_typed_before_home_shows_ask_about_the_new_client(
    tmp_path: Path,
) -> None:
    with RealApp([], tmp_path) as app:
        app.write(f"{CLIENT}\r")  # the Enter before the screen is up: the new-client question
        app.wait_for(f"No client is called {CLIENT} yet")
        app.press("escape")
        app.wait_for("Start a session")
        app.press("ctrl+q")
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)


def test_words_typed_over_the_resume_offer_are_kept_and_answer_nothing(tmp_path: Path) -> None:
    """The offer up, a burst of words whose first letter is an answer key ("now she says"):
    no new session; the words go into the notes of the session resumed after a pause."""
    with start(tmp_path, (80, 24)) as app:
        open_live(app)
        type_notes(app, "before the break\r")
        app.press("ctrl+q")
        assert app.wait_exit() == 0, app.screen_text()

    with start(tmp_path, (80, 24)) as app:
        app.wait_for("r  Resume it")
        app.write("now she says X")  # one burst, as a paste or an SSH link delivers it
        app.wait_for("Kept for the notes: now she says X")
        time.sleep(ANSWER_PAUSE + 0.2)  # the real command's pause before an answer
        app.press("r")
        app.wait_for("elapsed")
        app.wait_for("now she says X")
        close_to_recap(app)
    no_traceback(app)

    session, notes, _ = only_session(app.db)  # one session: the n started none
    assert session.is_finished
    assert "before the break" in notes and "now she says X" in notes


@pytest.mark.parametrize("size", SIZES)
def test_a_session_from_the_home_screen(tmp_path: Path, size: tuple[int, int]) -> None:
    added = run_companion(["clients", "add", CLIENT], tmp_path)
    assert added.returncode == 0, added.stderr
    cols, rows = size
    with RealApp([], tmp_path, cols=cols, rows=rows) as app:
        app.wait_for("Start a session")
        app.wait_for(CLIENT)
        app.press("down", "s")  # from the name box (focused on launch) to the list
        open_live(app)
        type_notes(app, "started from home\r")
        close_to_recap(app)
    no_traceback(app)

    session, notes, _ = only_session(app.db)
    assert session.is_finished
    assert "started from home" in notes


@pytest.mark.parametrize("size", SIZES)
def test_the_next_session_from_the_review(tmp_path: Path, size: tuple[int, int]) -> None:
    added = run_companion(["clients", "add", CLIENT], tmp_path)
    assert added.returncode == 0, added.stderr
    cols, rows = size
    with RealApp(["review"], tmp_path, cols=cols, rows=rows) as app:
        app.wait_for(CLIENT)
        app.press("o")  # open the chosen client: the timeline
        app.wait_for("Next session")
        app.press("n")
        open_live(app)
        type_notes(app, "started from the review\r")
        close_to_recap(app)
    no_traceback(app)

    session, notes, _ = only_session(app.db)
    assert session.is_finished
    assert "started from the review" in notes


@pytest.mark.parametrize("size", SIZES)
def test_quit_during_a_session_keeps_the_notes(tmp_path: Path, size: tuple[int, int]) -> None:
    with start(tmp_path, size) as app:
        open_live(app)
        type_notes(app)
        app.press("ctrl+q")
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)

    session, notes, _ = only_session(app.db)
    assert not session.is_finished
    for line in NOTE_LINES:
        assert line in notes


# -- signals --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_keeps_every_word_and_the_step(tmp_path: Path, sig: signal.Signals) -> None:
    text = "typed a moment before the signal, no time to autosave"
    with start(tmp_path, (80, 24)) as app:
        open_live(app)
        app.press("ctrl+n")
        app.wait_for("Step 2 of")
        app.write(text)
        app.signal(sig)  # right after the write: the autosave has not run
        status = app.wait_exit()
    assert status in (0, -sig, 128 + sig), status
    no_traceback(app)

    session, notes, _ = only_session(app.db)
    assert text in notes
    assert session.current_step == 1


# -- bursts: several keys in one write ------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_burst_notes_f2_topic(tmp_path: Path, size: tuple[int, int]) -> None:
    topic = "Moving to Lisbon without losing the team"
    with start(tmp_path, size) as app:
        open_live(app)
        app.write("notes before the form " + key_bytes("f2") + topic)
        app.wait_for("Measure of success")
        app.wait_for(topic[-20:], timeout=10)
        app.press("ctrl+s")
        app.wait_gone("Measure of success")
        app.press("ctrl+q")
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)

    session, notes, _ = only_session(app.db)
    assert session.agreement.topic == topic, (session.agreement, notes)
    assert "notes before the form" in notes
    assert "Lisbon" not in notes


@pytest.mark.parametrize("size", SIZES)
def test_burst_across_two_form_fields(tmp_path: Path, size: tuple[int, int]) -> None:
    with start(tmp_path, size) as app:
        open_live(app)
        app.press("f2")
        app.wait_for("Measure of success")
        app.write("The topic in full\rThe outcome in full")
        app.wait_for("The outcome in full", timeout=10)
        app.press("ctrl+s")
        app.wait_gone("Measure of success")
        app.press("ctrl+q")
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)

    session, _, _ = only_session(app.db)
    assert session.agreement.topic == "The topic in full", session.agreement
    assert session.agreement.desired_outcome == "The outcome in full", session.agreement


@pytest.mark.parametrize("size", SIZES)
def test_burst_notes_then_quit(tmp_path: Path, size: tuple[int, int]) -> None:
    text = ("The client names three options and picks none of them yet. " * 2)[:100]
    assert len(text) == 100
    with start(tmp_path, size) as app:
        open_live(app)
        app.write(text + key_bytes("ctrl+q"))
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)

    _, notes, _ = only_session(app.db)
    assert text in notes, notes


def test_a_paste_with_bare_line_feeds_keeps_its_lines(tmp_path: Path) -> None:
    """Pasted without bracketed paste (tmux, some SSH links), each line break is a bare LF."""
    with start(tmp_path, (80, 24)) as app:
        open_live(app)
        app.write(
            "First pasted line\nSecond pasted line\n- [ ] Pasted action\n" + key_bytes("ctrl+q")
        )
        assert app.wait_exit() == 0, app.screen_text()
    _, notes, _ = only_session(app.db)
    assert "First pasted line\nSecond pasted line\n- [ ] Pasted action\n" in notes, notes


@pytest.mark.parametrize("size", SIZES)
def test_burst_notes_then_end(tmp_path: Path, size: tuple[int, int]) -> None:
    text = "last words before the end, then F10 in the same burst"
    with start(tmp_path, size) as app:
        open_live(app)
        app.write(text + key_bytes("f10"))
        app.wait_for("Close session")
        app.wait_for(" planned ")
        app.press("escape")  # back to the session, storing nothing from the closing screen
        app.wait_for("Step 1 of")
        app.press("ctrl+q")
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)

    _, notes, _ = only_session(app.db)
    assert text in notes, notes


@pytest.mark.parametrize("size", SIZES)
def test_burst_action_text_then_save(tmp_path: Path, size: tuple[int, int]) -> None:
    text = "Ask two colleagues about the Lisbon office"
    with start(tmp_path, size) as app:
        open_live(app)
        app.press("f4")
        app.wait_for("Add an action")
        app.write(text + key_bytes("ctrl+s"))
        app.wait_gone("Add an action")
        app.press("ctrl+q")
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)

    _, _, actions = only_session(app.db)
    assert [a.text for a in actions] == [text]


@pytest.mark.parametrize("size", SIZES)
def test_burst_end_and_close_in_one_motion(tmp_path: Path, size: tuple[int, int]) -> None:
    """F10 then ctrl+s at once: the closing screen ignores ctrl+s until its data is loaded."""
    with start(tmp_path, size) as app:
        open_live(app)
        type_notes(app, "one motion to close\r")
        app.write(key_bytes("f10") + key_bytes("ctrl+s"))
        app.wait_for("Recap for the client")
        app.wait_for(COPIED)
        app.press("q")
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)

    session, notes, _ = only_session(app.db)
    assert session.is_finished
    assert "one motion to close" in notes


def test_a_bad_protocol_file_is_mentioned_and_does_not_stop_a_start(tmp_path: Path) -> None:
    folder = tmp_path / ".config" / "companion" / "protocols"  # the harness's XDG_CONFIG_HOME
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text("id = 'broken'\nduration_minutes = 99999999999999999999\n")
    with start(tmp_path, (120, 40), "--protocol", "grow") as app:
        open_live(app)
        app.wait_for("1 protocol file skipped")
        app.press("ctrl+q")
        assert app.wait_exit() == 0
    no_traceback(app)


@pytest.mark.parametrize("args", [[], ["review"]], ids=["home", "review"])
def test_home_and_review_refuse_a_damaged_practice_in_one_line(
    tmp_path: Path, args: list[str]
) -> None:
    """The practice opens after the first paint; a damaged one still ends in one line, exit 2."""
    added = run_companion(["clients", "add", CLIENT], tmp_path)
    assert added.returncode == 0, added.stderr
    db = tmp_path / "p.db"
    with db.open("r+b") as file:  # the page after the header's page becomes garbage
        file.seek(4096)
        file.write(b"garbage!" * 512)
    before = db.read_bytes()
    with RealApp(args, tmp_path) as app:
        assert app.wait_exit() == 2
    no_traceback(app)
    said = app.all_output.decode(errors="replace")
    assert "cannot open the practice database" in said and "damaged" in said
    assert db.read_bytes() == before  # nothing written to it


def test_review_of_one_client_opens_the_timeline_or_names_the_clients(tmp_path: Path) -> None:
    """`review --client NAME` finds the client after the first paint (an encrypted practice is
    unlocked on screen first); a name not there ends in one line naming the clients, exit 2."""
    added = run_companion(["clients", "add", CLIENT], tmp_path)
    assert added.returncode == 0, added.stderr
    with RealApp(["review", "--client", CLIENT.upper()], tmp_path) as app:
        app.wait_for("Next session")  # the timeline, not the list of clients
        app.press("ctrl+q")
        assert app.wait_exit() == 0
    no_traceback(app)
    with RealApp(["review", "--client", "Nobody"], tmp_path) as app:
        assert app.wait_exit() == 2
    no_traceback(app)
    said = app.all_output.decode(errors="replace")
    assert f"no client called 'Nobody' (clients: {CLIENT})" in said
