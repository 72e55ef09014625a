"""The real `companion` in a pseudo-terminal keeps every typed character (issue 9.6).

A burst of text with the invisible characters a terminal sends as they are (ZWJ in an emoji
sequence, ZWNJ in Persian, U+200B, U+2060, U+202E, U+202C) goes into the notes and into the
agreement form; the practice database holds them exactly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pty_app import key_bytes
from test_pty_session import no_traceback, only_session, open_live, start

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

WOMAN_IN_LOTUS = "\U0001f9d8\u200d\u2640\ufe0f"
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
INVISIBLES = "zero\u200bwidth word\u2060joiner \u202eRTL\u202c back"
NOTES = f"Breathing {WOMAN_IN_LOTUS} then {PERSIAN} and {INVISIBLES} end of burst"
TOPIC = f"Topic {PERSIAN} {WOMAN_IN_LOTUS}"


def test_a_burst_of_invisible_characters_is_stored_exactly(tmp_path: Path) -> None:
    with start(tmp_path, (100, 30)) as app:
        open_live(app)
        # Not read back from the screen: the emulator (pyte) lays out ZWJ sequences and bidi
        # controls differently from the app. The key gate keeps the burst's order across F2.
        app.write(NOTES + key_bytes("f2"))
        app.wait_for("Measure of success")
        app.write(TOPIC + key_bytes("ctrl+s"))
        app.wait_gone("Measure of success")
        app.press("ctrl+q")
        assert app.wait_exit() == 0, app.screen_text()
    no_traceback(app)

    session, notes, _ = only_session(app.db)
    assert NOTES in notes, ascii(notes)
    assert session.agreement.topic == TOPIC, ascii(session.agreement.topic)
