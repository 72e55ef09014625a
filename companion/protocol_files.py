"""Where protocol files are found, and their ids read cheaply (tomllib only, no validation).

`companion start` checks a --protocol id against these before its screen opens, without loading
pydantic; the full load (companion.protocols) walks the same search path later and reports any
file that does not validate.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Literal

Origin = Literal["built-in", "user", "extra"]


def builtin_protocols_dir() -> Path:
    """Where the built-in protocols are: inside the wheel, or at the top of a source checkout."""
    packaged = Path(str(resources.files("companion"))) / "builtin_protocols"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "protocols"


def user_protocols_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("companion", appauthor=False)) / "protocols"


def search_path(
    extra_dirs: Iterable[Path] = (), *, include_user: bool = True
) -> list[tuple[Path, Origin]]:
    """The folders searched, in order: built-ins, the user's, then any extra ones asked for."""
    folders: list[tuple[Path, Origin]] = [(builtin_protocols_dir(), "built-in")]
    if include_user:
        folders.append((user_protocols_dir(), "user"))
    folders.extend((Path(folder), "extra") for folder in extra_dirs)
    return folders


def protocol_ids(extra_dirs: Iterable[Path] = (), *, include_user: bool = True) -> set[str]:
    """The ids declared by the protocol files on the search path (unreadable files are skipped)."""
    ids: set[str] = set()
    for folder, _ in search_path(extra_dirs, include_user=include_user):
        if not folder.is_dir():
            continue
        for path in folder.glob("*.toml"):
            try:
                found = tomllib.loads(path.read_text(encoding="utf-8")).get("id")
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if isinstance(found, str):
                ids.add(found)
    return ids


def unknown_protocol(protocol_id: str, known: Iterable[str]) -> str:
    """The one wording for a protocol id that is not there."""
    return f"unknown protocol {protocol_id!r} (known: {', '.join(sorted(known)) or 'none'})"
