"""Session protocols: the structure a coach steps through, one TOML file each.

Protocols are found on a search path (built-ins, then the user's config dir, then any extra
folders); a later protocol with the same id replaces an earlier one. Reading files is the only
I/O here, and it is kept to `load_protocol_file` and `ProtocolLibrary.discover`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from companion.core.errors import CompanionError
from companion.core.markers import PCC_MARKERS, markers_in_order
from companion.core.protocol_files import (
    Origin,
    UnusableFile,
    cannot_use,
    is_folder,
    parse_toml,
    read_protocol_text,
    search_path,
    unknown_protocol,
)
from companion.core.protocol_files import builtin_protocols_dir as builtin_protocols_dir
from companion.core.protocol_files import user_protocols_dir as user_protocols_dir

ProtocolKind = Literal["first", "regular", "review", "closing", "other"]
Capture = Literal[
    "agreement", "review_actions", "scaling", "actions", "takeaways", "contract", "goals_review"
]

SLUG = r"^[a-z0-9][a-z0-9_-]*$"

# Bounds on everything a file can hold, so a mistyped or hostile file is a message naming the field,
# never an overflow, a screen full of text or a session of years. The built-ins sit far inside.
MAX_MINUTES = 600  # ten hours: also the most `companion start --minutes` takes
MAX_STEPS = 50
MAX_PROMPTS = 50
MAX_ID = 64
MAX_TITLE = 120
MAX_PURPOSE = 2000
MAX_PROMPT = 1000
MAX_DESCRIPTION = 4000

Prompt = Annotated[str, Field(max_length=MAX_PROMPT)]


class Step(BaseModel):
    # strict: TOML has real types, so `minutes = true` or `minutes = "5"` is a mistake to report.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)

    id: str = Field(
        pattern=SLUG, max_length=MAX_ID, description=f"A slug, 1 to {MAX_ID} characters."
    )
    title: str = Field(
        min_length=1, max_length=MAX_TITLE, description=f"1 to {MAX_TITLE} characters."
    )
    minutes: int = Field(
        ge=1, le=MAX_MINUTES, description=f"The step's timebox: 1 to {MAX_MINUTES} minutes."
    )
    purpose: str = Field(
        min_length=1, max_length=MAX_PURPOSE, description=f"1 to {MAX_PURPOSE} characters."
    )
    prompts: list[Prompt] = Field(
        min_length=1,
        max_length=MAX_PROMPTS,
        description=f"1 to {MAX_PROMPTS} prompts, each at most {MAX_PROMPT} characters.",
    )
    capture: Capture | None = None
    markers: list[str] = Field(
        default_factory=list,
        max_length=len(PCC_MARKERS),
        description="The ICF PCC markers the step serves: "
        f"{', '.join(PCC_MARKERS)} (the agreement's and the close's).",
    )

    @field_validator("markers")
    @classmethod
    def _check_markers(cls, markers: list[str]) -> list[str]:
        for marker in markers:
            if marker not in PCC_MARKERS:
                raise ValueError(
                    f"{marker!r} is not a PCC marker companion knows: use 3.1 to 3.4 (the "
                    "agreement) or 8.1 to 8.9 (the close)"
                )
        if len(set(markers)) != len(markers):
            raise ValueError("a marker is named twice")
        return markers


class Protocol(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)

    id: str = Field(
        pattern=SLUG, max_length=MAX_ID, description=f"A slug, 1 to {MAX_ID} characters."
    )
    name: str = Field(
        min_length=1, max_length=MAX_TITLE, description=f"1 to {MAX_TITLE} characters."
    )
    description: str = Field(
        default="", max_length=MAX_DESCRIPTION, description=f"At most {MAX_DESCRIPTION} characters."
    )
    kind: ProtocolKind = "regular"
    duration_minutes: int = Field(
        ge=1, le=MAX_MINUTES, description=f"The planned session: 1 to {MAX_MINUTES} minutes."
    )
    steps: list[Step] = Field(
        min_length=1, max_length=MAX_STEPS, description=f"1 to {MAX_STEPS} steps."
    )

    @field_validator("steps")
    @classmethod
    def _check_steps(cls, steps: list[Step], info: ValidationInfo) -> list[Step]:
        # A field validator (not a model one) so the problem is reported at `steps`.
        first_use: dict[str, int] = {}
        for index, step in enumerate(steps):
            if step.id in first_use:
                raise ValueError(
                    f"step id {step.id!r} is used twice (steps[{first_use[step.id]}] and "
                    f"steps[{index}]): step ids must be unique"
                )
            first_use[step.id] = index
        duration = info.data.get("duration_minutes")  # absent if it was itself invalid
        total = sum(step.minutes for step in steps)
        if duration is not None and total > duration:
            raise ValueError(
                f"step minutes add up to {total}, more than duration_minutes = {duration}: "
                "shorten some steps or lengthen the session"
            )
        return steps

    @property
    def closing_index(self) -> int:
        """Index of the first closing step (actions or takeaways), where the wrap-up begins."""
        for index, step in enumerate(self.steps):
            if step.capture in ("actions", "takeaways"):
                return index
        return len(self.steps) - 1

    def markers_of(self, step_ids: Iterable[str]) -> list[str]:
        """The PCC markers of the steps named (those a session went through), in ICF's order."""
        wanted = set(step_ids)
        return markers_in_order(
            marker for step in self.steps if step.id in wanted for marker in step.markers
        )

    def step_index(self, step_id: str) -> int | None:
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        return None


class ProtocolError(CompanionError):
    """A protocol file that can't be used; the message names the file, the field and the problem.

    `declared_id` is the id the file gives itself, when that much could be read; `problems`
    the message's problems one by one (each 'FILE: FIELD: PROBLEM'), for a list of them.
    """

    def __init__(
        self, message: str, declared_id: str | None = None, problems: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.declared_id = declared_id
        self.problems = problems or [message]


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, str) and len(part) > 40:  # an unknown key can be any length
            part = part[:37] + "..."
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _fields(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


_TOML_TYPES: dict[type, str] = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a float",
    dict: "a table",
    list: "an array",
}


def _found(value: object) -> str:
    """What the file has instead, briefly: `found a string 'eight'`."""
    kind = _TOML_TYPES.get(type(value), type(value).__name__)
    if isinstance(value, dict | list):
        return f"found {kind}"
    try:
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
    except ValueError:  # an integer of more digits than Python will print (over 4,300)
        return f"found {kind} too long to show"
    return f"found {kind} {shown if len(shown) <= 40 else shown[:37] + '...'}"


def _plain_message(problem: Any) -> str:
    """Pydantic's message, in the words of someone editing a TOML file."""
    kind, loc = problem["type"], problem["loc"]
    is_step_field = len(loc) > 2 and loc[0] == "steps"
    if kind == "missing":
        return "missing: this field is required"
    if kind == "extra_forbidden":
        return f"unknown field (the fields are: {_fields(Step if is_step_field else Protocol)})"
    if kind == "string_pattern_mismatch":
        message = "use lowercase letters, digits, '-' and '_' only, e.g. 'my-session'"
    elif kind in ("model_type", "model_attributes_type") and len(loc) == 2:
        message = "each step must be a [[steps]] table"
    elif kind == "too_short" and loc and loc[-1] in ("steps", "prompts"):
        return "must not be empty: " + (
            "add at least one [[steps]] table" if loc[-1] == "steps" else "add at least one prompt"
        )
    elif kind == "string_too_short":
        return "must not be empty"
    else:
        message = str(problem["msg"]).removeprefix("Value error, ")
    if "input" in problem and not kind.startswith("value_error"):
        message += f" ({_found(problem['input'])})"
    return message


MAX_PROBLEMS_SHOWN = 10


def describe_validation_error(source: str, error: ValidationError) -> str:
    """One line, 'FILE: FIELD: PROBLEM', the problems separated by '; ', fit for stderr."""
    return "; ".join(validation_problems(source, error))


def validation_problems(source: str, error: ValidationError) -> list[str]:
    """Each problem of ERROR as 'FILE: FIELD: PROBLEM' (at most MAX_PROBLEMS_SHOWN, then how
    many more)."""
    problems = []
    found = error.errors()
    for problem in found[:MAX_PROBLEMS_SHOWN]:
        message = " ".join(_plain_message(problem).split())
        problems.append(f"{source}: {_field_path(problem['loc'])}: {message}")
    if len(found) > MAX_PROBLEMS_SHOWN:
        problems.append(f"{source}: and {len(found) - MAX_PROBLEMS_SHOWN} more problems")
    return problems


def parse_protocol(text: str, source: str = "<protocol>") -> Protocol:
    try:
        data = parse_toml(text, source)
    except UnusableFile as error:
        raise ProtocolError(str(error), error.declared_id) from None
    declared = data.get("id")
    try:
        return Protocol.model_validate(data)
    except ValidationError as error:
        problems = validation_problems(source, error)
        raise ProtocolError(
            "; ".join(problems), declared if isinstance(declared, str) else None, problems
        ) from None


def load_protocol_file(path: Path) -> Protocol:
    """The protocol in PATH; ProtocolError naming the file and the problem for anything else
    (unreadable, over MAX_FILE_BYTES, not UTF-8, not TOML, nested too deeply, invalid)."""
    try:
        text = read_protocol_text(path)
    except UnusableFile as error:
        raise ProtocolError(str(error), error.declared_id) from None
    return parse_protocol(text, str(path))


@dataclass(frozen=True)
class ProtocolEntry:
    protocol: Protocol
    path: Path
    origin: Origin
    replaces: ProtocolEntry | None = None  # the protocol with the same id found earlier


@dataclass
class ProtocolLibrary:
    """The protocols a coach can use, by id, and the files that could not be loaded."""

    entries: dict[str, ProtocolEntry] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # one line per file: 'FILE: FIELD: PROBLEM'
    # The problem of each file that could not be loaded, by the id it declares (else its name), so
    # asking for that id says what is wrong with the file rather than "unknown protocol".
    unusable: dict[str, str] = field(default_factory=dict)

    @classmethod
    def discover(
        cls, extra_dirs: Iterable[Path] = (), *, include_user: bool = True
    ) -> ProtocolLibrary:
        library = cls()
        for folder, origin in search_path(extra_dirs, include_user=include_user):
            if not is_folder(folder):
                if origin == "extra":  # asked for by name, so a typo must not pass in silence
                    library.errors.append(f"{folder}: no such folder of protocols")
                continue
            in_this_folder: dict[str, Path] = {}
            for path in sorted(folder.glob("*.toml")):
                try:
                    protocol = load_protocol_file(path)
                except ProtocolError as error:
                    library.errors.append(str(error))
                    library.unusable[error.declared_id or path.stem] = str(error)
                    continue
                if protocol.id in in_this_folder:
                    library.errors.append(
                        f"{path}: id: {protocol.id!r} is already used by "
                        f"{in_this_folder[protocol.id].name} in the same folder; this file is "
                        "ignored"
                    )
                    continue
                in_this_folder[protocol.id] = path
                replaces = library.entries.get(protocol.id)
                library.entries[protocol.id] = ProtocolEntry(protocol, path, origin, replaces)
        return library

    def get(self, protocol_id: str) -> Protocol:
        try:
            return self.entries[protocol_id].protocol
        except KeyError:
            if protocol_id in self.unusable:
                raise ProtocolError(cannot_use(protocol_id, self.unusable[protocol_id])) from None
            raise ProtocolError(unknown_protocol(protocol_id, self.entries)) from None

    def __iter__(self) -> Iterator[ProtocolEntry]:
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


# Problems that only say a value is past one of the bounds above (added after sessions were stored).
_BOUND_ERRORS = frozenset({"less_than_equal", "too_long", "string_too_long"})


def protocol_from_snapshot(snapshot: str) -> Protocol:
    """The protocol as it was used in a session (stored as JSON on the session).

    A snapshot taken before the bounds existed may exceed one (a 700-minute session): it is
    history, so it is read as it is rather than refused; any other problem raises ValidationError.
    """
    try:
        return Protocol.model_validate_json(snapshot)
    except ValidationError as error:
        if any(problem["type"] not in _BOUND_ERRORS for problem in error.errors()):
            raise
        data = json.loads(snapshot)
        return Protocol.model_construct(
            **{**data, "steps": [Step.model_construct(**step) for step in data["steps"]]}
        )


def scaled_to(protocol: Protocol, minutes: int) -> Protocol:
    """PROTOCOL with each step's timebox scaled to a session of MINUTES (at least 1 minute a
    step), for `--minutes`: a 45-minute GROW keeps GROW's proportions. The same protocol when
    MINUTES is its own duration."""
    if minutes == protocol.duration_minutes or protocol.duration_minutes <= 0:
        return protocol
    ratio = minutes / protocol.duration_minutes
    steps = [
        step.model_copy(update={"minutes": max(1, round(step.minutes * ratio))})
        for step in protocol.steps
    ]
    return protocol.model_copy(update={"steps": steps, "duration_minutes": minutes})
