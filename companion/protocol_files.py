"""Where protocol files are found, and their ids read cheaply (tomllib only, no validation).

`companion start` checks a --protocol id against these before its screen opens, without loading
pydantic; the full load (companion.protocols) walks the same search path later and reports any
file that does not validate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

Origin = Literal["built-in", "user", "extra"]


def builtin_protocols_dir() -> Path:
    """Where the built-in protocols are: inside the wheel, or at the top of a source checkout."""
    packaged = Path(__file__).resolve().parent / "builtin_protocols"
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
                found = _declared_id(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
            if found is not None:
                ids.add(found)
    return ids


# `id = "grow"` before the first [table]: how every protocol file starts; anything else is parsed.
_PLAIN_ID = re.compile(
    r"""\A(?:[ \t]*(?:#.*)?\n|[ \t]*[A-Za-z_-]+[ \t]*=.*\n)*?"""
    r"""[ \t]*id[ \t]*=[ \t]*"([a-z0-9][a-z0-9_-]*)"[ \t]*(?:#.*)?$""",
    re.M,
)


def _declared_id(text: str) -> str | None:
    """The top-level `id` of a protocol file: a quick look for the usual line, else tomllib."""
    match = _PLAIN_ID.match(text)
    if match:
        return match.group(1)
    import tomllib

    try:
        found = tomllib.loads(text).get("id")
    except tomllib.TOMLDecodeError:
        return None  # the full load reports it
    return found if isinstance(found, str) else None


def unknown_protocol(protocol_id: str, known: Iterable[str]) -> str:
    """The one wording for a protocol id that is not there."""
    return f"unknown protocol {protocol_id!r} (known: {', '.join(sorted(known)) or 'none'})"
