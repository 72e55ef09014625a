"""`companion calendar`: every file parsed back with icalendar, stable UIDs, nothing private."""

from __future__ import annotations

import os
import stat
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner

from companion.core.models import Action, Client, Session
from companion.services.config import ConfigError, load_config
from companion.store import Store

NOTE_TEXT = "Worried about the merger; wants to leave by spring"


def _finished(store: Store, client: Client, start: str, next_on: date | None) -> Session:
    engagement = store.ensure_open_engagement(client.id)  # type: ignore[arg-type]
    began = datetime.fromisoformat(start)
    session = store.add_session(
        Session(
            client_id=client.id,  # type: ignore[arg-type]
            engagement_id=engagement.id,
            protocol_id="grow",
            started_at=began,
            ended_at=began.replace(hour=began.hour + 1),
            duration_seconds=3600,
            next_session_on=next_on,
        )
    )
    store.save_notes(session.id, f"{NOTE_TEXT}\n// private: thinks the boss is lying")  # type: ignore[arg-type]
    return session


@pytest.fixture
def practice(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Ana: next session 2026-12-10 planned. Ben: his planned 11-20 session took place (11-20),
    planning 12-14. Cleo: last session planned nothing. Actions: two open, one done, one private.
    """
    config = tmp_path / "config.toml"
    config.write_text(
        '[calendar]\ntime = "09:30"\nminutes = 50\ntime_zone = "Europe/Paris"\n', encoding="utf-8"
    )
    monkeypatch.setenv("COMPANION_CONFIG", str(config))
    ana = store.add_client(Client(name="Ana Lopez", contact="ana@example.org"))
    ben = store.add_client(Client(name="Ben Okafor"))
    cleo = store.add_client(Client(name="Cleo Hart"))
    first = _finished(store, ana, "2026-11-26T10:00:00", date(2026, 12, 10))
    _finished(store, ben, "2026-11-06T10:00:00", date(2026, 11, 20))
    _finished(store, ben, "2026-11-20T10:00:00", date(2026, 12, 14))
    _finished(store, cleo, "2026-11-27T10:00:00", None)
    store.add_action(
        Action(
            client_id=ana.id,  # type: ignore[arg-type]
            session_id=first.id,
            text="Draft the letter to the board",
            due_on=date(2026, 12, 8),
        )
    )
    store.add_action(
        Action(client_id=ana.id, text="Send Ana the article", owner="coach")  # type: ignore[arg-type]
    )
    store.add_action(
        Action(client_id=ben.id, text="Book the course", status="done")  # type: ignore[arg-type]
    )
    store.add_action(
        Action(client_id=ben.id, text="// check whether HR knows", due_on=date(2026, 12, 1))  # type: ignore[arg-type]
    )
    return store


def _parsed(folder: Path) -> dict[str, icalendar.Calendar]:
    return {
        path.name: icalendar.Calendar.from_ical(path.read_bytes())
        for path in sorted(folder.glob("*.ics"))
        if path.name != "holiday.ics"
    }


def _every_text(calendar: icalendar.Calendar) -> str:
    return calendar.to_ical().decode("utf-8")


def test_vdir_one_file_per_item_each_parsing_with_its_zone(
    runner: CliRunner, practice: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "vdir"
    result = run(runner, "calendar", "--out", str(folder))
    assert result.exit_code == 0, result.output
    files = _parsed(folder)
    assert len(files) == 4  # Ana's and Ben's next sessions, Ana's two open actions
    events = {
        str(event["uid"]): event for calendar in files.values() for event in calendar.walk("VEVENT")
    }
    todos = {
        str(todo["uid"]): todo for calendar in files.values() for todo in calendar.walk("VTODO")
    }
    assert len(events) == 2 and len(todos) == 2
    for name, calendar in files.items():
        (item,) = calendar.walk("VEVENT") + calendar.walk("VTODO")
        assert name == str(item["uid"]).split("@")[0] + ".ics"
        if item.name == "VEVENT":
            (zone,) = calendar.walk("VTIMEZONE")
            assert str(zone["tzid"]) == "Europe/Paris"
    by_summary = {str(event["summary"]): event for event in events.values()}
    assert set(by_summary) == {"Coaching session with Ana", "Coaching session with Ben"}
    ana = by_summary["Coaching session with Ana"]
    start = ana.decoded("dtstart")
    assert start == datetime(2026, 12, 10, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert start.date() == date(2026, 12, 10)  # the stored next date
    assert (ana.decoded("dtend") - start).total_seconds() == 50 * 60
    assert by_summary["Coaching session with Ben"].decoded("dtstart").date() == date(2026, 12, 14)
    todo_by_summary = {str(todo["summary"]): todo for todo in todos.values()}
    assert set(todo_by_summary) == {
        "Ana: Draft the letter to the board",
        "For Ana: Send Ana the article",
    }
    assert todo_by_summary["Ana: Draft the letter to the board"].decoded("due") == date(2026, 12, 8)
    assert "due" not in todo_by_summary["For Ana: Send Ana the article"]


def test_no_note_text_surname_contact_or_private_item_in_any_field(
    runner: CliRunner, practice: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "vdir"
    run(runner, "calendar", "--out", str(folder))
    printed = run(runner, "calendar", "--stdout").stdout
    texts = [_every_text(calendar) for calendar in _parsed(folder).values()]
    texts.append(_every_text(icalendar.Calendar.from_ical(printed)))
    for text in texts:
        unfolded = text.replace("\r\n ", "")
        for secret in ("merger", "boss", "Lopez", "Okafor", "ana@example.org", "HR knows"):
            assert secret not in unfolded
        assert "//" not in unfolded.replace("PRODID:-//companion//coaching calendar//EN", "")


def test_uids_stable_and_files_rewritten_in_place(
    runner: CliRunner, practice: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "vdir"
    folder.mkdir()
    foreign = folder / "holiday.ics"  # the coach's own file in the same vdir
    foreign.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    run(runner, "calendar", "--out", str(folder))
    first = _ours(folder)
    uids = {name: _uid(content) for name, content in first.items()}
    second = run(runner, "calendar", "--out", str(folder))
    assert "(0 written, 4 unchanged, 0 removed)" in second.stdout
    assert _ours(folder) == first
    # Ana's dated action is done and her planned session held: those two files go.
    ana = practice.client_named("Ana Lopez")
    (draft,) = [action for action in practice.actions(ana.id) if action.due_on]  # type: ignore[arg-type]
    practice.set_action_status(draft.id, "done")  # type: ignore[arg-type]
    _finished(practice, ana, "2026-12-10T09:30:00", None)
    third = run(runner, "calendar", "--out", str(folder))
    assert "(0 written, 2 unchanged, 2 removed)" in third.stdout
    remaining = _ours(folder)
    assert set(remaining) == {"next-session-3.ics", f"action-{draft.id + 1}.ics"}
    for name, content in remaining.items():
        assert content == first[name] and _uid(content) == uids[name]
    assert foreign.read_bytes() == b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def _ours(folder: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes() for path in folder.glob("*.ics") if path.name != "holiday.ics"
    }


def _uid(content: bytes) -> str:
    (item,) = [
        component
        for component in icalendar.Calendar.from_ical(content).walk()
        if component.name in ("VEVENT", "VTODO")
    ]
    return str(item["uid"])


def test_vdir_is_private(runner: CliRunner, practice: Store, tmp_path: Path) -> None:
    folder = tmp_path / "new" / "vdir"
    run(runner, "calendar", "--out", str(folder))
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_stdout_is_one_calendar_of_every_item(runner: CliRunner, practice: Store) -> None:
    result = run(runner, "calendar", "--stdout")
    assert result.exit_code == 0
    (calendar,) = icalendar.Calendar.from_ical(result.stdout, multiple=True)
    assert len(calendar.walk("VEVENT")) == 2 and len(calendar.walk("VTODO")) == 2
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


@pytest.mark.parametrize("args", [(), ("--stdout", "--out", "x")])
def test_calendar_needs_one_destination(runner: CliRunner, practice: Store, args) -> None:
    assert "--out DIR or --stdout" in one_line_error(run(runner, "calendar", *args))


def test_a_bad_calendar_setting_names_the_file_and_field(
    runner: CliRunner, practice: Store, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[calendar]\ntime_zone = "Mars/Olympus"\n', encoding="utf-8")
    line = one_line_error(run(runner, "calendar", "--stdout"))
    assert str(config) in line and "calendar.time_zone" in line


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[calendar]\ntime = "25:00"\n', "calendar.time"),
        ("[calendar]\nminutes = 0\n", "calendar.minutes"),
        ('[calendar]\nminutes = "an hour"\n', "calendar.minutes"),
        ('[credential]\ntraining_started = "last spring"\n', "credential.training_started"),
        ("credential = 3\n", "credential"),
    ],
)
def test_config_settings_are_checked(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{field}: "):
        load_config(path)


def test_config_settings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        "[credential]\ntraining_started = 2024-01-15\n"
        '[calendar]\ntime = "8:05"\nminutes = 45\ntime_zone = "America/New_York"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.training_started == date(2024, 1, 15)
    assert (config.calendar_time, config.calendar_minutes) == (time(8, 5), 45)
    assert config.calendar_time_zone == "America/New_York"
    assert load_config(tmp_path / "none.toml").calendar_time == time(10, 0)


def test_icalendar_is_imported_by_the_calendar_command_only() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from companion.cli import cli\n"
        "import companion.cli.calendar, companion.cli.log, companion.store.calendar\n"
        "assert 'icalendar' not in sys.modules, 'icalendar imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_zone_is_the_configured_one_else_the_computers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from companion.services.calendar import local_zone

    monkeypatch.setenv("TZ", "America/New_York")
    assert local_zone("Asia/Tokyo") == ZoneInfo("Asia/Tokyo")
    assert local_zone("") == ZoneInfo("America/New_York")
    monkeypatch.setenv("TZ", ":Europe/Berlin")  # the form glibc also takes
    assert local_zone("") == ZoneInfo("Europe/Berlin")


def test_a_bad_calendar_setting_costs_nothing_elsewhere(
    runner: CliRunner, practice: Store, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[keymap]\n"live.agreement" = "f6"\n[calendar]\ntime = "noon"\n', encoding="utf-8"
    )
    assert load_config(path, sections=frozenset({"keymap"})).keymap == {"live.agreement": "f6"}
    assert run(runner, "credential").exit_code == 0
    assert "calendar.time" in one_line_error(run(runner, "calendar", "--stdout"))
