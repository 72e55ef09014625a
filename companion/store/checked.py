"""When the whole-file check may be skipped: the file is as companion last closed it, whole.

`PRAGMA quick_check` reads every page: about 40 ms on a 10,000-session practice (67 MB) and
200 ms on a 50,000-session one, paid by every command and screen before it reads anything. It
guards against damage that did not come through SQLite (a disk fault, a truncated copy, another
program). So companion records, beside the file, how the file looked when it last closed it
cleanly after a check had passed (device, inode, size, modification and change times), and the
next open skips the check when the file still looks exactly so, nothing is left in a journal, and
the last real check is less than a week old. Anything else (a crash, a copy, a restore, an edit
by another program, a week gone by) brings the check back. Small files are always checked: it
costs them a few milliseconds, and file times are only as fine as the kernel's clock tick.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timedelta
from pathlib import Path

from companion.core.terms import now as clock_now
from companion.services.files import write_private_file

ALWAYS_CHECK_BELOW = 16 * 1024 * 1024  # bytes: quick_check takes under ~10 ms below this
# An encrypted practice's pages are each decrypted and authenticated (SQLCipher's HMAC) as they
# are read: quick_check costs several times as much (~40-90 ms at 7 MB), and a page damaged
# since is refused when it is read anyway. So its record counts from a smaller size.
ENCRYPTED_CHECK_BELOW = 2 * 1024 * 1024


def always_checked(path: Path) -> bool:
    """Whether PATH is small enough to be checked whole on every open."""
    size = path.stat().st_size
    with path.open("rb") as file:
        plain = file.read(16) == b"SQLite format 3\x00"
    return size < (ALWAYS_CHECK_BELOW if plain else min(ENCRYPTED_CHECK_BELOW, ALWAYS_CHECK_BELOW))


RECHECK_AFTER = timedelta(days=7)


def stamp_path(path: Path) -> Path:
    """The record of PATH's last clean close, beside it (as SQLite keeps its -wal and -shm)."""
    return path.with_name(f"{path.name}.checked")


def _looks(path: Path) -> dict[str, int]:
    found = path.stat()
    return {
        "device": found.st_dev,
        "inode": found.st_ino,
        "size": found.st_size,
        "modified_ns": found.st_mtime_ns,
        "changed_ns": found.st_ctime_ns,
    }


def _journal_left(path: Path) -> bool:
    """Whether SQLite has something of PATH's in a journal (a crash, or another window open)."""
    for suffix in ("-wal", "-journal"):
        with contextlib.suppress(OSError):
            if Path(f"{path}{suffix}").stat().st_size > 0:
                return True
    return False


def last_check(path: Path, now: datetime | None = None) -> datetime | None:
    """When the check PATH's present state descends from passed, if the check may be skipped."""
    try:
        if always_checked(path) or _journal_left(path):
            return None
        record = json.loads(stamp_path(path).read_text(encoding="utf-8"))
        checked_at = datetime.fromisoformat(record["checked_at"])
        if record["looks"] != _looks(path):
            return None
    except (OSError, ValueError, KeyError, TypeError):  # no record, or not one of ours
        return None
    moment = now or clock_now()
    if checked_at.tzinfo is not None or not moment - RECHECK_AFTER < checked_at <= moment:
        return None
    return checked_at


def forget_check(path: Path) -> None:
    """Drop PATH's record: the next open checks the whole file (before companion writes)."""
    with contextlib.suppress(OSError):
        stamp_path(path).unlink()


def record_clean_close(path: Path, checked_at: datetime) -> None:
    """Note how PATH looks now that companion closed it, descended from a check at CHECKED_AT.

    Only an optimisation: when it cannot be written (a read-only folder, a full disk), the
    next open simply checks again.
    """
    try:
        small = always_checked(path)  # checked on every open anyway
    except OSError:
        return
    if small or _journal_left(path):  # or another window has it open: its writes are elsewhere
        forget_check(path)
        return
    with contextlib.suppress(OSError, ValueError):
        record = json.dumps({"checked_at": checked_at.isoformat(), "looks": _looks(path)})
        with contextlib.suppress(OSError):
            if stamp_path(path).read_text(encoding="utf-8") == record:
                return  # a command that only read: the record stands as it is
        write_private_file(stamp_path(path), record)
