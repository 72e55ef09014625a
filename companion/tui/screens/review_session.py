"""The review's third level: one session in full, to read, search in, correct and recap."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import (
    Footer,
    Label,
    Markdown,
)

from companion.core.models import Action, Session, SessionRecord
from companion.core.notes import is_private
from companion.core.session_view import step_spent
from companion.store import NotFound
from companion.store.views import SessionView, session_view
from companion.tui.host import host
from companion.tui.screens.review_after import AfterCall, after_call_bindings
from companion.tui.screens.review_base import (
    OVER_GRACE_SECONDS,
    ReviewBase,
    search_key,
)
from companion.tui.screens.review_find import FindInSession, find_bindings, highlighted
from companion.tui.widgets import review_format as fmt


def session_title(record: SessionRecord) -> str:
    session = record.session
    planned = record.engagement.sessions_planned if record.engagement else None
    number = f"session {record.session_number}" + (f" of {planned}" if planned else "")
    protocol = record.protocol.name if record.protocol else session.protocol_id
    if session.ended_at is None:
        ended, length = " (not finished)", f"{session.planned_minutes} min planned"
    else:
        ended = f"–{session.ended_at:%H:%M}"
        length = f"{fmt.minutes(session)} of {session.planned_minutes} planned"
    return (
        f"{record.client.name} · {number} · {fmt.day_and_time(session.started_at)}{ended} · "
        f"{protocol} · {length} · {session.mode}"
    )


def step_lines(record: SessionRecord) -> Content:
    """Each step's time against its timebox: 'Reality  15:00/12:00 over 3:00'."""
    rows = step_spent(record)
    if not rows:
        return Content.styled("The protocol of this session was not kept.", "$text-muted")
    width = min(19, max(len(row.title) for row in rows))
    parts: list[str | tuple[str, str]] = []
    for index, row in enumerate(rows):
        title = row.title if len(row.title) <= width else row.title[: width - 1] + "…"
        parts.append(("\n" if index else "") + f"{title:<{width}} ")
        box = "—" if row.timebox_minutes is None else fmt.clock(row.timebox_minutes * 60)
        if not row.visits:
            parts.append((f"{'—':>5}/{box} not reached", "$text-muted"))
            continue
        parts.append(f"{fmt.clock(row.seconds):>5}/{box}")
        if row.open:
            parts.append((" running", "$text-warning"))
        elif row.timebox_minutes is not None:
            over = row.seconds - row.timebox_minutes * 60
            if over >= OVER_GRACE_SECONDS:
                parts.append((f" over {fmt.clock(over)}", "bold $text-error"))
    return Content.assemble(*parts)


def action_lines(actions: list[Action], numbers: dict[int, int], *, reviewed: bool) -> Content:
    """Actions and what became of them: done, dropped or still open, and when followed up."""
    if not actions:
        return Content.styled("none", "$text-muted")
    parts: list[str | tuple[str, str]] = []
    marks = {"done": "✓", "dropped": "✗", "open": "○"}
    styles = {"done": "$text-success", "dropped": "$text-muted", "open": "$text-warning"}
    for index, action in enumerate(actions):
        parts.append(("\n" if index else "") + "")
        parts.append((f"{marks[action.status]} ", styles[action.status]))
        parts.append(action.text)
        later = [action.status]
        if action.status == "open" and action.due_on:
            later = [fmt.due_text(action)]
        elif action.due_on:
            later.append(f"due {fmt.day(action.due_on)}")
        if action.owner == "coach":
            later.append("coach's action")
        if not reviewed and action.reviewed_session_id is not None:
            number = numbers.get(action.reviewed_session_id)
            later.append(f"followed up in session {number}" if number else "followed up")
        overdue = action.is_overdue(fmt.today())
        parts.append((f"\n  {' · '.join(later)}", "$text-error" if overdue else "$text-muted"))
    return Content.assemble(*parts)


def score_lines(record: SessionRecord) -> Content:
    if not record.goals:
        return Content.styled("no goals set", "$text-muted")
    parts: list[str | tuple[str, str]] = []
    for index, progress in enumerate(record.goals):
        parts.append(("\n" if index else "") + f"{progress.goal.specific}\n  ")
        if progress.score is None:
            parts.append(("not scored in this session", "$text-muted"))
            continue
        parts.append((f"{progress.score}/10", "bold"))
        change = progress.change
        if change:
            parts.append(
                (f"  ({change:+d} since last)", "$text-success" if change > 0 else "$text-error")
            )
        elif change == 0:
            parts.append(("  (same as last)", "$text-muted"))
    return Content.assemble(*parts)


_SEARCHED_BOXES = ("agreement", "actions-set", "actions-reviewed", "scores", "takeaways")
"""The session's boxes a search can find words in, besides the notes."""


SESSIONS = Binding.Group("Sessions")
MATCHES = Binding.Group("Match")
"""The footer shows each pair as its two keys and one description ("[ ] Sessions", "n N Match";
each key keeps its own in the palette and the keys panel): at 80 columns an unfinished session
opened from a search had no room for both pairs in full beside its other keys, and Textual's
footer cuts what overflows ("c Cop")."""


class SessionScreen(AfterCall, FindInSession, ReviewBase):
    """One session in full: agreement, notes (private lines shown and marked), steps, actions,
    scores and takeaways."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the timeline", id="session.back"),
        Binding(
            "left_square_bracket",
            "previous",
            "Earlier",
            key_display="[",
            tooltip="The client's session before this one",
            id="session.earlier",
            group=SESSIONS,
        ),
        Binding(
            "right_square_bracket",
            "next",
            "Later",
            key_display="]",
            tooltip="The client's session after this one",
            id="session.later",
            group=SESSIONS,
        ),
        Binding(
            "u",
            "resume",
            "Resume",
            tooltip="Go back into this unfinished session",
            id="session.resume",
        ),
        Binding(
            "t",
            "correct_time",
            "Correct time",
            show=False,  # the footer is full at 80 columns: the palette and the keys panel have it
            id="session.correct-time",
            tooltip="Correct this finished session's start, end or minutes (the hours log follows)",
        ),
        # before n (next session): n is the next match while there is one
        *(replace(binding, group=MATCHES) for binding in find_bindings()),
        Binding(
            "n",
            "next_session",
            "Next session",
            show=False,  # the footer at 80 columns has the recap and edit keys; the palette has it
            tooltip="Start this client's next session",
            id="session.next-session",
        ),
        *after_call_bindings(),
        # the footer is full at 80 columns (a search's n N and an unfinished session's u beside
        # the recap and edit keys); the palette and the keys panel have it
        replace(search_key("session"), show=False),
    ]

    def __init__(self, session_id: int, find: str = "") -> None:
        super().__init__()
        self.session_id = session_id
        self.view: SessionView | None = None
        self._asked_early = False
        self.find = find
        self.places = []

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label("", id="session-title")
        with VerticalScroll(id="session"), Horizontal(classes="columns"):
            with Vertical(classes="main-column"):
                yield Label("", id="agreement", classes="box")
                yield Markdown("", id="notes", classes="box")
            with Vertical(classes="side-column"):
                yield Label("", id="steps", classes="box")
                yield Label("", id="actions-set", classes="box")
                yield Label("", id="actions-reviewed", classes="box")
                yield Label("", id="scores", classes="box")
                yield Label("", id="takeaways", classes="box")
        yield Footer()

    def on_mount(self) -> None:
        titles = {
            "#agreement": "Agreement",
            "#notes": "Notes",
            "#steps": "Steps against their timebox",
            "#actions-set": "Actions set",
            "#actions-reviewed": "Actions followed up",
            "#scores": "Goal scores",
            "#takeaways": "Takeaways",
        }
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        self.query_one("#session").focus()
        self.load()

    @work(thread=True, exclusive=True, group="session-load")
    def load(self) -> None:
        try:
            view = session_view(self.store, self.session_id)
        except NotFound as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.show, view)

    async def show(self, view: SessionView) -> None:
        self.view = view
        record = view.record
        session = record.session
        self.sub_title = f"Review · {record.client.name}"
        self.query_one("#session-title", Label).update(Content(session_title(record)))
        agreement = session.agreement
        if agreement.is_empty:
            agreement_text = Content.styled("none recorded", "$text-muted")
        else:
            agreement_text = Content.assemble(
                (agreement.topic or "—", "bold"),
                f"\nOutcome: {agreement.desired_outcome or '—'}",
                f"\nMeasure: {agreement.measure_of_success or '—'}",
            )
        self.query_one("#agreement", Label).update(agreement_text)
        notes = record.notes.text
        private = sum(1 for line in notes.splitlines() if is_private(line))
        notes_box = self.query_one("#notes", Markdown)
        notes_box.border_subtitle = (
            f"{private} private line{'s' if private != 1 else ''}, for you only" if private else ""
        )
        shown_notes = fmt.notes_for_review(notes) if notes.strip() else "*No notes.*"
        found_lines: list[int] = []
        if self.find:
            shown_notes, found_lines = highlighted(shown_notes, self.find_words)
        await notes_box.update(shown_notes)
        self.query_one("#steps", Label).update(step_lines(record))
        self.query_one("#actions-set", Label).update(
            action_lines(record.actions_set, view.numbers, reviewed=False)
        )
        self.query_one("#actions-reviewed", Label).update(
            action_lines(record.actions_reviewed, view.numbers, reviewed=True)
        )
        self.query_one("#scores", Label).update(score_lines(record))
        takeaways = "\n".join(f"• {t.text}" for t in record.takeaways)
        self.query_one("#takeaways", Label).update(
            Content(takeaways) if takeaways else Content.styled("none", "$text-muted")
        )
        self.query_one("#session", VerticalScroll).scroll_home(animate=False)
        if self.find:
            boxes = [self.query_one(f"#{name}") for name in _SEARCHED_BOXES]
            self.call_after_refresh(self.collect_places, boxes, notes_box, found_lines)
        self.refresh_bindings()
        if self._asked_early:
            self._asked_early = False
            self.start_next_session(record.client)

    def _go(self, session_id: int | None) -> None:
        if session_id is not None:
            self.session_id = session_id
            self.load()

    def action_previous(self) -> None:
        self._go(self.view.previous_id if self.view else None)

    def action_next(self) -> None:
        self._go(self.view.next_id if self.view else None)

    def action_next_session(self) -> None:
        if self.view is None:
            self._asked_early = True  # the key is kept while the session is read
        else:
            self.start_next_session(self.view.record.client)

    def action_resume(self) -> None:
        if self.view is not None and not self.view.record.is_finished:
            host(self).open_session(self.session_id)

    def action_correct_time(self) -> None:
        """The form to correct a finished session's start, end or minutes."""
        if self.view is None:
            return
        session = self.view.record.session
        if not session.is_finished:
            self.notify("Only a finished session's time can be corrected.", severity="warning")
            return
        from companion.tui.dialogs.session_time_form import SessionTimeForm

        self.app.push_screen(SessionTimeForm(self.store, session), self._time_corrected)

    def _time_corrected(self, session: Session | None) -> None:
        if session is None:
            return
        self.notify("Session time corrected")
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.view is not None and not self.view.record.is_finished
        if action == "correct_time":
            return self.view is not None and self.view.record.is_finished
        if action in ("copy_recap", "preview_recap", "edit_session"):
            return self.view is not None
        if action in ("next_match", "previous_match"):
            return bool(self.find and self.places)
        if action == "previous":
            return None if self.view is None or self.view.previous_id is None else True
        if action == "next":
            return None if self.view is None or self.view.next_id is None else True
        return True
