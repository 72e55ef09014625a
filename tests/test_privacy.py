"""One privacy filter: no private line reaches anything meant for the client.

Private lines (`// ...`, also after a bullet, checkbox or `!`) are hidden in every text field a
coach can fill in; the recap, the Markdown client copy and the JSON client copy must never show
them, whether the record came through the models (the store, an import) or was put together in
code without validation. One-line fields never hold a line break.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.cli import cli
from companion.core.exchange_markdown import session_document, session_filename
from companion.core.models import (
    Action,
    Agreement,
    Client,
    Engagement,
    Goal,
    Notes,
    Session,
    SessionRecord,
    Takeaway,
    one_line,
)
from companion.core.notes import client_text
from companion.core.protocols import ProtocolLibrary
from companion.core.recap import build_recap, client_record, recap_filename
from companion.store import Store
from companion.store.exchange import export_practice, read_export
from companion.store.records import load_session_record

TOKEN = "PRIVATEZQX"
T0 = datetime(2026, 11, 2, 9, 0)
GROW = ProtocolLibrary.discover(include_user=False).get("grow").model_dump_json()

# Public words cannot spell the token (no q, r, t, v, x, z), in any case.
PUBLIC = st.text(alphabet="abcdefghijklmnop ", min_size=1, max_size=12).filter(str.strip)
MARKERS = ["// ", "//", "  //", "- // ", "- [ ] // ", "* [x] //", "! // ", "> // ", "1. // "]
BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
private_lines = st.builds(
    lambda marker, words: f"{marker}{TOKEN} {words}", st.sampled_from(MARKERS), PUBLIC
)


@st.composite
def hidden(draw: st.DrawFn) -> str:
    """A text with a private line somewhere: alone, before, between or after public lines."""
    lines = draw(st.lists(PUBLIC, max_size=2))
    lines.insert(draw(st.integers(0, len(lines))), draw(private_lines))
    text = ""
    for index, line in enumerate(lines):
        text += (draw(st.sampled_from(BREAKS)) if index else "") + line
    return text


@st.composite
def notes(draw: st.DrawFn) -> str:
    """Notes with action candidates, insights and private lines (some of them marked too)."""
    kinds = st.one_of(
        PUBLIC,
        PUBLIC.map(lambda t: f"- [ ] {t}"),
        PUBLIC.map(lambda t: f"! {t}"),
        PUBLIC.map(lambda t: f"## {t}"),
        private_lines,
    )
    lines = [*draw(st.lists(kinds, max_size=6)), draw(private_lines)]
    return draw(st.sampled_from(BREAKS)).join(draw(st.permutations(lines)))


@st.composite
def practices(draw: st.DrawFn) -> tuple[Store, int]:
    """A store with one client, two sessions and every kind of record, all hiding private lines.

    Returns the store and the id of the second session (the one the outputs are made of).
    """
    text = hidden()
    store = Store.memory()
    client = store.add_client(Client(name=draw(text), contact=draw(text)))
    assert client.id is not None
    engagement = store.add_engagement(
        Engagement(
            client_id=client.id,
            sponsor_name=draw(text),
            sponsor_role=draw(text),
            confidentiality=draw(text),
            objective=draw(text),
            sessions_planned=6,
        )
    )
    fields = ("specific", "measurable", "achievable", "realistic", "ecological")
    goal = store.add_goal(
        Goal(client_id=client.id, engagement_id=engagement.id, **{f: draw(text) for f in fields})
    )
    public_goal = store.add_goal(Goal(client_id=client.id, specific="Public goal"))
    assert goal.id is not None and public_goal.id is not None
    sessions = []
    for number in range(2):
        agreement = Agreement(
            topic=draw(text), desired_outcome=draw(text), measure_of_success=draw(text)
        )
        session = store.add_session(
            Session(
                client_id=client.id,
                engagement_id=engagement.id,
                protocol_id="grow",
                protocol_snapshot=GROW,
                started_at=T0 + timedelta(days=7 * number),
                agreement=agreement,
            )
        )
        assert session.id is not None
        store.save_notes(session.id, draw(notes()))
        for goal_id in (goal.id, public_goal.id):
            store.set_goal_score(goal_id, session.id, draw(st.integers(0, 10)))
        sessions.append(session)
    first, second = sessions
    assert first.id is not None and second.id is not None
    store.finish_session(
        first.id,
        ended_at=first.started_at + timedelta(hours=1),
        actions=[Action(client_id=client.id, text=draw(text), goal_id=goal.id)],
        takeaways=[draw(text)],
    )
    earlier = store.actions(session_id=first.id)[0]
    assert earlier.id is not None
    status = draw(st.sampled_from(["done", "open"]))
    store.set_action_status(earlier.id, status, reviewed_in=second.id)  # type: ignore[arg-type]
    actions = [
        Action(client_id=client.id, text=draw(text), goal_id=draw(st.sampled_from(goal_ids)))
        for goal_ids in [[goal.id, public_goal.id, None]] * draw(st.integers(1, 3))
    ]
    takeaways = draw(st.lists(text, min_size=1, max_size=3))
    if draw(st.booleans()):
        store.finish_session(
            second.id,
            ended_at=second.started_at + timedelta(hours=1),
            actions=actions,
            takeaways=takeaways,
            next_session_on=(second.started_at + timedelta(days=14)).date(),
        )
    else:  # a session still running: the recap is a draft, with the notes' open items
        for action in actions:
            store.add_action(action.model_copy(update={"session_id": second.id}))
        for words in takeaways:
            store.add_takeaway(Takeaway(session_id=second.id, text=words))
    return store, second.id


def unvalidated(record: SessionRecord, text: str) -> SessionRecord:
    """RECORD with TEXT (lines and all) put in its fields the way model_copy does: unchecked."""
    session = record.session
    agreement = session.agreement.model_copy(
        update={"topic": text, "desired_outcome": text, "measure_of_success": text}
    )
    goals = [
        p.model_copy(update={"goal": p.goal.model_copy(update={"specific": text})})
        for p in record.goals
    ]
    return record.model_copy(
        update={
            "client": record.client.model_copy(update={"name": text, "contact": text}),
            "session": session.model_copy(update={"agreement": agreement}),
            "actions_set": [a.model_copy(update={"text": text}) for a in record.actions_set],
            "actions_reviewed": [
                a.model_copy(update={"text": text}) for a in record.actions_reviewed
            ],
            "goals": goals,
            "takeaways": [t.model_copy(update={"text": text}) for t in record.takeaways],
        }
    )


def client_outputs(store: Store, record: SessionRecord) -> dict[str, str]:
    return {
        "recap": build_recap(record),
        "recap file name": recap_filename(record),
        "markdown client copy": session_document(record, client_copy=True),
        "markdown file name": session_filename(record, client_copy=True),
        "json client copy": export_practice(store, client_copy=True).to_json(),
    }


def assert_no_token(outputs: dict[str, str]) -> None:
    for where, text in outputs.items():
        assert TOKEN.casefold() not in text.casefold(), f"{where} shows a private line:\n{text}"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(practice=practices(), raw=hidden())
def test_no_client_output_ever_shows_a_private_line(practice: tuple[Store, int], raw: str) -> None:
    store, session_id = practice
    try:
        record = load_session_record(store, session_id)
        coach = export_practice(store).to_json() + session_document(record)
        assert TOKEN in coach  # the coach's own records keep every private line
        assert_no_token(client_outputs(store, record))
        # The JSON client copy is still a valid export.
        assert read_export(export_practice(store, client_copy=True).to_json()).client_copy
        # Texts that never went through the models' validation are filtered all the same.
        loose = unvalidated(record, raw)
        assert_no_token(
            {
                "recap": build_recap(loose),
                "recap file name": recap_filename(loose),
                "markdown client copy": session_document(loose, client_copy=True),
                "markdown file name": session_filename(loose, client_copy=True),
            }
        )
    finally:
        store.close()


# -- one-line fields ---------------------------------------------------------------------------


ONE_LINE_FIELDS = [
    (Client, {}, ("name", "contact")),
    (Engagement, {"client_id": 1}, ("sponsor_name", "sponsor_role")),
    (
        Goal,
        {"client_id": 1},
        ("specific", "measurable", "achievable", "realistic", "ecological"),
    ),
    (Agreement, {}, ("topic", "desired_outcome", "measure_of_success")),
    (Action, {"client_id": 1}, ("text",)),
    (Takeaway, {"session_id": 1}, ("text",)),
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1).filter(lambda t: t.strip() and "\x00" not in t))
def test_one_line_fields_never_hold_a_line_break(text: str) -> None:
    for model, required, fields in ONE_LINE_FIELDS:
        for field in fields:
            other = {f: "x" for f in fields if f != field}
            try:
                record = model(**required, **other, **{field: text})  # type: ignore[arg-type]
            except ValueError:  # a required field left empty once collapsed
                assert not " ".join(text.split())
                continue
            value = getattr(record, field)
            assert len(value.splitlines()) <= 1 and value == value.strip(), (model, field)
            record2 = model(**required, **other, **{field: "x"})  # type: ignore[arg-type]
            setattr(record2, field, text)  # assignment is validated too
            assert getattr(record2, field) == value


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Call HR", "Call HR"),
        ("  Call HR \n", "Call HR"),
        ("Call HR\nabout the\r\nbudget", "Call HR about the budget"),
        ("one\u2028two\x85three\u2029four\x0bfive", "one two three four five"),
        ("Call HR\n\n\n", "Call HR"),
        # A private line in a one-line field makes the whole item private (nothing is lost).
        ("Call HR\n// PRIVATE", "// Call HR // PRIVATE"),
        ("Call HR\r\n- [ ] // PRIVATE", "// Call HR - [ ] // PRIVATE"),
        ("// PRIVATE\nCall HR", "// PRIVATE Call HR"),
        ("! // hunch", "! // hunch"),
        ("see https://example.org\nnext", "see https://example.org next"),
    ],
)
def test_one_line(raw: str, stored: str) -> None:
    assert one_line(raw) == stored
    assert Action(client_id=1, text=raw).text == stored
    private = "PRIVATE" in raw or "hunch" in raw
    assert (client_text(stored) == "") is private


def test_a_one_line_field_of_only_line_breaks_is_empty() -> None:
    with pytest.raises(ValueError):
        Action(client_id=1, text="\n\r\n\u2028")
    assert Agreement(topic=" \n ").topic == ""


def test_client_text_keeps_public_lines_and_line_endings() -> None:
    text = "One\r\n// PRIVATE\n- [ ] // PRIVATE\nTwo\u2028! // PRIVATE\u2028Three"
    assert client_text(text) == "One\r\nTwo\u2028Three"
    assert client_text("See https://example.org // not a private line") != ""


def test_a_private_client_name_is_never_shown() -> None:
    record = SessionRecord(
        session=Session(id=3, client_id=4, protocol_id="grow", started_at=T0),
        client=Client(id=4, name="Ana\n// PRIVATE"),
        notes=Notes(session_id=3),
    )
    assert record.client.name == "// Ana // PRIVATE"
    assert client_record(record).client.name == "Client 4"
    recap = build_recap(record)
    assert "PRIVATE" not in recap and "Ana" not in recap and "Hello,\n" in recap
    assert "PRIVATE" not in session_document(record, client_copy=True)
    assert session_filename(record, client_copy=True).endswith("-client-4-session-3.md")


# -- the import that used to leak --------------------------------------------------------------


def run(runner: CliRunner, *args: str | Path) -> Result:
    result = runner.invoke(cli, [str(arg) for arg in args], prog_name="companion")
    assert result.exit_code == 0, result.output
    return result


def test_an_imported_action_with_a_private_line_stays_out_of_client_copies(
    runner: CliRunner, tmp_path: Path, db_path: Path
) -> None:
    source = Store.memory()
    client = source.add_client(Client(name="Ana Lopez"))
    assert client.id is not None
    session = source.add_session(
        Session(client_id=client.id, protocol_id="grow", protocol_snapshot=GROW, started_at=T0)
    )
    assert session.id is not None
    source.finish_session(
        session.id,
        ended_at=T0 + timedelta(hours=1),
        actions=[
            Action(client_id=client.id, text="Call HR"),
            Action(client_id=client.id, text="Rest"),
        ],
        takeaways=["Breathe first"],
    )
    data = json.loads(export_practice(source).to_json())
    source.close()
    # The file arrives with line breaks in one-line fields (edited by hand, or another tool's).
    data["actions"][0]["text"] = "Call HR\n// PRIVATE"
    data["takeaways"][0]["text"] = "Breathe first\r\n- // PRIVATE too"
    data["sessions"][0]["agreement"]["topic"] = "The meeting\n! // PRIVATE hunch"
    file = tmp_path / "from-elsewhere.json"
    file.write_text(json.dumps(data), encoding="utf-8")

    run(runner, "import", file)
    store = Store.open(db_path)
    try:
        texts = [a.text for a in store.actions()]
        assert texts == ["// Call HR // PRIVATE", "Rest"]  # one line; private as a whole
        row = store.db.execute("SELECT text FROM actions ORDER BY id").fetchone()
        assert "\n" not in row[0]  # the database holds it on one line too
        (imported,) = store.sessions()
        assert imported.id is not None
        assert "\n" not in imported.agreement.topic
        assert all("\n" not in t.text for t in store.takeaways(imported.id))
    finally:
        store.close()

    coach = tmp_path / "coach"
    run(runner, "export", "--format", "markdown", "--out", coach)
    assert "PRIVATE" in "".join(p.read_text(encoding="utf-8") for p in coach.glob("*.md"))

    client_md = tmp_path / "client-md"
    run(runner, "export", "--format", "markdown", "--client-copy", "--out", client_md)
    (markdown,) = client_md.glob("*.md")
    text = markdown.read_text(encoding="utf-8")
    assert "PRIVATE" not in text and "Call HR" not in text
    assert "Rest" in text

    client_json = tmp_path / "client-json"
    run(runner, "export", "--client-copy", "--out", client_json)
    (exported,) = client_json.glob("*.json")
    assert "PRIVATE" not in exported.read_text(encoding="utf-8")

    recap = run(runner, "recap", str(imported.id)).stdout
    assert "PRIVATE" not in recap and "Call HR" not in recap and "- Rest" in recap
