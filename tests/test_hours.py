"""The coaching-hours log against totals worked out by hand on a small practice."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
from click.testing import CliRunner

from companion.cli import cli
from companion.core.hours import CSV_COLUMNS, EngagementHours, HoursLog, hours, log_csv
from companion.core.models import Client, Engagement, Session
from companion.store import Store
from companion.store.hours import hours_log


def _session(
    store: Store, client: Client, engagement: Engagement, start: str, end: str | None
) -> Session:
    return store.add_session(
        Session(
            client_id=client.id,  # type: ignore[arg-type]
            engagement_id=engagement.id,
            protocol_id="grow",
            started_at=datetime.fromisoformat(start),
            ended_at=datetime.fromisoformat(end) if end else None,
        )
    )


@pytest.fixture
def practice(store: Store) -> Store:
    """Times chosen so every figure below can be checked with a pencil.

    Ana, paid, individual:     09-01 60 min, 09-15 45 min, 10-01 unfinished (never counts)
    Ana, pro bono (2nd one):   11-10 21 min
    Ben, pro bono, individual: 09-10 50 min, 10-20 70 min 24 s
    Team, paid, group of 6:    09-20 90 min, 11-05 80 min
    """
    ana = store.add_client(Client(name="Ana Lopez", contact="ana@example.org"))
    ben = store.add_client(Client(name="Ben Okafor", contact="+44 20 7946 0011"))
    team = store.add_client(Client(name="Team leads circle"))
    ana_paid = store.add_engagement(Engagement(client_id=ana.id, start_date=date(2026, 9, 1)))
    ana_free = store.add_engagement(
        Engagement(client_id=ana.id, start_date=date(2026, 11, 1), billing="pro_bono")
    )
    ben_free = store.add_engagement(
        Engagement(client_id=ben.id, start_date=date(2026, 9, 1), billing="pro_bono")
    )
    group = store.add_engagement(
        Engagement(client_id=team.id, start_date=date(2026, 9, 1), format="group", group_size=6)
    )
    _session(store, ana, ana_paid, "2026-09-01T10:00:00", "2026-09-01T11:00:00")
    _session(store, ana, ana_paid, "2026-09-15T10:00:00", "2026-09-15T10:45:00")
    _session(store, ana, ana_paid, "2026-10-01T10:00:00", None)
    _session(store, ana, ana_free, "2026-11-10T16:00:00", "2026-11-10T16:21:00")
    _session(store, ben, ben_free, "2026-09-10T14:00:00", "2026-09-10T14:50:00")
    _session(store, ben, ben_free, "2026-10-20T14:00:00", "2026-10-20T15:10:24")
    _session(store, team, group, "2026-09-20T09:00:00", "2026-09-20T10:30:00")
    _session(store, team, group, "2026-11-05T09:00:00", "2026-11-05T10:20:00")
    return store


def run(runner: CliRunner, *args: str):
    return runner.invoke(cli, list(args), catch_exceptions=False)


# -- the pure part -------------------------------------------------------------------------------


def test_hours_round_to_a_hundredth() -> None:
    assert hours(0) == 0.0
    assert hours(3600) == 1.0
    assert hours(45 * 60) == 0.75
    assert hours(170 * 60) == 2.83  # 2.8333...
    assert hours(36) == 0.01


def test_a_row_counts_as_paid_or_pro_bono_by_its_billing() -> None:
    common = {
        "client_id": 1,
        "client_name": "A",
        "start_date": date(2026, 1, 1),
        "end_date": date(2026, 1, 2),
        "sessions": 2,
        "seconds": 5400,
    }
    paid = EngagementHours(billing="paid", **common)
    free = EngagementHours(billing="pro_bono", **common)
    assert (paid.paid_hours, paid.pro_bono_hours) == (1.5, 0.0)
    assert (free.paid_hours, free.pro_bono_hours) == (0.0, 1.5)


def test_totals_round_the_exact_sum_not_the_rounded_rows() -> None:
    # Three rows of 20 min 6 s: 0.335 h each, shown 0.34 (or 0.33); the total is 1.005 h -> 1.0.
    rows = [
        EngagementHours(
            client_id=i,
            client_name=f"C{i}",
            start_date=date(2026, 1, 1),
            end_date=date(2026, 1, 1),
            sessions=1,
            seconds=1206,
        )
        for i in range(3)
    ]
    log = HoursLog(rows=rows)
    assert log.total_seconds == 3618
    assert log.total_hours == 1.0
    assert log.clients == 3


# -- the store query -----------------------------------------------------------------------------


def test_hours_log_matches_the_hand_computed_figures(practice: Store) -> None:
    log = hours_log(practice)
    by_row = {(row.client_name, row.billing): row for row in log.rows}
    assert list(by_row) == [
        ("Ana Lopez", "paid"),
        ("Ana Lopez", "pro_bono"),
        ("Ben Okafor", "pro_bono"),
        ("Team leads circle", "paid"),
    ]
    ana = by_row["Ana Lopez", "paid"]
    assert ana.seconds == 105 * 60  # the unfinished session is not counted
    assert ana.sessions == 2
    assert (ana.start_date, ana.end_date) == (date(2026, 9, 1), date(2026, 9, 15))
    assert (ana.paid_hours, ana.pro_bono_hours) == (1.75, 0.0)
    assert ana.contact == "ana@example.org"
    assert by_row["Ana Lopez", "pro_bono"].pro_bono_hours == 0.35  # 21 min
    ben = by_row["Ben Okafor", "pro_bono"]
    assert ben.seconds == 50 * 60 + 70 * 60 + 24
    assert (ben.paid_hours, ben.pro_bono_hours) == (0.0, 2.01)  # 120.4 min
    team = by_row["Team leads circle", "paid"]
    assert (team.format, team.group_size, team.kind) == ("group", 6, "Group")
    assert team.paid_hours == 2.83  # 170 min
    # Totals: paid 60+45+90+80 = 275 min; pro bono 21+50+70.4 = 141.4 min; 416.4 min in all.
    assert log.paid_seconds == 275 * 60
    assert log.pro_bono_seconds == 141 * 60 + 24
    assert (log.total_hours, log.paid_hours, log.pro_bono_hours) == (6.94, 4.58, 2.36)
    assert log.clients == 3  # Ana's two engagements are one client
    assert log.sessions == 7


def test_hours_log_period_includes_both_end_days(practice: Store) -> None:
    log = hours_log(practice, since=date(2026, 9, 15), until=date(2026, 10, 20))
    rows = {row.client_name: row for row in log.rows}
    assert set(rows) == {"Ana Lopez", "Ben Okafor", "Team leads circle"}
    assert rows["Ana Lopez"].seconds == 45 * 60  # 09-15 only; 10-01 is unfinished
    assert (rows["Ana Lopez"].start_date, rows["Ana Lopez"].end_date) == (
        date(2026, 9, 15),
        date(2026, 9, 15),
    )
    assert rows["Ben Okafor"].seconds == 70 * 60 + 24  # 10-20, the last day of the period
    assert rows["Team leads circle"].seconds == 90 * 60
    # 45 + 90 = 135 min paid (2.25 h); 70.4 min pro bono (1.17 h); 205.4 min = 3.42 h.
    assert (log.paid_hours, log.pro_bono_hours, log.total_hours) == (2.25, 1.17, 3.42)


def test_sessions_outside_any_engagement_count_as_individual_paid(store: Store) -> None:
    client = store.add_client(Client(name="Walk-in"))
    store.add_session(
        Session(
            client_id=client.id,  # type: ignore[arg-type]
            protocol_id="grow",
            started_at=datetime(2026, 3, 1, 9, 0),
            ended_at=datetime(2026, 3, 1, 9, 30),
        )
    )
    (row,) = hours_log(store).rows
    assert (row.engagement_id, row.format, row.billing, row.paid_hours) == (
        None,
        "individual",
        "paid",
        0.5,
    )


# -- the command ---------------------------------------------------------------------------------


def test_log_csv_has_the_icf_columns_and_a_totals_line(runner: CliRunner, practice: Store) -> None:
    result = run(runner, "log", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1] == [
        "Ana Lopez",
        "ana@example.org",
        "Individual",
        "",
        "2026-09-01",
        "2026-09-15",
        "1.75",
        "0.00",
    ]
    assert rows[4] == [
        "Team leads circle",
        "",
        "Group",
        "6",
        "2026-09-20",
        "2026-11-05",
        "2.83",
        "0.00",
    ]
    assert rows[-1] == [
        "Total: 6.94 hours, 3 clients",
        "",
        "",
        "",
        "2026-09-01",
        "2026-11-10",
        "4.58",
        "2.36",
    ]
    assert len(rows) == 6


def test_log_csv_matches_the_pure_renderer(runner: CliRunner, practice: Store) -> None:
    result = run(runner, "log", "--format", "csv", "--since", "2026-10-01")
    assert result.stdout == log_csv(hours_log(practice, since=date(2026, 10, 1)))


def test_log_table_for_people(runner: CliRunner, practice: Store) -> None:
    result = run(runner, "log")
    assert result.exit_code == 0, result.output
    assert "Ana Lopez" in result.stdout and "group of 6" in result.stdout
    assert "Total: 6.94 hours (paid 4.58, pro bono 2.36), 3 clients, 7 sessions" in (
        " ".join(result.stdout.split())
    )


def test_log_total_says_one_client_and_one_session(runner: CliRunner, practice: Store) -> None:
    result = run(runner, "log", "--since", "2026-11-10")  # Ana's 21 minutes only
    assert result.exit_code == 0, result.output
    total = " ".join(result.stdout.split()).split("Total: ")[1]
    assert total == "0.35 hours (paid 0.00, pro bono 0.35), 1 client, 1 session"


def test_log_json(runner: CliRunner, practice: Store) -> None:
    result = run(
        runner, "log", "--format", "json", "--since", "2026-09-15", "--until", "2026-10-20"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["since"] == "2026-09-15" and data["until"] == "2026-10-20"
    assert (data["total_hours"], data["paid_hours"], data["pro_bono_hours"]) == (3.42, 2.25, 1.17)
    assert data["clients"] == 3
    assert [row["client_name"] for row in data["rows"]] == [
        "Ana Lopez",
        "Ben Okafor",
        "Team leads circle",
    ]
    assert data["rows"][1]["pro_bono_seconds"] == 70 * 60 + 24


def test_log_with_nothing_to_count(runner: CliRunner, practice: Store) -> None:
    result = run(runner, "log", "--since", "2030-01-01")
    assert result.exit_code == 0
    assert "No finished sessions" in result.stdout
    rows = list(
        csv.reader(
            io.StringIO(run(runner, "log", "--format", "csv", "--until", "2020-01-01").stdout)
        )
    )
    assert rows[1][0] == "Total: 0.00 hours, 0 clients" and len(rows) == 2


@pytest.mark.parametrize(
    "args",
    [
        ("--since", "yesterdayish"),
        ("--until", "2026-13-01"),
        ("--since", "2026-10-02", "--until", "2026-10-01"),
        ("--format", "xlsx"),
    ],
)
def test_log_bad_input_is_one_line_exit_2(runner: CliRunner, practice: Store, args) -> None:
    result = run(runner, "log", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("companion: ")
    assert "Traceback" not in result.stderr


# -- ICF's template and rules ----------------------------------------------------------------------


def test_csv_header_is_the_icf_template_text_exactly(runner: CliRunner, practice: Store) -> None:
    # Copied from ICF's Client Coaching Log template, spelling and order as there.
    template = (
        "Client Name,Contact Information,Individual/Group,Number in Group,"
        "Start Date,End Date,Paid hours,Pro-bono hours"
    )
    result = run(runner, "log", "--format", "csv")
    assert result.stdout.splitlines()[0] == template


def _no_consent(store: Store, client_name: str) -> None:
    client = store.client_named(client_name)
    for engagement in store.engagements(client.id):  # type: ignore[arg-type]
        store.save_engagement(engagement.model_copy(update={"log_consent": False}))


def test_clients_without_consent_are_left_off_and_stderr_says_so(
    runner: CliRunner, practice: Store
) -> None:
    _no_consent(practice, "Ben Okafor")  # pro bono 50 + 70.4 min = 2.01 h
    result = run(runner, "log", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert "Ben Okafor" not in result.stdout
    # Totals without Ben: paid 275 min (4.58 h), pro bono Ana's 21 min (0.35 h): 296 min.
    assert rows[-1][0] == "Total: 4.93 hours, 2 clients"
    assert rows[-1][6:] == ["4.58", "0.35"]
    assert result.stderr.strip().splitlines() == [
        "companion: left off the log: 1 client (2.01 hours) who has not agreed to be named"
    ]
    assert "Ben" not in result.stderr  # the count, never the name


def test_consent_is_per_engagement(practice: Store) -> None:
    ana = practice.client_named("Ana Lopez")
    _paid, free = practice.engagements(ana.id)  # type: ignore[arg-type]
    practice.save_engagement(free.model_copy(update={"log_consent": False}))
    log = hours_log(practice)
    assert [(row.client_name, row.billing) for row in log.rows if row.client_id == ana.id] == [
        ("Ana Lopez", "paid")
    ]
    assert (log.without_consent_clients, log.without_consent_hours) == (1, 0.35)


def test_a_group_counts_its_length_once_not_per_member(practice: Store) -> None:
    team = next(row for row in hours_log(practice).rows if row.format == "group")
    assert team.group_size == 6
    assert team.seconds == 170 * 60  # 90 + 80 min, not six times that


def test_groups_over_fifteen_do_not_count_and_the_log_says_so(
    runner: CliRunner, practice: Store
) -> None:
    team = practice.client_named("Team leads circle")
    (group,) = practice.engagements(team.id)  # type: ignore[arg-type]
    practice.save_engagement(group.model_copy(update={"group_size": 15}))
    assert any(row.client_name == "Team leads circle" for row in hours_log(practice).rows)
    practice.save_engagement(group.model_copy(update={"group_size": 16}))
    log = hours_log(practice)
    assert all(row.client_name != "Team leads circle" for row in log.rows)
    assert log.total_hours == 4.11  # 416.4 - 170 = 246.4 min
    result = run(runner, "log")
    assert "Team leads circle" not in result.stdout
    assert result.stderr.strip().splitlines() == [
        "companion: left off the log: 1 group of more than 15 members (2.83 hours); "
        "ICF does not count them"
    ]


def test_nothing_left_off_means_nothing_on_stderr(runner: CliRunner, practice: Store) -> None:
    result = run(runner, "log", "--format", "csv")
    assert result.stderr == ""


def test_log_hours_are_the_stored_true_durations(practice: Store) -> None:
    # A session open 60 minutes on the clock but 40 in session (the trust issue's durations).
    ana = practice.client_named("Ana Lopez")
    (first, *_rest) = practice.sessions(client_id=ana.id)[::-1]
    practice.save_session(first.model_copy(update={"duration_seconds": 40 * 60}))
    row = next(row for row in hours_log(practice).rows if row.client_name == "Ana Lopez")
    assert row.seconds == (40 + 45) * 60
