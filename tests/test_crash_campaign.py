"""A fault campaign: the real app killed with SIGKILL at random moments of a scripted session.

Every round runs `companion start --client "Crash Test" --protocol grow` on the same practice,
resumes the session an earlier kill left unfinished (or starts a new one once a kill came after
the close), types a marker word and adds an action, then goes into one phase and is killed
(SIGKILL, nothing runs) 0-400 ms into it:

- typing: marker words written one after the other, the kill among them;
- step: just after ctrl+n (ctrl+o on the last step), the step change shown;
- agreement: inside the F2 form, a topic typed;
- closing: on the closing screen after F10;
- ended: just after ctrl+s on the closing screen (the recap screen shown or not yet).

After each kill the database must pass `PRAGMA integrity_check`, hold every marker word and
action written more than a second before the kill, and have lost no row (counts never
decrease); the next start must reach the live screen. Real time is the point: this is a fault
campaign, not a speed test, so the rounds are few by default (COMPANION_CRASH_KILLS, default 6;
40 for the full campaign) and the seed is random unless COMPANION_CRASH_SEED fixes it.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pty_app import RealApp

from companion.store import Store

pytestmark = [
    pytest.mark.crash,
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
]

KILLS = int(os.environ.get("COMPANION_CRASH_KILLS", "6"))
CLIENT = "Crash Test"
PHASES = ("typing", "step", "agreement", "closing", "ended")
SAFE_AGE = 1.0
"""Seconds after which what was typed must be on disk, whatever kills the app."""
SETTLE = (0.9, 1.6)
"""Seconds between the round's first marker and the phase: some kills check it, most do."""
TABLES = (
    "clients",
    "engagements",
    "sessions",
    "notes",
    "step_timings",
    "session_periods",
    "actions",
    "takeaways",
)
STEP = re.compile(r"Step (\d+) of (\d+)")
LIVE = re.compile(r"Step \d+ of \d+")


@dataclass
class Written:
    """Something the test typed into a session, and when its write to the terminal finished."""

    session_id: int
    text: str
    at: float
    kind: str = "note"
    killed: float | None = None
    """When the kill that ended its round came."""


@dataclass
class Campaign:
    seed: int
    written: list[Written] = field(default_factory=list)
    phases: Counter[str] = field(default_factory=Counter)
    recent: int = 0
    young_kept: int = 0
    integrity_ok: int = 0
    resumed: int = 0
    new_sessions: int = 0
    finished_by_kill: int = 0

    def fail(self, round_no: int, phase: str, message: str) -> str:
        return (
            f"round {round_no} ({phase}), seed {self.seed} "
            f"(COMPANION_CRASH_SEED={self.seed} repeats it): {message}"
        )


def snapshot(db: Path) -> tuple[str, dict[str, int], list[tuple[int, bool]]]:
    """Integrity, the row count of every table of records, and the sessions (id, finished)."""
    store = Store.open(db)
    try:
        integrity = store.db.execute("PRAGMA integrity_check").fetchone()[0]
        counts = {t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        sessions = [(s.id, s.is_finished) for s in store.sessions() if s.id is not None]
    finally:
        store.close()
    return integrity, counts, sessions


def notes_and_actions(db: Path, session_id: int) -> tuple[str, list[str]]:
    store = Store.open(db)
    try:
        notes = store.get_notes(session_id).text
        actions = [a.text for a in store.actions(session_id=session_id)]
    finally:
        store.close()
    return notes, actions


def reach_live(app: RealApp, expect_resume: bool) -> None:
    """From the start to the live screen, its session open: r to resume, y if asked about a gap."""
    if expect_resume:
        app.wait_for("r  Resume it")
        app.press("r")
        app.wait_gone("r  Resume it")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = app.screen_text()
        if "Resuming after a gap" in text:
            app.press("y")
            app.wait_gone("Resuming after a gap")
            continue
        if "r  Resume it" in text:
            raise AssertionError(f"asked to resume where no session was left open:\n{text}")
        if LIVE.search(text) and "elapsed" in text:
            return
        if not app.alive():
            break
        time.sleep(0.05)
    raise AssertionError(f"the live screen did not come up; the screen:\n{app.screen_text()}")


def write_marker(app: RealApp, campaign: Campaign, session_id: int, word: str) -> None:
    app.write(word + " ")
    campaign.written.append(Written(session_id, word, time.monotonic()))


def play_round(
    app: RealApp, campaign: Campaign, rng: random.Random, round_no: int, phase: str, sid: int
) -> float:
    """The round's script up to its phase, then the kill at a random moment: the kill's time."""
    first = f"crashmark{round_no}a"
    write_marker(app, campaign, sid, first)
    app.wait_for(first)
    action = f"crash action {round_no}"
    app.press("f4")
    app.wait_for("Add an action")
    app.write(action + "\x13")  # the text and ctrl+s in one burst
    app.wait_gone("Add an action")
    campaign.written.append(Written(sid, action, time.monotonic(), kind="action"))
    time.sleep(rng.uniform(*SETTLE))

    delay = rng.uniform(0.0, 0.4)
    if phase == "typing":
        start = time.monotonic()
        i = 0
        while time.monotonic() - start < delay:
            write_marker(app, campaign, sid, f"crashmark{round_no}t{i}")
            i += 1
            time.sleep(rng.uniform(0.01, 0.06))
    else:
        if phase == "step":
            found = STEP.search(app.screen_text())
            assert found is not None, app.screen_text()
            number, total = int(found[1]), int(found[2])
            app.press("ctrl+o" if number == total else "ctrl+n")
            app.wait_for(f"Step {number - 1 if number == total else number + 1} of {total}")
        elif phase == "agreement":
            app.press("f2")
            app.wait_for("Measure of success")
            topic = f"crash topic {round_no}"
            app.write(topic)
            app.wait_for(topic)
        elif phase == "closing":
            app.press("f10")
            app.wait_for("Close session")
            app.wait_for(" planned ")
        elif phase == "ended":
            app.press("f10")
            app.wait_for("Close session")
            app.wait_for(" planned ")
            app.press("ctrl+s")
        time.sleep(delay)
    assert b"Traceback" not in app.all_output, app.all_output[-3000:].decode("utf-8", "replace")
    killed = time.monotonic()
    app.signal(signal.SIGKILL)
    assert app.wait_exit() == -signal.SIGKILL
    return killed


def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    seed = int(os.environ.get("COMPANION_CRASH_SEED", random.SystemRandom().randrange(10**6)))
    rng = random.Random(seed)
    campaign = Campaign(seed)
    plan = [PHASES[i % len(PHASES)] for i in range(KILLS)]
    rng.shuffle(plan)
    db = tmp_path / "p.db"
    began = time.monotonic()
    before: dict[str, int] = dict.fromkeys(TABLES, 0)
    sessions: list[tuple[int, bool]] = []
    due: list[Written] = []

    for round_no, phase in enumerate([*plan, "final"], start=1):
        unfinished = [sid for sid, done in sessions if not done]
        assert len(unfinished) <= 1, campaign.fail(round_no, phase, f"open: {unfinished}")
        with RealApp(
            ["start", "--client", CLIENT, "--protocol", "grow"], tmp_path, cols=100, rows=30
        ) as app:
            try:
                reach_live(app, expect_resume=bool(unfinished))
            except AssertionError as error:
                raise AssertionError(campaign.fail(round_no, phase, str(error))) from error
            if phase == "final":  # the last kill's session resumes too: done
                app.press("ctrl+q")
                assert app.wait_exit() == 0, campaign.fail(round_no, phase, app.screen_text())
                break
            if unfinished:
                sid = unfinished[0]
                campaign.resumed += 1
            else:
                _, _, now = snapshot(db)
                new = [s for s, _ in now if s not in {s for s, _ in sessions}]
                assert len(new) == 1, campaign.fail(round_no, phase, f"new sessions {new}")
                sid = new[0]
                campaign.new_sessions += 1
            try:
                killed = play_round(app, campaign, rng, round_no, phase, sid)
            except AssertionError as error:
                raise AssertionError(campaign.fail(round_no, phase, str(error))) from error
        campaign.phases[phase] += 1

        integrity, counts, after = snapshot(db)
        assert integrity == "ok", campaign.fail(round_no, phase, f"integrity_check: {integrity}")
        campaign.integrity_ok += 1
        for table in TABLES:
            assert counts[table] >= before[table], campaign.fail(
                round_no, phase, f"{table}: {before[table]} rows before, {counts[table]} after"
            )
        assert {s for s, _ in sessions} <= {s for s, _ in after}, campaign.fail(
            round_no, phase, f"sessions lost: {sessions} then {after}"
        )
        if phase == "ended" and dict(after).get(sid):
            campaign.finished_by_kill += 1
        before, sessions = counts, after

        # What this round wrote is due if it was written more than SAFE_AGE before its kill;
        # what was younger may be lost, now and later. Everything due stays due in every round.
        fresh = [item for item in campaign.written if item.killed is None]
        for item in fresh:
            item.killed = killed
            if killed - item.at > SAFE_AGE:
                due.append(item)
            else:
                campaign.recent += 1
        campaign.written = [item for item in campaign.written if item.killed is None]
        by_session: dict[int, tuple[str, list[str]]] = {}
        for item in due:
            if item.session_id not in by_session:
                by_session[item.session_id] = notes_and_actions(db, item.session_id)
            notes, actions = by_session[item.session_id]
            present = item.text in notes if item.kind == "note" else item.text in actions
            assert present, campaign.fail(
                round_no,
                phase,
                f"{item.kind} {item.text!r} written {item.killed - item.at:.2f} s before the kill "
                f"of its round is not in session {item.session_id}: notes {notes!r}, "
                f"actions {actions!r}",
            )
        young = [item for item in fresh if item.killed - item.at <= SAFE_AGE]
        for item in young:
            notes, actions = by_session.get(item.session_id) or notes_and_actions(
                db, item.session_id
            )
            if item.text in (notes if item.kind == "note" else actions):
                campaign.young_kept += 1

    total = time.monotonic() - began
    notes_due = sum(1 for item in due if item.kind == "note")
    print(
        f"\ncrash campaign: seed {seed}, {sum(campaign.phases.values())} kills in {total:.1f} s; "
        f"per phase {dict(sorted(campaign.phases.items()))}; integrity ok {campaign.integrity_ok}"
        f"; resumed {campaign.resumed}, new sessions {campaign.new_sessions}, "
        f"finished before an 'ended' kill {campaign.finished_by_kill}; written more than "
        f"{SAFE_AGE:.0f} s before a kill: {notes_due} markers and {len(due) - notes_due} actions, "
        f"all present after every later kill; younger at the kill {campaign.recent} "
        f"({campaign.young_kept} kept anyway)"
    )
    assert sum(campaign.phases.values()) == KILLS
