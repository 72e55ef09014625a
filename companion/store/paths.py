"""Where the practice database lives, and creating it privately (folder 0700, file 0600)."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from companion.services.files import make_private_folders

from .base import StoreError

DB_ENV = "COMPANION_DB"


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("companion", appauthor=False)) / "companion.db"


def locate_db(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """The practice file and who named it: '--db' (EXPLICIT wins), then '$COMPANION_DB', then
    '' for the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser(), "--db"
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser(), f"${DB_ENV}"
    return default_db_path(), ""


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db wins, then $COMPANION_DB, then the platform's user data folder."""
    return locate_db(explicit)[0]


class NoPractice(StoreError):
    """--db or $COMPANION_DB names a file that holds no practice, for a command that only reads
    (a typo, an unmounted disk): refused, rather than answered as an empty practice."""


def practice_to_read(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """The practice file a command that only reads opens, and whether a practice is there yet.

    Reading never creates the file nor its folder. At the default place, nothing there yet is a
    practice not begun (False); a file the coach named that is missing or empty is refused
    (NoPractice, one line), since what it names is not what they meant.
    """
    path, named_by = locate_db(explicit)
    try:
        absent = "" if path.stat().st_size > 0 else "an empty file"
    except FileNotFoundError:
        absent = "no such file"
    except OSError:  # under a file, or it cannot be looked at: opening it says why
        absent = ""
    if absent and named_by == "--db":
        raise NoPractice(
            f"there is no practice at {path} ({absent}): check the path, or begin one there "
            f"with `companion --db {shlex.quote(str(path))} start`"
        )
    if absent and named_by:
        raise NoPractice(
            f"there is no practice at {path}, which {named_by} names ({absent}): check "
            f"{named_by}, or begin one there with `companion start`"
        )
    return path, not absent


def create_private_file(path: Path) -> None:
    """Create the database file (and its folder) for the coach alone, before SQLite opens it.

    SQLite gives the -wal and -shm files the same permissions as the database file.
    """
    make_private_folders(path.parent)
    if not path.exists():
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:  # another companion created it a moment ago: theirs is fine
            return
        try:
            os.fchmod(descriptor, 0o600)
        finally:
            os.close(descriptor)
