"""Confidentiality in failures: a crash shows no data, folders are private, no recap is left."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from typing import ClassVar

import pytest
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from companion.core.protocols import ProtocolLibrary
from companion.services.practice import begin_session
from companion.store import Store
from companion.tui.app import CompanionApp
from companion.tui.factory import ResumeSession, build_app
from companion.tui.leaving import crash_report, crash_reports_dir
from companion.tui.screens.live import LiveScreen

SECRET = "Wilhelmina confided the merger collapses Friday"


class Boom(Screen[None]):
    """A screen whose key handler fails while holding record text in its locals."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f9", "boom", priority=True)]

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("boom")

    def action_boom(self) -> None:
        note_text = SECRET  # a local, as a real handler would hold one
        raise ValueError(f"could not parse {note_text!r}")


async def crash(store: Store, protocols: ProtocolLibrary) -> tuple[int, CompanionApp]:
    session = begin_session(store, protocols, "Ana Lopez", protocol_id="grow")
    assert session.id is not None
    app = build_app(ResumeSession(session.id), store, protocols)
    app.autosave_seconds = 3600.0  # nothing saved by the timer: only the crash handler saves
    with pytest.raises(ValueError):
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(100):
                await pilot.pause()
                if isinstance(app.screen, LiveScreen) and app.screen.loaded:
                    break
            await pilot.press(*["space" if c == " " else c for c in SECRET])
            await pilot.pause()
            assert SECRET not in store.get_notes(session.id).text
            app.push_screen(Boom())
            await pilot.pause()
            await pilot.press("f9")
            await pilot.pause()
    return session.id, app


def test_a_crash_saves_the_notes_and_shows_no_data(
    store: Store,
    protocols: ProtocolLibrary,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import companion.tui.leaving as app_module

    on_disk: list[str] = []
    real_write = app_module.write_crash_report

    def write(error: BaseException | None) -> Path | None:
        on_disk.append(store.get_notes(1).text)  # what the handler had saved before the report
        return real_write(error)

    monkeypatch.setattr(app_module, "write_crash_report", write)
    session_id, app = asyncio.run(crash(store, protocols))
    out, err = capfd.readouterr()
    assert "Wilhelmina" not in out + err
    assert session_id == 1 and SECRET in on_disk[0]  # saved first, by the crash handler
    assert SECRET in store.get_notes(session_id).text
    assert app.return_code == 1

    reports = list(crash_reports_dir().glob("crash-*.txt"))
    assert len(reports) == 1
    report = reports[0]
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(report.parent.stat().st_mode) == 0o700
    text = report.read_text()
    assert "Wilhelmina" not in text
    assert "builtins.ValueError" in text and "action_boom" in text  # type and stack
    assert "test_crash_report.py" in text


def test_the_exit_message_is_one_short_line(
    store: Store, protocols: ProtocolLibrary, capfd: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(crash(store, protocols))
    _, err = capfd.readouterr()
    message = " ".join(err.split())
    assert message.startswith("companion hit an unexpected error; your notes are saved.")
    assert "A crash report (no client data) is in" in message
    assert "crash-" in message and "Traceback" not in err
    # Textual's own handler printed the traceback with locals: the secret was in it.
    assert "Wilhelmina" not in err and "note_text" not in err


def test_the_report_leaves_out_messages_and_follows_the_chain() -> None:
    key, message = "Secret Key Name", "Secret Message"  # the source lines show only the names
    try:
        try:
            {}[key]
        except KeyError as first:
            raise RuntimeError(message) from first
    except RuntimeError as error:
        text = crash_report(error)
    assert "Secret" not in text
    assert "builtins.KeyError" in text and "builtins.RuntimeError" in text
    assert text.index("KeyError") < text.index("RuntimeError")


def test_the_crash_folder_is_private_under_umask_zero(tmp_path: Path) -> None:
    from companion.tui.leaving import write_crash_report

    old = os.umask(0)
    try:
        path = write_crash_report(None)
    finally:
        os.umask(old)
    assert path is not None
    for folder in (path.parent, path.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- folders companion creates are private, parents included ------------------------------------


@pytest.fixture
def no_umask():  # type: ignore[no-untyped-def]
    old = os.umask(0)
    yield
    os.umask(old)


def _modes(top: Path, leaf: Path) -> list[int]:
    return [
        stat.S_IMODE(p.stat().st_mode)
        for p in [leaf, *leaf.parents]
        if p != top and top in p.parents
    ]


def test_a_new_db_folder_and_its_parents_are_0700(tmp_path: Path, no_umask: None) -> None:
    db = tmp_path / "a" / "b" / "c" / "practice.db"
    Store.open(db).close()
    assert _modes(tmp_path, db.parent) == [0o700, 0o700, 0o700]
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_new_export_folder_and_its_parents_are_0700(
    tmp_path: Path, no_umask: None, store: Store
) -> None:
    from click.testing import CliRunner

    from companion.cli import cli

    out = tmp_path / "x" / "y" / "z"
    result = CliRunner().invoke(cli, ["export", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert _modes(tmp_path, out) == [0o700, 0o700, 0o700]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in out.iterdir())


# -- forget takes the client's saved recaps along -------------------------------------------------


def test_forget_deletes_the_clients_recap_files(store: Store, protocols: ProtocolLibrary) -> None:
    from click.testing import CliRunner

    from companion.cli import cli
    from companion.core.recap import build_recap, recap_filename
    from companion.services.clipboard import default_recaps_dir, save_private_file
    from companion.store.records import load_session_record

    folder = default_recaps_dir()
    paths = []
    for name in ("Ana Lopez", "Ana Lopez", "Ben Okafor"):
        session = begin_session(store, protocols, name, protocol_id="grow")
        assert session.id is not None
        draft = load_session_record(store, session.id)  # saved while unfinished: '-draft'
        paths.append(save_private_file(build_recap(draft), folder, recap_filename(draft)))
        store.finish_session(session.id)
        done = load_session_record(store, session.id)
        paths.append(save_private_file(build_recap(done), folder, recap_filename(done)))
    assert len(set(paths)) == 6 and any("-draft" in p.name for p in paths)
    mine, bens = paths[:4], paths[4:]
    other = save_private_file("not a recap", folder, "notes-of-my-own.md")

    result = CliRunner().invoke(
        cli, ["forget", "--client", "Ana Lopez", "--yes"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "Deleted 4 saved recap files" in result.stdout
    assert not any(path.exists() for path in mine)
    assert all(path.exists() for path in bens) and other.exists()


def test_forget_asks_about_the_recap_files(store: Store, protocols: ProtocolLibrary) -> None:
    from click.testing import CliRunner

    from companion.cli import cli
    from companion.core.recap import build_recap, recap_filename
    from companion.services.clipboard import default_recaps_dir, save_private_file
    from companion.store.records import load_session_record

    session = begin_session(store, protocols, "Ana Lopez", protocol_id="grow")
    assert session.id is not None
    record = load_session_record(store, session.id)
    path = save_private_file(build_recap(record), default_recaps_dir(), recap_filename(record))
    result = CliRunner().invoke(cli, ["forget", "--client", "Ana Lopez"], input="n\n")
    assert result.exit_code == 1
    assert "1 saved recap file)" in result.stdout and path.exists()
    result = CliRunner().invoke(cli, ["forget", "--client", "Ana Lopez"], input="y\n")
    assert result.exit_code == 0 and "Deleted 1 saved recap file from" in result.stdout
    assert not path.exists()
