"""What every command shares: the context (database, protocols), dates, errors and JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from companion.dates import parse_date, parse_moment
from companion.errors import CompanionError

if TYPE_CHECKING:  # imported when first used: `companion start` must paint before paying for them
    from pydantic import BaseModel, ValidationError

    from companion.protocols import ProtocolLibrary
    from companion.store import Store


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


class CompanionGroup(click.Group):
    """A click group whose errors are one plain line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CompanionError as error:
            raise UserError(" ".join(str(error).split())) from None
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
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            exit_code = result if isinstance(result, int) else 0
        except click.exceptions.NoArgsIsHelpError as error:
            # `companion clients` alone asks what there is: the help, not an error.
            click.echo(
                error.ctx.get_help() if error.ctx else self.get_help(self.context_class(self))
            )
            exit_code = 0
        except click.ClickException as error:
            message = " ".join(error.format_message().split())  # one line, even for usage errors
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
        if self._store is None:
            from companion.store import Store

            self._store = Store.open(self.db_path)
        return self._store

    @property
    def protocols(self) -> ProtocolLibrary:
        if self._protocols is None:
            from companion.protocols import ProtocolLibrary

            self._protocols = ProtocolLibrary.discover(self.protocol_dirs)
        return self._protocols

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_practice = click.make_pass_decorator(Practice)


class DateParam(click.ParamType):
    """A calendar date as companion.dates takes it: YYYY-MM-DD, today, yesterday, +7d, +2w."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as error:
            self.fail(str(error))


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


DATETIME = DateTimeParam()


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
    click.echo(json.dumps(payload, indent=2, ensure_ascii=False))


def client_or_fail(practice: Practice, name: str) -> int:
    """The id of the client called NAME, or a UserError naming the clients there are."""
    client = practice.store.find_client(name)
    if client is None:
        names = ", ".join(c.name for c in practice.store.clients()[:8]) or "none yet"
        raise UserError(f"no client called {name!r} (clients: {names})")
    assert client.id is not None
    return client.id
