"""Where protocol files are found, and their ids read cheaply (tomllib only, no validation).

`companion start` checks a --protocol id against these before its screen opens, without loading
pydantic; the full load (companion.core.protocols) walks the same search path later and reports any
file that does not validate. Both read files the same way: at most MAX_FILE_BYTES, UTF-8, TOML
nested too deeply reported like any other parse error, so one bad file is a message, not a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from companion.core.errors import CompanionError

Origin = Literal["built-in", "user", "extra"]

MAX_FILE_BYTES = 256 * 1024  # the built-ins are 2 to 5 KiB; checked before a file is parsed


def builtin_protocols_dir() -> Path:
    """Where the built-in protocols are: inside the wheel, or at the top of a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "builtin_protocols"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "protocols"


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
    """The ids declared by the protocol files on the search path (unusable files are skipped)."""
    return scan_protocol_files(extra_dirs, include_user=include_user).ids


@dataclass
class FileScan:
    """What a quick look at the protocol files found: ids declared, and files that can't be used."""

    ids: set[str] = field(default_factory=set)
    unusable: dict[str, str] = field(default_factory=dict)  # id (else the file's name) -> problem
    # Files whose id was read off the usual line, not parsed yet: id -> [(path, text)].
    unparsed: dict[str, list[tuple[Path, str]]] = field(default_factory=dict)


def scan_protocol_files(extra_dirs: Iterable[Path] = (), *, include_user: bool = True) -> FileScan:
    """Each file's id, read cheaply; a file that can't be read or parsed is kept with its problem
    under its declared id or, without one, the file's name (`walk.toml` for 'walk')."""
    scan = FileScan()
    for folder, _ in search_path(extra_dirs, include_user=include_user):
        if not is_folder(folder):
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                text = read_protocol_text(path)
                found = plain_id(text)
                if found is not None:
                    scan.unparsed.setdefault(found, []).append((path, text))
                else:
                    found = _parsed_id(text, str(path))
            except UnusableFile as error:
                scan.unusable[error.declared_id or path.stem] = str(error)
                continue
            scan.ids.add(found)
    return scan


def protocol_problem(
    protocol_id: str, extra_dirs: Iterable[Path] = (), *, include_user: bool = True
) -> str | None:
    """None if a file on the search path has PROTOCOL_ID (and is TOML), else the one line saying
    why not: the problem of the file that would have held it, or that no file has it. Checking
    the fields is left to the full load (pydantic), which reports them the same way."""
    scan = scan_protocol_files(extra_dirs, include_user=include_user)
    problem = None
    for path, text in scan.unparsed.get(protocol_id, []):
        try:
            parse_toml(text, str(path))
        except UnusableFile as error:
            problem = str(error)
            continue
        return None
    if problem is None and protocol_id in scan.ids:
        return None
    problem = problem or scan.unusable.get(protocol_id)
    if problem is not None:
        return cannot_use(protocol_id, problem)
    return unknown_protocol(protocol_id, scan.ids)


def is_folder(path: Path) -> bool:
    """Path.is_dir, but False (not an exception) for a path the system refuses to look at."""
    try:
        return path.is_dir()
    except OSError:  # a name too long, a folder we may not enter
        return False


class UnusableFile(CompanionError):
    """A protocol file that can't be read or parsed; the message is 'FILE: PROBLEM'."""

    def __init__(self, message: str, declared_id: str | None = None) -> None:
        super().__init__(message)
        self.declared_id = declared_id


def read_protocol_text(path: Path) -> str:
    """The text of a protocol file, refusing what is not a file, too large, or not UTF-8."""
    if is_folder(path) or (
        path.exists() and not path.is_file()
    ):  # a folder, a pipe: reading would fail or wait
        raise UnusableFile(f"{path}: cannot read: not a regular file")
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise UnusableFile(f"{path}: cannot read: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UnusableFile(
            f"{path}: too large: a protocol file may have at most {MAX_FILE_BYTES // 1024} KiB",
            plain_id(raw[:4096].decode("utf-8", "replace")),
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnusableFile(
            f"{path}: cannot read: {error}", plain_id(raw[:4096].decode("utf-8", "replace"))
        ) from None


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """The TOML in TEXT; UnusableFile naming SOURCE and the problem (deep nesting included)."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UnusableFile(f"{source}: not valid TOML: {error}", plain_id(text)) from None
    except ValueError:  # tomllib's int() on a decimal number of more than 4300 digits
        raise UnusableFile(
            f"{source}: not valid TOML: a number has too many digits", plain_id(text)
        ) from None
    except RecursionError:  # thousands of nested arrays or inline tables
        raise UnusableFile(
            f"{source}: not valid TOML: arrays or tables nested too deeply", plain_id(text)
        ) from None


# `id = "grow"` before the first [table]: how every protocol file starts; anything else is parsed.
_PLAIN_ID = re.compile(
    r"""\A(?:[ \t]*(?:#.*)?\n|[ \t]*[A-Za-z_-]+[ \t]*=.*\n)*?"""
    r"""[ \t]*id[ \t]*=[ \t]*"([a-z0-9][a-z0-9_-]*)"[ \t]*(?:#.*)?$""",
    re.M,
)


def plain_id(text: str) -> str | None:
    """The id on the usual `id = "grow"` line near the top, without parsing the rest."""
    match = _PLAIN_ID.match(text)
    return match.group(1) if match else None


def _parsed_id(text: str, source: str) -> str:
    """The top-level `id` of a protocol file without the usual first line: parsed with tomllib."""
    declared = parse_toml(text, source).get("id")
    if declared is None:
        raise UnusableFile(f"{source}: id: missing: this field is required")
    if not isinstance(declared, str):
        raise UnusableFile(f"{source}: id: must be a string")
    return declared


def cannot_use(protocol_id: str, problem: str) -> str:
    """The one wording for a protocol whose file is there but unusable."""
    return f"protocol {protocol_id!r} cannot be used: {problem}"


def unknown_protocol(protocol_id: str, known: Iterable[str]) -> str:
    """The one wording for a protocol id that is not there."""
    return f"unknown protocol {protocol_id!r} (known: {', '.join(sorted(known)) or 'none'})"
