"""`companion sessions` (and `sessions edit`), `show` and `recap`: the sessions from the shell."""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

import click

from companion.core.dates import DATE_HINT
from companion.core.models import Session
from companion.core.text import session_length, shown

from .common import (
    DATE,
    DATETIME,
    ID,
    Practice,
    UserError,
    client_or_fail,
    echo_json,
    echo_json_array,
    pass_practice,
)
from .tables import Column, print_plain, print_table

if TYPE_CHECKING:
    from rich.console import RenderableType

    from companion.core.models import RecapFormat, SessionRecord


def _cells(session: Session, client_name: str) -> tuple[str, ...]:
    """One row of the table, stored text made safe for the terminal."""
    return (
        str(session.id),
        f"{session.started_at:%Y-%m-%d %H:%M}",
        shown(client_name),
        shown(session.protocol_id),
        session_length(session.duration_minutes),
        shown(" ".join(session.agreement.topic.split())),
    )


SESSION_COLUMNS = (
    Column("Id", "right", wrap=False),
    Column("Started", wrap=False),
    Column("Client"),
    Column("Protocol", wrap=False),
    Column("Length", wrap=False),
    Column("Topic"),
)


@click.group("sessions", invoke_without_command=True)
@click.option("--client", "client_name", metavar="NAME", help="Only this client's sessions.")
@click.option(
    "--since",
    type=DATE,
    help=f"Only sessions on or after this date ({DATE_HINT}).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def sessions(
    ctx: click.Context, client_name: str | None, since: date | None, as_json: bool
) -> None:
    """List sessions, newest first (`sessions edit ID` corrects a finished session's times)."""
    if ctx.invoked_subcommand is not None:
        return
    practice = ctx.find_object(Practice)
    assert practice is not None
    store = practice.reader
    client_id = client_or_fail(practice, client_name) if client_name is not None else None
    names = {client.id: client.name for client in store.clients()}
    if as_json:  # row by row: 10,000 sessions never become one list of models, dicts or text
        echo_json_array(
            {
                **session.model_dump(mode="json", exclude={"protocol_snapshot"}),
                "client_name": names.get(session.client_id, ""),
                "duration_minutes": session.duration_minutes,
            }
            for session in store.session_listing(client_id, since=since)
        )
        return
    found = store.sessions(client_id, since=since)
    if not found:
        click.echo("No sessions yet." if client_id is None and since is None else "No sessions.")
        return
    print_table(SESSION_COLUMNS, [_cells(s, names.get(s.client_id, "")) for s in found])


@sessions.command("edit")
@click.argument("session_id", type=ID)
@click.option("--started", type=DATETIME, help="When it really started: 'YYYY-MM-DD HH:MM'.")
@click.option("--ended", type=DATETIME, help="When it really ended: 'YYYY-MM-DD HH:MM'.")
@click.option(
    "--minutes",
    type=int,
    help="The time really spent coaching, 1 to 600 (without it: end minus start).",
)
@pass_practice
def edit(
    practice: Practice,
    session_id: int,
    started: datetime | None,
    ended: datetime | None,
    minutes: int | None,
) -> None:
    """Correct a finished session's start, end or minutes; the hours log follows.

    --started or --ended alone set the minutes to end minus start; --minutes alone keeps both
    times. Prints the corrected session.
    """
    if started is None and ended is None and minutes is None:
        raise UserError(
            "nothing to change: give --started, --ended or --minutes "
            f"(e.g. companion sessions edit {session_id} --minutes 55)"
        )
    store = practice.store
    session = store.correct_session_time(
        session_id,
        started_at=started,
        ended_at=ended,
        duration_seconds=None if minutes is None else minutes * 60,
    )
    client = store.get_client(session.client_id)
    print_table(SESSION_COLUMNS, [_cells(session, client.name)])


def _score(text: str) -> tuple[int, int]:
    """'GOAL_ID=SCORE' (for --score), a UserError naming the problem otherwise."""
    goal, _, score = text.partition("=")
    if not (goal.strip().isdigit() and score.strip().isdigit()):
        raise UserError(f"--score {text!r}: give GOAL_ID=SCORE, like --score 3=7")
    if not 0 <= int(score) <= 10:
        raise UserError(f"--score {text!r}: a score is a whole number from 0 to 10")
    return int(goal), int(score)


@sessions.command("correct")
@click.argument("session_id", type=ID)
@click.option("--topic", help="The session's topic, as agreed.")
@click.option("--outcome", help="The outcome the client wanted from the session.")
@click.option("--measure", help="How the client would know they got it.")
@click.option(
    "--next",
    "next_on",
    type=DATE,
    help=f"The next session's date ({DATE_HINT}).",
)
@click.option(
    "--takeaway",
    "takeaways",
    multiple=True,
    help="A takeaway; give it once for each (they replace the session's takeaways).",
)
@click.option(
    "--score",
    "scores",
    multiple=True,
    metavar="GOAL_ID=SCORE",
    help="A goal's score (0-10) in this session; `companion goals` lists the ids.",
)
@pass_practice
def correct(
    practice: Practice,
    session_id: int,
    topic: str | None,
    outcome: str | None,
    measure: str | None,
    next_on: date | None,
    takeaways: tuple[str, ...],
    scores: tuple[str, ...],
) -> None:
    """Correct what a session recorded: its agreement, next date, takeaways and goal scores
    (the notes: `companion notes edit ID`; the time: `sessions edit ID`). Searchable at once."""
    from companion.core.models import now
    from companion.store.corrections import Corrections
    from companion.store.lease import SessionInUse

    given = (topic, outcome, measure, next_on)
    if all(value is None for value in given) and not takeaways and not scores:
        raise UserError(
            "nothing to change: give --topic, --outcome, --measure, --next, --takeaway or "
            f"--score (e.g. companion sessions correct {session_id} --next +2w)"
        )
    parsed = dict(_score(text) for text in scores)
    store = practice.store
    record = _record(practice, session_id)
    lease = store.live_lease(session_id, now())
    if lease is not None:
        raise SessionInUse(lease, record.client.name)
    goals = {p.goal.id for p in record.goals}
    unknown = sorted(set(parsed) - goals)
    if unknown:
        raise UserError(
            f"--score: goal {unknown[0]} is not one of this session's goals "
            f"({', '.join(str(g) for g in sorted(g for g in goals if g is not None)) or 'none'})"
        )
    agreement = record.session.agreement
    changes = {
        "topic": topic,
        "desired_outcome": outcome,
        "measure_of_success": measure,
    }
    session = store.correct_session(
        session_id,
        Corrections(
            agreement=type(agreement).model_validate(  # validated: one line each, as typed
                {**agreement.model_dump(), **{k: v for k, v in changes.items() if v is not None}}
            ),
            next_session_on=next_on if next_on is not None else record.session.next_session_on,
            takeaways=list(takeaways) if takeaways else [t.text for t in record.takeaways],
            scores=dict(parsed),
        ),
    )
    print_table(SESSION_COLUMNS, [_cells(session, record.client.name)])


def _to_terminal() -> bool:
    """True when stdout is a terminal: stored text is then shown safe, else written exactly."""
    return sys.stdout.isatty()


def _echo_stored(text: str) -> None:
    """Print a document of stored text: safe on a terminal, exact to a pipe or a file.

    To a terminal, control characters show as pictures (see `shown`). Otherwise the text goes
    out as it is: `color=True` stops click from stripping what looks like ANSI styles from it.
    """
    if _to_terminal():
        click.echo(shown(text, multiline=True), nl=False)
    else:
        click.echo(text, nl=False, color=True)


def _record(practice: Practice, session_id: int) -> SessionRecord:
    from companion.store.records import load_session_record

    return load_session_record(practice.reader, session_id)


@click.command("show")
@click.argument("session_id", type=ID)
@click.option("--json", "as_json", is_flag=True, help="Print everything stored, as JSON.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print a Markdown document.")
@pass_practice
def show(practice: Practice, session_id: int, as_json: bool, as_markdown: bool) -> None:
    """Show everything stored about one session, notes included (private lines marked)."""
    record = _record(practice, session_id)
    if as_json:
        echo_json(record)
    elif as_markdown:
        from companion.core.session_view import session_markdown

        document = session_markdown(record)
        _echo_stored(document)
    else:
        from rich.console import Group

        # One renderable a line: Console.print(*parts) would join consecutive Text parts (the
        # takeaways) on one line.
        print_plain(Group(*_rich_view(record)))


@click.command("recap")
@click.argument("session_id", type=ID)
@click.option(
    "--format",
    "form",
    type=click.Choice(["markdown", "text"]),
    default=None,
    help="Markdown, or plain text for an email or a chat (default: recap.format in "
    "config.toml, else markdown).",
)
@click.option("--copy", "copy", is_flag=True, help="Also copy it (clipboard, else a file).")
@pass_practice
def recap(practice: Practice, session_id: int, form: str | None, copy: bool) -> None:
    """Print the client's recap of a session (a draft while the session is unfinished).

    A recap edited before copying (in the review or the closing screen) prints as edited.
    """
    from companion.services.recaps import session_recap

    chosen = recap_format(form)
    result = session_recap(practice.reader, session_id, chosen)
    _echo_stored(result.text)  # the copy below gets the recap exactly
    if copy:
        from companion.services.clipboard import copy_text, osc52_writer

        # Without a system clipboard, a terminal on stderr can still take the text by OSC 52;
        # stdout stays the recap alone, fit for a pipe.
        osc52 = osc52_writer(sys.stderr) if sys.stderr.isatty() else None
        copied = copy_text(result.text, osc52=osc52, filename=result.filename)
        click.echo(copied.message, err=True)


def recap_format(form: str | None) -> RecapFormat:
    """FORM as given, else the coach's default from config.toml (a bad setting: said, markdown)."""
    if form is not None:
        return cast("RecapFormat", form)
    from companion.services.config import ConfigError, load_config

    try:
        return load_config().recap_format
    except ConfigError as error:
        click.echo(f"companion: {error}; the recap is in Markdown", err=True)
        return "markdown"


def _rich_view(record: SessionRecord) -> list[RenderableType]:
    """The session for people: a header, then one block per kind of record.

    Stored text goes in as rich Text (never markup) and through `shown` (no control characters).
    """
    from rich.padding import Padding
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    from companion.core.markers import markers_line
    from companion.core.notes import action_candidates, insights, is_private
    from companion.core.session_view import (
        action_summary,
        clock,
        goal_names,
        session_markers,
        sponsor_name,
        step_spent,
        when,
    )

    session = record.session
    goals = goal_names(record)
    parts: list[Any] = []
    protocol = record.protocol.name if record.protocol else session.protocol_id
    title = Text(f"Session {session.id} · {shown(record.client.name)}", style="bold")
    parts.append(title)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    facts.add_row("When", when(record))
    facts.add_row("Protocol", Text(shown(f"{protocol} ({session.protocol_id}), {session.mode}")))
    number = str(record.session_number)
    engagement = record.engagement
    if engagement is not None and engagement.sessions_planned:
        number += f" of {engagement.sessions_planned}"
    facts.add_row("Session", number)
    if engagement is not None and engagement.sponsor_name:
        role = f" ({engagement.sponsor_role})" if engagement.sponsor_role else ""
        facts.add_row("Sponsor", Text(shown(engagement.sponsor_name + role)))
    if engagement is not None and engagement.confidentiality:
        facts.add_row("Confidentiality", Text(shown(engagement.confidentiality, multiline=True)))
    if session.next_session_on is not None:
        facts.add_row("Next session", session.next_session_on.isoformat())
    parts.append(facts)

    agreement = session.agreement
    if not agreement.is_empty:
        parts.append(Rule("Agreement", align="left"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim")
        grid.add_column()
        grid.add_row("Topic", Text(shown(agreement.topic, multiline=True)))
        grid.add_row("Desired outcome", Text(shown(agreement.desired_outcome, multiline=True)))
        grid.add_row(
            "Measure of success", Text(shown(agreement.measure_of_success, multiline=True))
        )
        parts.append(grid)

    steps = [row for row in step_spent(record) if row.visits]
    if steps:
        parts.append(Rule("Steps", align="left"))
        table = Table(box=None, padding=(0, 2), show_edge=False)
        table.add_column("Step")
        table.add_column("Timebox", justify="right")
        table.add_column("Spent", justify="right")
        for row in steps:
            spent = Text(clock(row.seconds), style="red" if row.over else "")
            if row.open:
                spent.append(" (in progress)", style="dim")
            box = f"{row.timebox_minutes} min" if row.timebox_minutes else ""
            table.add_row(Text(shown(row.title)), box, spent)
        parts.append(table)
        markers = markers_line(session_markers(record))
        if markers:
            parts.append(Text(f"{markers} (the steps gone through)", style="dim"))

    text = shown(record.notes.text, multiline=True)
    parts.append(Rule("Notes", align="left"))
    if text.strip():
        notes = Text()
        for line in text.splitlines():
            if is_private(line):
                notes.append("private ", style="reverse magenta")
                notes.append(line, style="magenta italic")
            elif line.lstrip().startswith("#"):
                notes.append(line, style="bold")
            elif action_candidates(line):
                notes.append(line, style="yellow")
            elif insights(line):
                notes.append(line, style="cyan")
            else:
                notes.append(line)
            notes.append("\n")
        notes.rstrip()
        parts.append(Padding(notes, (0, 0, 0, 2)))
    else:
        parts.append(Text("  (no notes)", style="dim"))

    for heading, actions in (
        ("Actions set", record.actions_set),
        ("Actions followed up", record.actions_reviewed),
    ):
        if actions:
            parts.append(Rule(heading, align="left"))
            table = Table(box=None, padding=(0, 2), show_header=False, show_edge=False)
            table.add_column()
            table.add_column()
            for action in actions:
                style = {"open": "", "done": "green", "dropped": "dim strike"}[action.status]
                table.add_row(
                    Text(action.status, style=style),
                    Text(shown(action_summary(action, goals, sponsor_name(record)))),
                )
            parts.append(table)

    if record.goals:
        parts.append(Rule("Goals", align="left"))
        table = Table(box=None, padding=(0, 2), show_edge=False)
        table.add_column("Goal")
        table.add_column("Status")
        table.add_column("This session", justify="right")
        table.add_column("Before", justify="right")
        table.add_column("Latest", justify="right")
        for p in record.goals:
            table.add_row(
                Text(shown(p.goal.specific)),
                p.goal.status,
                *(
                    ("" if s is None else f"{s}/10")
                    for s in (p.score, p.previous_score, p.last_score)
                ),
            )
        parts.append(table)

    if record.takeaways:
        parts.append(Rule("Takeaways", align="left"))
        for takeaway in record.takeaways:
            parts.append(Text(f"  • {shown(takeaway.text, multiline=True)}"))
    return parts
