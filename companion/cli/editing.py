"""`companion goals` and `companion actions` as groups: the listing as before, plus `edit` and
`set` to change one record from the shell (a goal's SMARTE fields and status, an action's text,
owner, due date and status). The listings themselves live in review_cmds."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from companion.core.models import ACTION_OWNERS, ACTION_STATUSES, GOAL_STATUSES, Action, Goal, now
from companion.core.text import shown

from . import review_cmds
from .common import DATE, ID, Practice, UserError, pass_practice


def _listing_group(listing: click.Command, name: str) -> click.Group:
    """A group that still lists when no subcommand is given, with the listing's own options."""

    @click.pass_context
    def run(ctx: click.Context, **options: Any) -> None:
        if ctx.invoked_subcommand is None:
            ctx.invoke(listing, **options)

    return click.Group(
        name,
        params=list(listing.params),
        callback=run,
        help=listing.help,
        invoke_without_command=True,
    )


goals = _listing_group(review_cmds.goals, "goals")
actions = _listing_group(review_cmds.actions, "actions")


def _goal_or_fail(practice: Practice, goal_id: int) -> Goal:
    from companion.store import NotFound

    try:
        return practice.store.get_goal(goal_id)
    except NotFound:
        raise UserError(f"no goal with id {goal_id} (see `companion goals`)") from None


@goals.command("edit")
@click.argument("goal_id", type=ID)
@click.option("--specific", metavar="TEXT", help="The goal itself, in the client's words.")
@click.option("--measurable", metavar="TEXT", help="How both of you will know it is reached.")
@click.option("--achievable", metavar="TEXT", help="Within reach? With what resources?")
@click.option("--realistic", metavar="TEXT", help="Does it fit the client's situation?")
@click.option("--due", type=DATE, help="When it is due (the T of SMARTE).")
@click.option("--no-due", is_flag=True, help="Take the due date away.")
@click.option("--ecological", metavar="TEXT", help="Good for the life around it?")
@pass_practice
def edit_goal(
    practice: Practice, goal_id: int, due: date | None, no_due: bool, **texts: str | None
) -> None:
    """Change a goal's SMARTE fields; only the options given change."""
    goal = _goal_or_fail(practice, goal_id)
    update: dict[str, Any] = {name: value for name, value in texts.items() if value is not None}
    if due is not None and no_due:
        raise UserError("--due and --no-due contradict each other: give one")
    if due is not None:
        update["timely"] = due
    if no_due:
        update["timely"] = None
    if not update:
        raise UserError("nothing to change: give at least one option, e.g. --due 2027-03-01")
    if "specific" in update and not str(update["specific"]).strip():
        raise UserError("--specific cannot be empty: a goal needs its words")
    edited = Goal.model_validate(goal.model_dump() | update)
    practice.store.save_goal(edited)
    click.echo(f"Updated goal {goal_id}: {shown(edited.specific)}")


@goals.command("set")
@click.argument("goal_id", type=ID)
@click.option(
    "--status", required=True, type=click.Choice(GOAL_STATUSES), help="Where the goal stands."
)
@click.option("--on", "on", type=DATE, help="The day (default: today).")
@click.option(
    "--new",
    "new_specific",
    metavar="TEXT",
    help="With --status adjusted: the adjusted goal, added in its place and linked to it.",
)
@pass_practice
def set_goal(
    practice: Practice, goal_id: int, status: str, on: date | None, new_specific: str | None
) -> None:
    """Mark a goal achieved, adjusted or dropped (with the day), or active again."""
    goal = _goal_or_fail(practice, goal_id)
    store = practice.store
    if new_specific is not None and status != "adjusted":
        raise UserError("--new is for --status adjusted: the adjusted version of the goal")
    if new_specific is not None:
        if not new_specific.strip():
            raise UserError("--new cannot be empty: give the adjusted goal's words")
        fresh = store.adjust_goal(goal_id, goal.model_copy(update={"specific": new_specific}), on)
        click.echo(
            f"Goal {goal_id} adjusted on {on or fresh.created_at.date()}; "
            f"its new version is goal {fresh.id}: {shown(fresh.specific)}"
        )
        return
    changed = store.set_goal_status(goal_id, status, on)  # type: ignore[arg-type]
    day = f" on {changed.status_on}" if changed.status_on else ""
    click.echo(f"Goal {goal_id} is {changed.status}{day}: {shown(changed.specific)}")


@actions.command("edit")
@click.argument("action_id", type=ID)
@click.option("--text", metavar="TEXT", help="What will be done.")
@click.option("--owner", type=click.Choice(ACTION_OWNERS), help="Who does it.")
@click.option("--due", type=DATE, help="When it is due.")
@click.option("--no-due", is_flag=True, help="Take the due date away.")
@click.option("--status", type=click.Choice(ACTION_STATUSES), help="Open, done or dropped.")
@pass_practice
def edit_action(
    practice: Practice,
    action_id: int,
    text: str | None,
    owner: str | None,
    due: date | None,
    no_due: bool,
    status: str | None,
) -> None:
    """Change an action; only the options given change. The sponsor may own one only in a
    three-party engagement (one with a sponsor)."""
    store = practice.store
    from companion.store import NotFound

    try:
        action = store.get_action(action_id)
    except NotFound:
        raise UserError(f"no action with id {action_id} (see `companion actions`)") from None
    if due is not None and no_due:
        raise UserError("--due and --no-due contradict each other: give one")
    update: dict[str, Any] = {}
    if text is not None:
        if not text.strip():
            raise UserError("--text cannot be empty: an action needs its words")
        update["text"] = text
    if owner is not None:
        if owner == "sponsor" and not _has_sponsor(practice, action):
            raise UserError(
                "this client's engagement has no sponsor: add one with "
                "`companion engagement set --sponsor NAME`, then give the action to them"
            )
        update["owner"] = owner
    if due is not None or no_due:
        update["due_on"] = due
    if status is not None:
        update["status"] = status
        if status != action.status:
            update["closed_at"] = None if status == "open" else (action.closed_at or now())
    if not update:
        raise UserError("nothing to change: give at least one option, e.g. --due friday")
    edited = Action.model_validate(action.model_dump() | update)
    store.save_action(edited)
    due_text = f", due {edited.due_on}" if edited.due_on else ""
    click.echo(
        f"Updated action {action_id}: {shown(edited.text)} ({edited.owner}{due_text}, "
        f"{edited.status})"
    )


def _has_sponsor(practice: Practice, action: Action) -> bool:
    store = practice.store
    engagement = store.open_engagement(action.client_id) or store.latest_engagement(
        action.client_id
    )
    return engagement is not None and engagement.is_three_party
