"""What every command shares: the context (database, protocols), dates, errors and JSON output."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from companion.core.dates import parse_date, parse_moment
from companion.core.errors import CompanionError
from companion.services import heap

if TYPE_CHECKING:  # imported when first used: `companion start` must paint before paying for them
    from pydantic import BaseModel, ValidationError

    from companion.core.protocols import ProtocolLibrary
    from companion.services.config import Config
    from companion.store import Store
    from companion.tui.app import CompanionApp


class UserError(click.ClickException):
    """A mistake in what the coach asked for: one line on stderr, exit status 2."""

    exit_code = 2


def describe_invalid(error: ValidationError) -> str:
    """A pydantic error about something the coach typed, as one line: 'FIELD: PROBLEM; ...'."""
    problems = []
    for problem in error.errors():
        field_name = ".".join(str(part) for part in problem["loc"]) or error.title
        message = str(problem["msg"]).removeprefix("Value error, ")
        if "input" in problem and not isinstance(problem["input"], dict | list):
            message += f" (got {problem['input']!r})"
        problems.append(f"{field_name}: {message}")
    return " ".join(f"invalid {error.title.lower()}: {'; '.join(problems)}".split())


# Control characters (C0, DEL, C1) other than the whitespace that is folded into spaces anyway.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LONG_WORD = 300  # characters: a 1 MB argument quoted back is cut down to its two ends


def one_line(message: str) -> str:
    """MESSAGE fit for one line of stderr: whitespace folded, control characters escaped, any
    very long word (a pasted megabyte, quoted back in an error) shortened."""
    words = _CONTROL.sub(lambda m: repr(m.group())[1:-1], message).split()
    return " ".join(
        w if len(w) <= _LONG_WORD else f"{w[:200]}...({len(w) - 240} more)...{w[-40:]}"
        for w in words
    )


def _garbled_argument(args: Sequence[str]) -> str | None:
    """The problem with the first argument that is not text companion can keep, if any."""
    for number, arg in enumerate(args, start=1):
        if not isinstance(arg, str):
            continue
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes that were not UTF-8, carried as surrogates
            shown = repr(arg if len(arg) <= 60 else arg[:57] + "...")
            return (
                f"argument {number} ({shown}) is not UTF-8 text: companion takes names, text "
                "and paths in UTF-8 (check the terminal's encoding, or rename the file)"
            )
        if "\x00" in arg:
            return f"argument {number} contains a NUL character"
    return None


class CompanionGroup(click.Group):
    """A click group whose errors are one plain line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CompanionError as error:
            raise UserError(one_line(str(error))) from None
        except ValueError as error:
            from pydantic import ValidationError

            if isinstance(error, ValidationError):  # a record built from bad command-line input
                raise UserError(describe_invalid(error)) from None
            raise

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        garbled = _garbled_argument(sys.argv[1:] if args is None else list(args))
        try:
            if garbled is not None:
                raise UserError(garbled)
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            exit_code = result if isinstance(result, int) else 0
        except click.exceptions.NoArgsIsHelpError as error:
            # `companion clients` alone asks what there is: the help, not an error.
            click.echo(
                error.ctx.get_help() if error.ctx else self.get_help(self.context_class(self))
            )
            exit_code = 0
        except click.ClickException as error:
            message = one_line(error.format_message())  # one line, even for usage errors
            if isinstance(error, click.UsageError) and error.ctx is not None:
                message += f" (see '{error.ctx.command_path} --help')"
            click.echo(f"companion: {message}", err=True)
            exit_code = error.exit_code
        except click.Abort:
            click.echo("companion: aborted", err=True)
            exit_code = 1
        if standalone_mode:
            sys.exit(exit_code)
        return exit_code


@dataclass
class Practice:
    """The click context object: opens the database and finds the protocols only when asked."""

    db_path: str | None = None
    protocol_dirs: tuple[Path, ...] = ()
    _store: Store | None = field(default=None, repr=False)
    _protocols: ProtocolLibrary | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        """The practice, to read and write: one companion cannot save to is refused (exit 2)."""
        if self._store is None:
            with heap.paused():  # the store's imports and the open build what the command keeps
                from companion.store import Store

                self._store = Store.open(self.db_path)
        return self._store

    @property
    def reader(self) -> Store:
        """The practice for a command that only reads: opened read-only, with a note on stderr,
        when companion cannot save to it (a read-only file, folder or disk). Nothing is created:
        a file --db or $COMPANION_DB names that holds no practice is refused (exit 2), and none
        begun yet at the default place reads as an empty practice."""
        if self._store is None:
            with heap.paused():
                from companion.store import Store

                self._store = Store.open(self.db_path, reading=True)
            if self._store.read_only and not self._store.not_begun:
                click.echo(
                    f"companion: reading {self._store.path} read-only ({self._store.read_only}); "
                    "commands that change it are refused",
                    err=True,
                )
        return self._store

    def refuse_if_named_wrong(self) -> None:
        """Before a screen opens on a practice it may write to: refuse (exit 2) a file --db or
        $COMPANION_DB names that holds no practice, as a command that only reads does."""
        from companion.store.paths import practice_to_read

        practice_to_read(self.db_path)

    @property
    def protocols(self) -> ProtocolLibrary:
        if self._protocols is None:
            from companion.core.protocols import ProtocolLibrary

            self._protocols = ProtocolLibrary.discover(self.protocol_dirs)
        return self._protocols

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_practice = click.make_pass_decorator(Practice)


class DateParam(click.ParamType):
    """A calendar date as companion.core.dates takes it: YYYY-MM-DD, today, +7d, friday, 15 jan."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as error:
            self.fail(str(error))
        except OverflowError:  # +99999999d: past the calendar
            self.fail(f"{_shown(value)} is past the last date there is (9999-12-31)")


DATE = DateParam()


class DateTimeParam(click.ParamType):
    """A moment: a date as DATE takes it, then the time, HH:MM (2026-11-25 14:00, today 09:30)."""

    name = "DATETIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_moment(str(value))
        except ValueError as error:
            self.fail(str(error))
        except OverflowError:
            self.fail(f"{_shown(value)} is past the last date there is (9999-12-31)")


DATETIME = DateTimeParam()


def _shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


MAX_ID = 2**63 - 1  # SQLite's largest integer


class IdParam(click.ParamType):
    """A record id: a whole number from 1 to 2**63 - 1, the ids SQLite can hold."""

    name = "ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not re.fullmatch(r"[0-9]+", text):
                self.fail(f"{_shown(value)} is not an id: use a whole number, e.g. 12")
            number = int(text) if len(text) <= 19 else MAX_ID + 1  # (int() refuses 4,300 digits)
        if not 1 <= number <= MAX_ID:
            self.fail(f"{_shown(value)} is not an id: ids are whole numbers from 1 to {MAX_ID}")
        return number


ID = IdParam()


class NonEmptyPath(click.Path):
    """click.Path that refuses an empty string (which would mean 'the default' or '.')."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("needs a path, not an empty string")
        if isinstance(value, str) and (
            len(os.fsencode(value)) > 4000
            or any(len(os.fsencode(part)) > 255 for part in value.split(os.sep))
        ):
            self.fail(f"{_shown(value)} is too long to be a path (at most 255 bytes a name)")
        return super().convert(value, param, ctx)


def echo_json(data: BaseModel | Iterable[BaseModel] | dict[str, Any] | list[Any]) -> None:
    """Print models (or plain JSON data) as indented JSON on stdout."""
    from pydantic import BaseModel

    if isinstance(data, BaseModel):
        payload: Any = data.model_dump(mode="json")
    elif isinstance(data, dict):
        payload = data
    else:
        payload = [
            item.model_dump(mode="json") if isinstance(item, BaseModel) else item for item in data
        ]
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    # json escapes C0 controls itself; DEL and C1 controls would still reach the terminal.
    click.echo(_json_safe(text))


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f]")


def _json_safe(text: str) -> str:
    return _UNSAFE_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def echo_json_array(items: Iterable[Any]) -> None:
    """Print ITEMS (plain JSON data) as an indented JSON array, one item at a time, exactly as
    echo_json prints the list: a long listing never holds its whole text in memory."""
    opening = "["
    for item in items:
        body = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        click.echo(f"{opening}\n  {_json_safe(body)}", nl=False)
        opening = ","
    click.echo("[]" if opening == "[" else "\n]")


def run_screen(app: CompanionApp) -> None:
    """Run a screen app; an unexpected end (its crash report written) exits non-zero."""
    try:
        app.run()
    finally:
        app.watchdog_cancel()  # it returned: no need to end the process by force
    if app.failure is not None:
        raise UserError(app.failure)
    if app.return_code:
        raise SystemExit(app.return_code)


def client_or_fail(practice: Practice, name: str) -> int:
    """The id of the client called NAME, or a UserError naming the clients there are."""
    from companion.store import NotFound

    try:
        client = practice.store.client_named(name)
    except NotFound as error:
        raise UserError(str(error)) from None
    assert client.id is not None
    return client.id


def config_or_fail(section: str) -> Config:
    """The coach's settings in SECTION; a wrong one refuses the command in one line naming the
    field (the other sections are not the command's business)."""
    from companion.services.config import ConfigError, load_config

    try:
        return load_config(sections=frozenset({section}))
    except ConfigError as error:
        raise UserError(str(error)) from None
