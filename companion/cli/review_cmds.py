"""`companion search`, `companion actions` and `companion goals`: the record from the shell."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from typing import TYPE_CHECKING

import click

from companion.core import terms
from companion.core.text import counted, shown

from .common import Practice, client_or_fail, echo_json, pass_practice

if TYPE_CHECKING:
    from rich.console import Console

    from companion.core.models import Goal
    from companion.store.followup import ActionLine, GoalLine


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _marked(snippet: str) -> list[tuple[str, bool]]:
    """SNIPPET's parts in order, each with whether it is a [[match]] (an unclosed [[ is text)."""
    parts: list[tuple[str, bool]] = []
    rest = snippet
    while "[[" in rest:
        before, _, after = rest.partition("[[")
        match, found, rest = after.partition("]]")
        parts.append((before, False))
        if not found:
            parts.append(("[[" + match, False))
            return parts
        parts.append((match, True))
    parts.append((rest, False))
    return [(part, is_match) for part, is_match in parts if part]


def _hit_lines(snippet: str, width: int) -> list[str]:
    """SNIPPET folded to WIDTH under a two-space indent, each match in bold reverse video.

    Plain click styling rather than rich: `companion search` is a command a coach runs often,
    and rich's import and layout were a fifth of its time (benchmarks/ANALYSIS.md). The matches
    are folded as words like the rest, then styled line by line; click drops the styles when
    the output is not a terminal.
    """
    opening, closing = "\x01", "\x02"  # never in a snippet: `shown` removes control characters
    plain = "".join(opening + part + closing if hit else part for part, hit in _marked(snippet))
    lines = textwrap.wrap(
        plain, width=max(width, 20), initial_indent="  ", subsequent_indent="  "
    ) or ["  "]
    styled, inside = [], False
    for line in lines:
        out = []
        for part in re.split(f"({opening}|{closing})", line):
            if part == opening:
                inside = True
            elif part == closing:
                inside = False
            elif part:
                out.append(click.style(part, bold=True, reverse=True) if inside else part)
        styled.append("".join(out))
    return styled


@click.command("search")
@click.argument("query")
@click.option("--client", "client_name", metavar="NAME", help="Only this client's records.")
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="At most this many hits.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (matches between [[ and ]]).")
@pass_practice
def search(
    practice: Practice, query: str, client_name: str | None, limit: int, as_json: bool
) -> None:
    """Search notes, agreements, actions and takeaways, best matches first.

    QUERY is plain words: each must appear, as the start of a word ("deleg" finds "delegation").
    Quotes, operators and other punctuation are taken as text, so anything you type is safe.
    Private (//) lines are searched too: this is your own record.
    """
    store = practice.reader
    client_id = client_or_fail(practice, client_name) if client_name is not None else None
    hits = store.search(query, client_id=client_id, limit=limit)
    if as_json:
        echo_json(hits)
        return
    if not hits:
        where = f" in {shown(client_name.strip())}'s records" if client_name else ""
        click.echo(f"No matches for {query!r}{where}.")
        return
    import shutil

    width = shutil.get_terminal_size((80, 24)).columns
    for hit in hits:
        when = f"{hit.started_at:%Y-%m-%d}" if hit.started_at else "no session"
        where = f"session {hit.session_id}, {when}" if hit.session_id else when
        if hit.step:
            where += f", {shown(hit.step)}"
        click.echo(
            click.style(shown(hit.client_name), bold=True)
            + f" · {where} · "
            + click.style(hit.kind, fg="cyan")
        )
        for line in _hit_lines(shown(" ".join(hit.snippet.split())), width):
            click.echo(line)
    click.echo(click.style(counted(len(hits), "match", "matches"), dim=True))


# -- actions -------------------------------------------------------------------------------------


def _action_json(line: ActionLine, today: date) -> dict[str, object]:
    return {
        **line.action.model_dump(mode="json"),
        "client_name": line.client_name,
        "session_started_at": (
            line.session_started_at.isoformat() if line.session_started_at else None
        ),
        "overdue": line.action.is_overdue(today),
    }


@click.command("actions")
@click.option("--open", "only_open", is_flag=True, help="Only actions still open.")
@click.option("--overdue", is_flag=True, help="Only open actions past their due date.")
@click.option("--client", "client_name", metavar="NAME", help="Only this client's actions.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_practice
def actions(
    practice: Practice, only_open: bool, overdue: bool, client_name: str | None, as_json: bool
) -> None:
    """Actions across clients by due date: who owns them, when they're due, what became of them.

    Overdue actions (open, due before today) are flagged.
    """
    from companion.store.followup import action_lines

    today = terms.today()
    store = practice.reader
    client_id = client_or_fail(practice, client_name) if client_name is not None else None
    found = action_lines(
        store,
        client_id=client_id,
        status="open" if only_open else None,
        overdue_on=today if overdue else None,
    )
    if as_json:
        echo_json([_action_json(line, today) for line in found])
        return
    if not found:
        what = "overdue actions" if overdue else "open actions" if only_open else "actions"
        where = f" for {shown(client_name.strip())}" if client_name else ""
        click.echo(f"No {what}{where}.")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("Due")
    table.add_column("Status")
    table.add_column("Client")
    table.add_column("Action", overflow="fold", ratio=1)
    table.add_column("Owner")
    table.add_column("Set in")
    for line in found:
        action = line.action
        late = action.is_overdue(today)
        status = "OVERDUE" if late else action.status
        set_in = (
            f"#{action.session_id} {line.session_started_at:%Y-%m-%d}"
            if action.session_id and line.session_started_at
            else "-"
        )
        table.add_row(
            action.due_on.isoformat() if action.due_on else "-",
            Text(status, style="bold red" if late else "dim" if status != "open" else ""),
            Text(shown(line.client_name)),
            Text(shown(action.text, multiline=True)),
            action.owner,
            set_in,
            style="dim" if action.status != "open" else None,
        )
    console = _console()
    console.print(table)
    n_overdue = sum(1 for line in found if line.action.is_overdue(today))
    summary = counted(len(found), "action")
    if n_overdue:
        summary += f", {n_overdue} overdue"
    console.print(summary, style="dim")


# -- goals ---------------------------------------------------------------------------------------


def score_history(line: GoalLine) -> str:
    """The scores in session order, e.g. '3 → 5 → 7'; '' before the first score."""
    return " → ".join(str(score.score) for score in line.scores)


def _goal_json(line: GoalLine) -> dict[str, object]:
    return {
        **line.goal.model_dump(mode="json"),
        "client_name": line.client_name,
        "last_score": line.last_score,
        "scores": [score.score for score in line.scores],
        "score_history": score_history(line),
    }


_SMARTE: tuple[tuple[str, str], ...] = (
    ("measurable", "Measurable"),
    ("achievable", "Achievable"),
    ("realistic", "Realistic"),
    ("ecological", "Ecological"),
)


def _smarte_rows(goal: Goal) -> list[tuple[str, str]]:
    rows = [(label, getattr(goal, name)) for name, label in _SMARTE]
    rows.insert(3, ("Timely", f"due {goal.timely}" if goal.timely else ""))
    return [(label, shown(" ".join(value.split()))) for label, value in rows if value]


@click.command("goals")
@click.option("--client", "client_name", metavar="NAME", help="Only this client's goals.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_practice
def goals(practice: Practice, client_name: str | None, as_json: bool) -> None:
    """Goals in SMARTE form with their status, due date and scores over the sessions."""
    from rich.table import Table
    from rich.text import Text

    from companion.store.followup import goal_lines

    store = practice.reader
    client_id = client_or_fail(practice, client_name) if client_name is not None else None
    found = goal_lines(store, client_id=client_id)
    if as_json:
        echo_json([_goal_json(line) for line in found])
        return
    if not found:
        click.echo(
            f"No goals for {shown(client_name.strip())}." if client_name else "No goals yet."
        )
        return
    console = _console()
    today = terms.today()
    for line in found:
        goal = line.goal
        head = Text.assemble(
            (shown(goal.specific), "bold"), "  ", (shown(line.client_name), "cyan")
        )
        facts = [goal.status + (f" on {goal.status_on}" if goal.status_on else "")]
        if goal.adjusted_from is not None:
            facts.append(f"adjusts goal {goal.adjusted_from}")
        if goal.timely:
            late = goal.status == "active" and goal.timely < today
            facts.append(f"due {goal.timely}" + (" (past)" if late else ""))
        head.append(f"  [{', '.join(facts)}]", style="dim")
        console.print(head)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim")
        grid.add_column(overflow="fold")
        for label, value in _smarte_rows(goal):
            grid.add_row(f"  {label}", Text(value))
        history = score_history(line)
        grid.add_row(
            "  Scores", Text(f"{history}   (last {line.last_score}/10)" if history else "none yet")
        )
        console.print(grid)
        console.print()
