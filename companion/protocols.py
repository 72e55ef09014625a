"""Session protocols: the structure a coach steps through, one TOML file each.

Protocols are found on a search path (built-ins, then the user's config dir, then any extra
folders); a later protocol with the same id replaces an earlier one. Reading files is the only
I/O here, and it is kept to `load_protocol_file` and `ProtocolLibrary.discover`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ProtocolKind = Literal["first", "regular", "review", "closing", "other"]
Capture = Literal["agreement", "review_actions", "scaling", "actions", "takeaways"]
Origin = Literal["built-in", "user", "extra"]

SLUG = r"^[a-z0-9][a-z0-9_-]*$"


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    minutes: int = Field(ge=1)
    purpose: str = Field(min_length=1)
    prompts: list[str] = Field(min_length=1)
    capture: Capture | None = None


class Protocol(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    description: str = ""
    kind: ProtocolKind = "regular"
    duration_minutes: int = Field(ge=1)
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_steps(self) -> Protocol:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} is used twice")
            seen.add(step.id)
        total = sum(step.minutes for step in self.steps)
        if total > self.duration_minutes:
            raise ValueError(
                f"step minutes add up to {total}, more than duration_minutes = "
                f"{self.duration_minutes}"
            )
        return self

    @property
    def closing_index(self) -> int:
        """Index of the first closing step (actions or takeaways), where the wrap-up begins."""
        for index, step in enumerate(self.steps):
            if step.capture in ("actions", "takeaways"):
                return index
        return len(self.steps) - 1

    def step_index(self, step_id: str) -> int | None:
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        return None


class ProtocolError(Exception):
    """A protocol file that can't be used; the message names the file, the field and the problem."""


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def describe_validation_error(source: str, error: ValidationError) -> str:
    """One line, 'FILE: FIELD: PROBLEM', the problems separated by '; ', fit for stderr."""
    problems = []
    for problem in error.errors():
        message = problem["msg"].removeprefix("Value error, ")
        problems.append(f"{source}: {_field_path(problem['loc'])}: {message}")
    return "; ".join(problems)


def parse_protocol(text: str, source: str = "<protocol>") -> Protocol:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProtocolError(f"{source}: not valid TOML: {error}") from None
    try:
        return Protocol.model_validate(data)
    except ValidationError as error:
        raise ProtocolError(describe_validation_error(source, error)) from None


def load_protocol_file(path: Path) -> Protocol:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProtocolError(
            f"{path}: cannot read: {getattr(error, 'strerror', None) or error}"
        ) from None
    return parse_protocol(text, str(path))


def builtin_protocols_dir() -> Path:
    """Where the built-in protocols are: inside the wheel, or at the top of a source checkout."""
    packaged = Path(str(resources.files("companion"))) / "builtin_protocols"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "protocols"


def user_protocols_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("companion", appauthor=False)) / "protocols"


@dataclass(frozen=True)
class ProtocolEntry:
    protocol: Protocol
    path: Path
    origin: Origin


@dataclass
class ProtocolLibrary:
    """The protocols a coach can use, by id, and the files that could not be loaded."""

    entries: dict[str, ProtocolEntry] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def discover(
        cls, extra_dirs: Iterable[Path] = (), *, include_user: bool = True
    ) -> ProtocolLibrary:
        library = cls()
        folders: list[tuple[Path, Origin]] = [(builtin_protocols_dir(), "built-in")]
        if include_user:
            folders.append((user_protocols_dir(), "user"))
        folders.extend((Path(folder), "extra") for folder in extra_dirs)
        for folder, origin in folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.toml")):
                try:
                    protocol = load_protocol_file(path)
                except ProtocolError as error:
                    library.errors.append(str(error))
                    continue
                library.entries[protocol.id] = ProtocolEntry(protocol, path, origin)
        return library

    def get(self, protocol_id: str) -> Protocol:
        try:
            return self.entries[protocol_id].protocol
        except KeyError:
            known = ", ".join(sorted(self.entries)) or "none"
            raise ProtocolError(f"unknown protocol {protocol_id!r} (known: {known})") from None

    def __iter__(self):
        return iter(
            sorted(
                self.entries.values(), key=lambda e: (_KIND_ORDER[e.protocol.kind], e.protocol.id)
            )
        )

    def __len__(self) -> int:
        return len(self.entries)

    def default_for(self, *, first_session: bool) -> Protocol:
        """A first session for a new client, otherwise GROW (or the first regular one there is)."""
        wanted = "first" if first_session else "regular"
        preferred = "first" if first_session else "grow"
        if preferred in self.entries:
            return self.entries[preferred].protocol
        for entry in self:
            if entry.protocol.kind == wanted:
                return entry.protocol
        return next(iter(self)).protocol


_KIND_ORDER: dict[str, int] = {"first": 0, "regular": 1, "review": 2, "closing": 3, "other": 4}


def protocol_from_snapshot(snapshot: str) -> Protocol:
    """The protocol as it was used in a session (stored as JSON on the session)."""
    return Protocol.model_validate_json(snapshot)
