"""Where the practice database lives, and creating it privately (folder 0700, file 0600)."""

from __future__ import annotations

import os
from pathlib import Path

from companion.services.files import make_private_folders

DB_ENV = "COMPANION_DB"


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("companion", appauthor=False)) / "companion.db"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db wins, then $COMPANION_DB, then the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()


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
