"""Back to the session from the closing screen stores nothing and loses nothing: the next F10
shows what was entered (actions removed, edited or handed on, scores, takeaways, next date), with
the actions written in the notes or added since after them."""

from __future__ import annotations

from conftest import SamplePractice
from test_closing import to_actions
from test_live import (
    START,
    Clock,
    began_at,
    live,
    live_app,
    saving_soon,
    settle,
    settle_saved,
    sync,
    type_text,
)
from textual.widgets import Input, OptionList, TextArea

from companion.core.models import Action
from companion.core.protocols import ProtocolLibrary
from companion.services.practice import begin_session
from companion.tui.screens.closing import ClosingScreen
from companion.tui.screens.closing_actions import ActionDraft
from companion.tui.screens.closing_draft import ClosingDraft, offered, resumed


def draft(text: str, *, stored_as: int | None = None, kept: bool = True) -> ActionDraft:
    return ActionDraft(Action(id=stored_as, client_id=1, session_id=1, text=text), kept=kept)


def texts(drafts: list[ActionDraft]) -> list[tuple[str, int | None, bool]]:
    return [(d.action.text, d.action.id, d.kept) for d in drafts]


def test_what_was_left_comes_first_then_what_is_new_since() -> None:
    first = [draft("Call Sam"), draft("Book the room"), draft("Old one", stored_as=7)]
    edited = [draft("Call Sam on Monday"), draft("Book the room", kept=False), first[2]]
    left = ClosingDraft(actions=edited, offered=offered(first))
    fresh = [
        draft("Old one", stored_as=7),
        draft("Call Sam"),  # its line in the notes: edited on the closing screen, not again
        draft("Book the room"),  # removed there: stays removed
        draft("Write to HR"),  # a line written in the notes since
        draft("Share the survey", stored_as=9),  # added with F4 since
    ]
    assert texts(resumed(left, fresh)) == [
        ("Call Sam on Monday", None, True),
        ("Book the room", None, False),
        ("Old one", 7, True),
        ("Write to HR", None, True),
        ("Share the survey", 9, True),
    ]


def test_an_action_stored_since_takes_the_place_of_its_line() -> None:
    """The coach went back and added with F4 the action a notes line already offered: one
    action, the stored one, as kept or removed on the closing screen."""
    first = [draft("Call Sam")]
    left = ClosingDraft(actions=[draft("Call Sam", kept=False)], offered=offered(first))
    assert texts(resumed(left, [draft("call  sam", stored_as=4)])) == [("call  sam", 4, False)]


@sync
async def test_escape_then_f10_shows_what_was_entered(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    store = sample.store
    session = began_at(
        store, begin_session(store, protocols, sample.client.name, protocol_id="grow"), START
    )
    assert session.id is not None
    store.save_notes(session.id, "- [ ] Share the survey results\n- [ ] Book the room\n")
    app = saving_soon(live_app(store, protocols, session, Clock()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("f10")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        await type_text(pilot, "More confident")  # straight after F10: the takeaways
        await to_actions(pilot)
        await pilot.press("down", "space")  # Book the room: removed
        score = f"#score-{sample.goal.id}"
        screen.query_one(score, Input).value = "7"
        screen.query_one("#next-date", Input).value = "2026-12-09"
        await pilot.press("escape")
        await settle(pilot, app)
        live(app).notes.insert("- [ ] Write to HR\n", live(app).notes.document.end)
        await settle_saved(pilot, app)

        await pilot.press("f10")
        await settle(pilot, app)
        again = app.screen
        assert isinstance(again, ClosingScreen) and again is not screen
        assert again.query_one("#takeaways", TextArea).text == "More confident"
        assert again.query_one(score, Input).value == "7"
        assert again.query_one("#next-date", Input).value == "2026-12-09"
        actions = again.query_one("#actions", OptionList)
        lines = [str(actions.get_option_at_index(i).prompt) for i in range(actions.option_count)]
        assert [line.split("\n")[0] for line in lines] == [
            "✓ Share the survey results",
            "✗ Book the room",
            "✓ Write to HR",
        ]
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    assert store.get_session(session.id).next_session_on is not None
    assert [a.text for a in store.actions(session_id=session.id)] == [
        "Share the survey results",
        "Write to HR",
    ]
    assert [t.text for t in store.takeaways(session.id)] == ["More confident"]
    assert [s.score for s in store.goal_scores(session_id=session.id)] == [7]
