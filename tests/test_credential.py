"""Credential progress against figures worked out by hand (see the fixture's table)."""

from __future__ import annotations

import json
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner

from companion.core import terms
from companion.core.credential import (
    LEVELS_FILE,
    CountedSession,
    CredentialProgress,
    credential_progress,
    load_levels,
    months_before,
)
from companion.core.models import Engagement, Session
from companion.store import Store
from companion.store.credential import counted_sessions

TODAY = date(2026, 12, 1)
TRAINING = date(2025, 1, 1)
H = 3600


def _sessions() -> list[CountedSession]:
    """client, day, hours, paid:

    1  2024-12-15  10 h paid       before training began: never counts
    1  2025-05-31  40 h paid       counts; one day outside the 18 months (from 2025-06-01)
    2  2025-06-01  30 h pro bono   the first day of the 18 months
    3  2026-10-01   9 h paid       in the last 90 days (from 2026-09-03)
    4  2026-11-15   9 h paid       in the last 90 days
    5  2026-11-01   5 h paid       no consent to be named: does not count
    6  2026-11-02   4 h paid       a group of 20: does not count

    Counted: 88 h, 58 paid, 4 clients, 48 h in the last 18 months.
    Pace: 18 h (all paid) and 2 new clients in 90 days.
    """
    return [
        CountedSession(client_id=1, day=date(2024, 12, 15), seconds=10 * H, paid=True),
        CountedSession(client_id=1, day=date(2025, 5, 31), seconds=40 * H, paid=True),
        CountedSession(client_id=2, day=date(2025, 6, 1), seconds=30 * H, paid=False),
        CountedSession(client_id=3, day=date(2026, 10, 1), seconds=9 * H, paid=True),
        CountedSession(client_id=4, day=date(2026, 11, 15), seconds=9 * H, paid=True),
        CountedSession(
            client_id=5, day=date(2026, 11, 1), seconds=5 * H, paid=True, log_consent=False
        ),
        CountedSession(client_id=6, day=date(2026, 11, 2), seconds=4 * H, paid=True, group_size=20),
    ]


def test_figures_match_the_hand_computed_values() -> None:
    found = credential_progress(_sessions(), today=TODAY, training_started=TRAINING)
    assert (found.hours, found.paid_hours, found.clients) == (88.0, 58.0, 4)
    assert found.recent_hours == {18: 48.0}
    assert found.pace_hours_per_month == 6.1  # 18 h x 30.44 / 90
    assert found.pace_new_clients_per_month == 0.7
    acc, pcc, mcc = found.levels
    # ACC: 12 h (60 days at 18 h / 90 days), 17 paid (85 days), 4 clients (180 days): 180 days
    # from 2026-12-01 is 2027-05-30.
    assert (acc.id, acc.reached) == ("ACC", False)
    assert (acc.missing_hours, acc.missing_paid_hours, acc.missing_clients) == (12.0, 17.0, 4)
    assert acc.missing_recent_hours == 0.0  # 48 of 25
    assert acc.expected_month == date(2027, 5, 1)
    # PCC: 412 h (2060 days), 392 paid (1960), 21 clients (945), 2 recent (10): 2032-07-22.
    assert (pcc.missing_hours, pcc.missing_paid_hours, pcc.missing_clients) == (412.0, 392.0, 21)
    assert pcc.missing_recent_hours == 2.0
    assert pcc.expected_month == date(2032, 7, 1)
    # MCC: 2412 h (12060 days): 2059-12-08; no recent-hours rule.
    assert (mcc.missing_hours, mcc.missing_clients, mcc.recent_months) == (2412.0, 31, 0)
    assert mcc.expected_month == date(2059, 12, 1)


def test_without_a_training_start_every_session_counts() -> None:
    found = credential_progress(_sessions(), today=TODAY)
    assert (found.hours, found.paid_hours) == (98.0, 68.0)


def test_the_eighteen_month_window_starts_on_the_same_day_18_months_back() -> None:
    assert months_before(TODAY, 18) == date(2025, 6, 1)
    assert months_before(date(2026, 8, 31), 18) == date(2025, 2, 28)
    assert months_before(date(2027, 8, 31), 18) == date(2026, 2, 28)
    assert months_before(date(2029, 8, 31), 18) == date(2028, 2, 29)


def test_a_level_reached_and_one_never_reached_at_this_pace() -> None:
    sessions = [
        CountedSession(client_id=i, day=TODAY - timedelta(days=400), seconds=15 * H, paid=True)
        for i in range(8)
    ]  # 120 h, 8 clients, all in the 18 months, nothing in the last 90 days
    acc, pcc, _mcc = credential_progress(sessions, today=TODAY).levels
    assert acc.reached and acc.expected_month is None
    assert not pcc.reached and pcc.expected_month is None  # no pace: not at this pace


def test_a_pace_too_slow_to_hold_the_recent_hours_never_gets_there() -> None:
    # 80 h long ago, 8 clients; now 1 h in 90 days: 548 days hold 6 h, ACC needs 25 recent.
    sessions = [
        CountedSession(client_id=i, day=date(2023, 1, 1), seconds=10 * H, paid=True)
        for i in range(8)
    ]
    sessions.append(CountedSession(client_id=0, day=TODAY, seconds=1 * H, paid=True))
    (acc, *_) = credential_progress(sessions, today=TODAY).levels
    assert (acc.missing_hours, acc.missing_recent_hours) == (19.0, 24.0)
    assert acc.expected_month is None


def test_the_thresholds_file_holds_icf_figures_and_its_source() -> None:
    levels = {level.id: level for level in load_levels().level}
    assert [
        (lv.hours, lv.paid_hours, lv.clients, lv.recent_hours, lv.recent_months)
        for lv in (levels["ACC"], levels["PCC"], levels["MCC"])
    ] == [(100, 75, 8, 25, 18), (500, 450, 25, 50, 18), (2500, 2250, 35, 0, 0)]
    assert "ICF" in load_levels().source
    assert tomllib.loads(LEVELS_FILE.read_text(encoding="utf-8"))["source"]


def test_a_rule_change_is_one_edit_to_the_file(tmp_path: Path) -> None:
    text = LEVELS_FILE.read_text(encoding="utf-8").replace("clients = 8\n", "clients = 3\n")
    path = tmp_path / "levels.toml"
    path.write_text(text, encoding="utf-8")
    found = credential_progress(
        _sessions(), today=TODAY, training_started=TRAINING, levels=load_levels(path)
    )
    assert found.levels[0].missing_clients == 0


def test_a_broken_thresholds_file_names_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "levels.toml"
    path.write_text('source = "x"\n[[level]]\nid = "ACC"\nname = "A"\nhours = -1\n', "utf-8")
    with pytest.raises(ValueError, match=r"levels\.toml: level\.0\.hours: "):
        load_levels(path)


# -- from the practice -----------------------------------------------------------------------------


@pytest.fixture
def practice(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Ana paid 2 h (2026-11-20), Ben pro bono 1 h (2026-11-25, no consent), a group of 20 1 h,
    Cleo paid 30 min before training began (2024-06-01), one unfinished session."""
    config = tmp_path / "config.toml"
    config.write_text("[credential]\ntraining_started = 2025-01-01\n", encoding="utf-8")
    monkeypatch.setenv("COMPANION_CONFIG", str(config))
    monkeypatch.setattr(terms, "today", lambda: TODAY)

    def add(name: str, start: str, minutes: int | None, **engagement: object) -> None:
        client = store.get_or_create_client(name)[0]
        found = store.engagements(client.id)  # type: ignore[arg-type]
        chosen = (
            found[0]
            if found
            else store.add_engagement(
                Engagement(client_id=client.id, start_date=date(2024, 1, 1), **engagement)  # type: ignore[arg-type]
            )
        )
        began = datetime.fromisoformat(start)
        store.add_session(
            Session(
                client_id=client.id,  # type: ignore[arg-type]
                engagement_id=chosen.id,
                protocol_id="grow",
                started_at=began,
                ended_at=began + timedelta(minutes=minutes or 1) if minutes else None,
                duration_seconds=minutes * 60 if minutes else None,
            )
        )

    add("Ana Lopez", "2026-11-20T10:00:00", 120)
    add("Ana Lopez", "2026-11-27T10:00:00", None)
    add("Ben Okafor", "2026-11-25T10:00:00", 60, billing="pro_bono", log_consent=False)
    add("Big circle", "2026-11-26T10:00:00", 60, format="group", group_size=20)
    add("Cleo Hart", "2024-06-01T10:00:00", 30)
    return store


def test_the_store_gives_each_finished_session_once(practice: Store) -> None:
    sessions = counted_sessions(practice)
    assert len(sessions) == 4
    ben = next(s for s in sessions if not s.log_consent)
    assert (ben.seconds, ben.paid) == (3600, False)
    assert next(s for s in sessions if s.group_size).group_size == 20


def test_credential_command_json(runner: CliRunner, practice: Store) -> None:
    result = run(runner, "credential", "--json")
    assert result.exit_code == 0, result.output
    found = CredentialProgress.model_validate(json.loads(result.stdout))
    assert (found.hours, found.paid_hours, found.clients) == (2.0, 2.0, 1)
    assert found.training_started == date(2025, 1, 1)
    assert found.levels[0].missing_hours == 98.0 and found.levels[0].missing_clients == 7


def test_credential_command_for_people(runner: CliRunner, practice: Store) -> None:
    result = run(runner, "credential")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Credential progress on 2026-12-01, since training began on 2025-01-01"
    assert lines[1] == "You have 2.00 hours (2.00 paid), 1 client; 2.00 hours in the last 18 months"
    # 2 h in 90 days: 548 days at that pace hold 12.2 h, short of the 25 recent hours ACC asks.
    acc = next(line for line in lines if line.startswith("ACC: "))
    assert acc == (
        "ACC: 98.00 hours, 73.00 paid hours, 7 clients, 23.00 hours in the last 18 months "
        "to go; not at this pace"
    )
    assert lines[-1].startswith("Requirements: ICF credential requirements")


def test_a_bad_training_start_is_one_line(
    runner: CliRunner, practice: Store, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text('[credential]\ntraining_started = "spring"\n', "utf-8")
    line = one_line_error(run(runner, "credential"))
    assert "credential.training_started" in line and "config.toml" in line


def test_a_trickle_of_a_pace_is_not_a_date_centuries_away() -> None:
    sessions = [CountedSession(client_id=1, day=TODAY, seconds=1, paid=True)]
    for level in credential_progress(sessions, today=TODAY).levels:
        assert level.expected_month is None  # 2500 h at 1 s in 90 days would overflow a date
