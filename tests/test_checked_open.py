"""The whole-file check on open is skipped only for a file exactly as companion closed it (issue 8).

A big practice pays `PRAGMA quick_check` (every page read) on each open; store/checked.py lets an
open skip it when the file is as companion last closed it after a passing check. These tests
lower the size threshold so small practices stand in for big ones.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from companion.core.models import Client
from companion.core.terms import now
from companion.store import Store, StoreError, checked, checks
from companion.store.checked import last_check, stamp_path

PAGE = 4096


@pytest.fixture
def whole_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Every open's first look, as True when it read every page (quick_check) and False when
    the file was known whole; with every file counted as big enough to skip for."""
    monkeypatch.setattr(checked, "ALWAYS_CHECK_BELOW", 0)
    seen: list[bool] = []
    first_look = checks._first_look

    def spy(path: Path, *, whole: bool, passphrase: str | None = None) -> str | None:
        seen.append(not whole)
        return first_look(path, whole=whole, passphrase=passphrase)

    monkeypatch.setattr(checks, "_first_look", spy)
    yield seen


def practice(path: Path) -> Path:
    store = Store.open(path)
    store.add_client(Client(name="Ana Lopez", contact="ana@example.org"))
    for number in range(40):
        store.add_client(Client(name=f"Client {number}", contact="x" * 400))
    store.close()
    return path


def test_a_clean_close_lets_the_next_open_skip_the_check(
    tmp_path: Path, whole_checks: list[bool]
) -> None:
    path = practice(tmp_path / "practice.db")
    assert stamp_path(path).exists()
    assert stat.S_IMODE(stamp_path(path).stat().st_mode) == 0o600
    whole_checks.clear()

    store = Store.open(path)
    assert store.find_client("ana lopez") is not None
    store.close()
    assert whole_checks == [False]


def test_writes_and_a_clean_close_keep_skipping(tmp_path: Path, whole_checks: list[bool]) -> None:
    path = practice(tmp_path / "practice.db")
    for name in ("Bruno", "Chloé"):
        store = Store.open(path)
        store.add_client(Client(name=name))
        store.close()
    whole_checks.clear()
    Store.open(path).close()
    assert whole_checks == [False]


def test_a_crash_brings_the_check_back(tmp_path: Path, whole_checks: list[bool]) -> None:
    path = practice(tmp_path / "practice.db")
    store = Store.open(path)
    store.add_client(Client(name="Bruno"))  # and then the process dies: no close
    whole_checks.clear()
    other = Store.open(path)  # what the next start sees: a journal, a file that changed
    other.close()
    store.db.close()
    assert whole_checks == [True]


def test_a_file_changed_by_another_program_is_checked(
    tmp_path: Path, whole_checks: list[bool]
) -> None:
    path = practice(tmp_path / "practice.db")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1))  # touched
    whole_checks.clear()
    Store.open(path).close()
    assert whole_checks == [True]


def test_damage_done_elsewhere_is_found_and_the_record_dropped(
    tmp_path: Path, whole_checks: list[bool]
) -> None:
    path = practice(tmp_path / "practice.db")
    size = path.stat().st_size
    assert size > 4 * PAGE
    with path.open("r+b") as file:  # page 3 becomes garbage; the size stays
        file.seek(2 * PAGE)
        file.write(b"garbage!" * (PAGE // 8))
    assert path.stat().st_size == size
    with pytest.raises(StoreError, match="damaged"):
        Store.open(path)
    assert not stamp_path(path).exists()
    assert whole_checks[-1] is True


def test_a_copy_is_checked(tmp_path: Path, whole_checks: list[bool]) -> None:
    path = practice(tmp_path / "practice.db")
    copy = tmp_path / "copy.db"
    copy.write_bytes(path.read_bytes())
    stamp_path(copy).write_text(stamp_path(path).read_text())  # even with the record beside it
    whole_checks.clear()
    Store.open(copy).close()
    assert whole_checks == [True]


def test_a_week_old_check_is_made_again(tmp_path: Path, whole_checks: list[bool]) -> None:
    path = practice(tmp_path / "practice.db")
    assert last_check(path) is not None
    assert last_check(path, now() + timedelta(days=6)) is not None
    assert last_check(path, now() + timedelta(days=8)) is None
    record = json.loads(stamp_path(path).read_text())
    record["checked_at"] = (now() - timedelta(days=8)).isoformat()
    stamp_path(path).write_text(json.dumps(record))
    whole_checks.clear()
    Store.open(path).close()
    assert whole_checks == [True]
    # ...and that check starts a new week.
    whole_checks.clear()
    Store.open(path).close()
    assert whole_checks == [False]


def test_a_record_that_is_not_ours_means_a_check(tmp_path: Path, whole_checks: list[bool]) -> None:
    path = practice(tmp_path / "practice.db")
    for garbage in ("", "{", '{"checked_at": 3}', '{"checked_at": "2026-12-01T10:00:00"}', "[]"):
        stamp_path(path).write_text(garbage)
        whole_checks.clear()
        store = Store.open(path)
        assert whole_checks == [True]
        store.close()


def test_small_files_are_always_checked(tmp_path: Path) -> None:
    path = practice(tmp_path / "practice.db")
    assert path.stat().st_size < checked.ALWAYS_CHECK_BELOW
    assert not stamp_path(path).exists()  # no record beside a practice that needs none
    assert last_check(path) is None


def test_a_second_window_open_at_close_leaves_no_record(
    tmp_path: Path, whole_checks: list[bool]
) -> None:
    path = practice(tmp_path / "practice.db")
    first = Store.open(path)
    second = Store.open(path)
    second.add_client(Client(name="Bruno"))
    first.close()  # the second window's writes may still be in its journal
    assert not stamp_path(path).exists()
    second.close()
    whole_checks.clear()
    Store.open(path).close()
    assert whole_checks == [False]  # the last window out left the file whole
