"""Rescue files: the notes set aside when the practice cannot be written.

When the disk is full or the file read-only, the live screen keeps the notes in memory, retries,
and also writes them here: beside the database if that folder takes a write, else in the data
folder (which may be on another disk). The next time that session is opened, companion offers to
bring the text back; once the notes are saved to the practice again, the file is removed.

A rescue file is the notes as they were, after one line of JSON naming the practice and the
session: a coach can read it in any editor. It is 0600 in a 0700 folder, like the practice.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import json
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from companion.services.files import data_folder, write_private_file

SUFFIX = ".rescue.txt"


class NotSetAside(OSError):
    """No rescue file is written beside an encrypted practice (see `write_rescue`)."""


class RescuedNotes(BaseModel):
    """Notes of one session that did not reach the practice, as found in a rescue file."""

    model_config = ConfigDict(frozen=True)

    path: Path
    practice: str
    session_id: int
    saved_at: datetime
    text: str


def _practice_key(db_path: Path) -> str:
    return str(db_path.expanduser().resolve())


def _prefix(db_path: Path) -> str:
    digest = hashlib.sha256(_practice_key(db_path).encode("utf-8", "surrogateescape"))
    return f"{db_path.name}-{digest.hexdigest()[:8]}.session-"


def rescue_folders(db_path: Path) -> list[Path]:
    """Where rescue files go, in order: beside the database, then the data folder."""
    return [db_path.expanduser().resolve().parent, data_folder("rescue")]


def write_rescue(db_path: Path, session_id: int, text: str, at: datetime) -> Path:
    """Set TEXT aside for session SESSION_ID; the path written. OSError if no folder takes it.

    Beside an encrypted practice nothing is set aside (a plain copy of the notes is what the
    encryption is there to prevent): OSError, whose words the banner shows.
    """
    from companion.store.cipher import looks_encrypted

    if looks_encrypted(db_path.expanduser()):
        raise NotSetAside(
            errno.EPERM, "the practice is encrypted, and notes are never set aside unencrypted"
        )
    header = json.dumps(
        {
            "companion_rescue": 1,
            "practice": _practice_key(db_path),
            "session_id": session_id,
            "saved_at": at.isoformat(),
        }
    )
    name = f"{_prefix(db_path)}{session_id}{SUFFIX}"
    failure: OSError | None = None
    for folder in rescue_folders(db_path):
        try:
            path = write_private_file(folder / name, header + "\n" + text)
        except OSError as error:
            failure = failure or error
            continue
        for other in rescue_folders(db_path):  # an older copy elsewhere is now out of date
            if other / name != path:
                with contextlib.suppress(OSError):
                    (other / name).unlink()
        return path
    assert failure is not None
    raise failure


def _read(path: Path, db_path: Path) -> RescuedNotes | None:
    try:
        header, _, text = path.read_text(encoding="utf-8").partition("\n")
        facts = json.loads(header)
        found = RescuedNotes(
            path=path,
            practice=facts["practice"],
            session_id=facts["session_id"],
            saved_at=facts["saved_at"],
            text=text,
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, ValidationError):
        return None  # not one of ours, or damaged: left alone
    return found if found.practice == _practice_key(db_path) else None


def find_rescues(db_path: Path, session_id: int | None = None) -> list[RescuedNotes]:
    """The rescue files of this practice (of one session), newest first."""
    found: dict[int, RescuedNotes] = {}
    which = str(session_id) if session_id is not None else "*"
    pattern = f"{glob.escape(_prefix(db_path))}{which}{glob.escape(SUFFIX)}"
    for folder in rescue_folders(db_path):
        with contextlib.suppress(OSError):
            for path in folder.glob(pattern):
                rescued = _read(path, db_path)
                if rescued is None:
                    continue
                known = found.get(rescued.session_id)
                if known is None or rescued.saved_at > known.saved_at:
                    found[rescued.session_id] = rescued
    return sorted(found.values(), key=lambda r: r.saved_at, reverse=True)


def discard_rescues(db_path: Path, session_id: int) -> None:
    """Remove the session's rescue files: its notes are in the practice again."""
    name = f"{_prefix(db_path)}{session_id}{SUFFIX}"
    for folder in rescue_folders(db_path):
        with contextlib.suppress(OSError):
            (folder / name).unlink()
