"""Files for the coach's eyes only: folders 0700, files 0600, written atomically.

One writer for every file companion leaves on disk beside the practice (recaps, exports, rescue
files, crash reports): a reader never sees half a file, and an interrupted write leaves the old
one in place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def make_private_folders(folder: Path) -> None:
    """Create FOLDER and each missing parent for the coach alone (0700), whatever the umask.

    Folders that already exist are left as they are. mkdir's mode is filtered by the umask and
    `mkdir(parents=True)` gives the parents the default mode: each new one is chmod-ed.
    """
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    for ancestor in reversed(missing):
        try:
            ancestor.mkdir(mode=0o700)
        except FileExistsError:  # created a moment ago by another companion: theirs
            continue
        os.chmod(ancestor, 0o700)


def write_private_file(path: Path, content: str | bytes) -> Path:
    """Write CONTENT to PATH atomically (temp file, fsync, rename), 0600 in 0700 folders.

    Raises OSError (a full disk, a read-only folder); the temporary file is removed then.
    """
    make_private_folders(path.parent)
    data = content.encode("utf-8") if isinstance(content, str) else content
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_folder(path.parent)  # the rename itself lasts once the folder is synced
    return path


def sync_folder(folder: Path) -> None:
    """Make the disk keep FOLDER's entries as they are now (a rename in it); best effort."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def data_folder(*parts: str) -> Path:
    """The user's companion data folder (or a folder in it): recaps, crash reports, rescues."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("companion", appauthor=False)).joinpath(*parts)
