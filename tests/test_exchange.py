"""Exports and imports: the round trip keeps every record, re-importing adds nothing, and a file
that is not a companion export is refused before anything is written. Markdown per session."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from companion.core.exchange_markdown import (
    front_matter,
    session_document,
    session_filename,
    yaml_string,
)
from companion.core.models import (
    Action,
    Agreement,
    Client,
    Engagement,
    Goal,
    RecapEdit,
    Session,
)
from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.store.exchange import ExportError, PracticeExport, export_practice, read_export
from companion.store.exchange_import import _Importer, import_practice
from companion.store.records import load_session_record

T0 = datetime(2026, 10, 5, 9, 0)
PRIVATE = "// worried about the reorganisation"


def build_practice(store: Store, protocols: ProtocolLibrary) -> None:
    """Two clients with every kind of record, links between them, and awkward text."""
    grow = protocols.get("grow")
    ana = store.add_client(Client(name="Ana Lopez", contact="ana@example.org"))
    zoe = store.add_client(Client(name='Zoë O\'Brien: "Z"', contact="+44 20 7946 0000"))
    assert ana.id is not None and zoe.id is not None
    contract = store.add_engagement(
        Engagement(
            client_id=ana.id,
            sponsor_name="Marc Dubois",
            sponsor_role="Head of HR",
            start_date=date(2026, 9, 1),
            sessions_planned=6,
            billing="paid",
            objective="Team-lead role",
        )
    )
    store.add_engagement(
        Engagement(client_id=zoe.id, billing="pro_bono", format="group", group_size=4)
    )
    lead = store.add_goal(
        Goal(client_id=ana.id, engagement_id=contract.id, specific="Lead the meeting", timely=None)
    )
    calm = store.add_goal(Goal(client_id=ana.id, specific="Stay calm", status="achieved"))
    zoe_goal = store.add_goal(Goal(client_id=zoe.id, specific="Run a 10k"))
    sessions: list[Session] = []
    for number in range(3):
        started = T0 + timedelta(days=7 * number)
        session = store.add_session(
            Session(
                client_id=ana.id,
                engagement_id=contract.id,
                protocol_id="grow",
                protocol_snapshot=grow.model_dump_json(),
                started_at=started,
                agreement=Agreement(
                    topic=f"Topic {number}", desired_outcome="A plan\nin two lines"
                ),
            )
        )
        assert session.id is not None
        for index, step in enumerate(grow.steps[:3]):
            store.enter_step(session.id, index, step.id, at=started + timedelta(minutes=5 * index))
        store.save_notes(session.id, f"## Goal\nSession {number} notes ✓\n{PRIVATE}\n- [ ] try\n")
        store.set_goal_score(lead.id, session.id, 3 + number)  # type: ignore[arg-type]
        if number < 2:
            store.finish_session(
                session.id,
                ended_at=started + timedelta(minutes=55),
                actions=[Action(client_id=ana.id, text=f"Action {number}", goal_id=lead.id)],
                takeaways=[f"Takeaway {number}", "Same words twice"],
                next_session_on=(started + timedelta(days=7)).date(),
            )
        sessions.append(session)
    # An action set in session 0, followed up (done) in session 1; a private action; a loose one.
    first = store.actions(session_id=sessions[0].id)[0]
    assert first.id is not None
    store.set_action_status(first.id, "done", reviewed_in=sessions[1].id)
    store.add_action(Action(client_id=ana.id, session_id=sessions[1].id, text=PRIVATE))
    store.add_action(Action(client_id=ana.id, text="Call back", owner="coach", goal_id=calm.id))
    # The coach's own wording of two recaps (as typed: a private line kept, for the coach).
    store.save_recap_edit(
        RecapEdit(
            session_id=sessions[0].id,  # type: ignore[arg-type]
            format="markdown",
            text=f"# Our session\n\nYou chose a plan ✓\n{PRIVATE}\n",
            edited_at=T0 + timedelta(hours=2),
        )
    )
    store.save_recap_edit(
        RecapEdit(
            session_id=sessions[0].id,  # type: ignore[arg-type]
            format="text",
            text="You chose a plan.\r\nSee you next week.",
            edited_at=T0 + timedelta(hours=3),
        )
    )
    zoe_session = store.add_session(
        Session(client_id=zoe.id, protocol_id="first-session", started_at=T0, mode="phone")
    )
    assert zoe_session.id is not None
    store.set_goal_score(zoe_goal.id, zoe_session.id, 7)  # type: ignore[arg-type]
    store.finish_session(zoe_session.id, ended_at=T0 + timedelta(minutes=30))


def canonical(store: Store) -> dict[str, list[Any]]:
    """Every record, read through the store's own methods, ids replaced by natural keys."""
    clients = {c.id: c.name for c in store.clients()}
    engagements: dict[int | None, Any] = {None: None}
    for client_id, name in clients.items():
        assert client_id is not None
        for engagement in store.engagements(client_id):
            engagements[engagement.id] = (name, str(engagement.start_date), engagement.sponsor_name)
    goals = {g.id: (clients[g.client_id], g.specific) for g in store.goals()}
    goals[None] = None
    sessions_list = store.sessions()
    sessions: dict[int | None, Any] = {
        s.id: (clients[s.client_id], s.started_at.isoformat(), s.protocol_id) for s in sessions_list
    }
    sessions[None] = None

    def plain(record: Any, **keys: Any) -> dict[str, Any]:
        data = record.model_dump(mode="json", exclude={"id"})
        data.update(keys)
        return data

    out: dict[str, list[Any]] = {
        "clients": [plain(c) for c in store.clients()],
        "engagements": [
            plain(e, client_id=clients[e.client_id])
            for cid in clients
            for e in store.engagements(cid)  # type: ignore[arg-type]
        ],
        "goals": [
            plain(g, client_id=clients[g.client_id], engagement_id=engagements[g.engagement_id])
            for g in store.goals()
        ],
        "sessions": [
            plain(s, client_id=clients[s.client_id], engagement_id=engagements[s.engagement_id])
            for s in sessions_list
        ],
        "notes": [],
        "step_timings": [],
        "takeaways": [],
        "recap_edits": [],
        "actions": [
            plain(
                a,
                client_id=clients[a.client_id],
                session_id=sessions[a.session_id],
                reviewed_session_id=sessions[a.reviewed_session_id],
                goal_id=goals[a.goal_id],
            )
            for a in store.actions()
        ],
        "goal_scores": [
            plain(s, goal_id=goals[s.goal_id], session_id=sessions[s.session_id])
            for s in store.goal_scores()
        ],
    }
    for session in sessions_list:
        assert session.id is not None
        key = sessions[session.id]
        out["notes"].append(plain(store.get_notes(session.id), session_id=key))
        out["step_timings"] += [plain(t, session_id=key) for t in store.step_timings(session.id)]
        out["takeaways"] += [plain(t, session_id=key) for t in store.takeaways(session.id)]
        edits = store.recap_edits(session.id).values()
        out["recap_edits"] += [plain(e, session_id=key) for e in edits]
    return {
        kind: sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))
        for kind, rows in out.items()
    }


@pytest.fixture
def practice(store: Store, protocols: ProtocolLibrary) -> Store:
    build_practice(store, protocols)
    return store


@pytest.fixture
def other(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "other" / "practice.db")
    yield opened  # type: ignore[misc]
    opened.close()


def round_trip(source: Store, target: Store, **options: Any) -> PracticeExport:
    text = export_practice(source, **options).to_json()
    document = read_export(text)
    import_practice(target, document)
    return document


# -- the round trip ----------------------------------------------------------------------------


def test_round_trip_keeps_every_record(practice: Store, other: Store) -> None:
    before = canonical(practice)
    assert all(before[kind] for kind in before), "the practice must hold every kind of record"
    round_trip(practice, other)
    assert canonical(other) == before
    # The imported practice works like one typed in: search, session records, scores in order.
    assert {hit.client_name for hit in other.search("notes")} == {"Ana Lopez"}
    ana = other.client_named("ana lopez")
    assert ana.id is not None
    newest = other.sessions(ana.id)[0]
    assert newest.id is not None
    record = load_session_record(other, newest.id)
    assert record.session_number == 3
    assert [p.last_score for p in record.goals if p.goal.specific == "Lead the meeting"] == [5]


def test_recap_edits_round_trip_record_for_record(practice: Store, other: Store) -> None:
    (source,) = [s for s in practice.sessions() if practice.recap_edits(s.id)]  # type: ignore[arg-type]
    edits = practice.recap_edits(source.id)  # type: ignore[arg-type]
    assert set(edits) == {"markdown", "text"}
    document = round_trip(practice, other)
    assert len(document.recap_edits) == 2
    ana = other.client_named("Ana Lopez")
    (target,) = [s for s in other.sessions(ana.id) if s.started_at == source.started_at]  # type: ignore[arg-type]
    moved = {form: e.model_copy(update={"session_id": target.id}) for form, e in edits.items()}
    assert other.recap_edits(target.id) == moved  # type: ignore[arg-type]
    assert PRIVATE in other.recap_edits(target.id)["markdown"].text  # the coach's copy keeps it
    again = import_practice(other, document)
    assert again.skipped["recap_edits"] == 2 and "recap_edits" not in again.added


def test_an_export_made_before_recap_edits_still_imports(practice: Store, other: Store) -> None:
    data = _valid(practice)
    del data["recap_edits"]  # as written by a companion that did not export them
    summary = import_practice(other, read_export(json.dumps(data)))
    assert summary.added["sessions"] == 4 and "recap_edits" not in summary.added
    expected = {**canonical(practice), "recap_edits": []}
    assert canonical(other) == expected


def test_export_document_header_and_contents(practice: Store) -> None:
    data = json.loads(export_practice(practice).to_json())
    assert data["format"] == "companion-export" and data["version"] == 1
    assert data["schema"][:3] == ["m001_tables", "m002_full_text_search", "m003_indexes"]
    assert datetime.fromisoformat(data["exported_at"])
    assert data["client_copy"] is False
    counts = {kind: len(data[kind]) for kind in ("clients", "sessions", "notes", "takeaways")}
    assert counts == {"clients": 2, "sessions": 4, "notes": 4, "takeaways": 4}
    assert json.loads(data["sessions"][0]["protocol_snapshot"])["id"] == "grow"
    assert PRIVATE in data["notes"][0]["text"]  # the coach's records keep private lines


def test_import_twice_adds_nothing_the_second_time(practice: Store, other: Store) -> None:
    text = export_practice(practice).to_json()
    first = import_practice(other, read_export(text))
    after_first = canonical(other)
    second = import_practice(other, read_export(text))
    assert canonical(other) == after_first == canonical(practice)
    assert second.added == {}
    assert second.skipped == first.added
    assert first.added["sessions"] == 4 and first.added["clients"] == 2


def test_import_into_itself_changes_nothing(practice: Store) -> None:
    before = canonical(practice)
    summary = import_practice(practice, read_export(export_practice(practice).to_json()))
    assert summary.added == {}
    assert canonical(practice) == before


def test_import_merges_with_what_is_there(practice: Store, other: Store) -> None:
    """Same client in another case: matched, not doubled; their own session here stays."""
    mine = other.add_client(Client(name="ANA LOPEZ", contact="kept@example.org"))
    assert mine.id is not None
    own = other.add_session(
        Session(client_id=mine.id, protocol_id="grow", started_at=T0 - timedelta(days=30))
    )
    other.save_notes(own.id, "Notes only this laptop had")  # type: ignore[arg-type]
    round_trip(practice, other)
    names = [c.name for c in other.clients()]
    assert names == ["ANA LOPEZ", 'Zoë O\'Brien: "Z"']
    assert other.client_named("ana lopez").contact == "kept@example.org"
    assert len(other.sessions(mine.id)) == 4
    assert other.get_notes(own.id).text == "Notes only this laptop had"  # type: ignore[arg-type]
    # The first imported session is the client's second here: numbering follows the merge.
    oldest_imported = sorted(other.sessions(mine.id), key=lambda s: s.started_at)[1]
    assert other.session_number(oldest_imported) == 1  # its own engagement (the contract)


def test_one_client_export(practice: Store, other: Store) -> None:
    zoe = practice.clients()[1]
    document = round_trip(practice, other, client_id=zoe.id)
    assert [c.name for c in document.clients] == [zoe.name]
    assert len(document.sessions) == 1 and len(document.goal_scores) == 1
    assert [c.name for c in other.clients()] == [zoe.name]
    everything = canonical(practice)
    theirs = canonical(other)
    assert theirs["sessions"] == [s for s in everything["sessions"] if s["client_id"] == zoe.name]


def test_client_copy_leaves_private_lines_out_everywhere(practice: Store, other: Store) -> None:
    session = practice.sessions()[-1]
    agreement = Agreement(topic="Visible\n// hidden hunch", desired_outcome="Kept")
    practice.save_session(session.model_copy(update={"agreement": agreement}))
    text = export_practice(practice, client_copy=True).to_json()
    assert "reorganisation" not in text and "hidden hunch" not in text
    document = read_export(text)
    assert document.client_copy is True
    assert all("Session" in n.text for n in document.notes if n.text)
    # A one-line field that held a private line is private as a whole (models.one_line).
    assert "Visible" not in text and '"desired_outcome": "Kept"' in text
    # The private action is left out; everything else is there.
    assert sorted(a.text for a in document.actions) == ["Action 0", "Action 1", "Call back"]
    # An edited recap keeps its public lines only.
    markdown = next(e for e in document.recap_edits if e.format == "markdown")
    assert markdown.text == "# Our session\n\nYou chose a plan ✓\n"
    import_practice(other, document)
    assert other.search("reorganisation") == []


# -- refusals ----------------------------------------------------------------------------------


def _valid(practice: Store) -> dict[str, Any]:
    return json.loads(export_practice(practice).to_json())


BAD_FILES: dict[str, Any] = {
    "not JSON": b"\x89PNG\r\n\x1a\n not json",
    "empty": b"",
    "a JSON list": b"[1, 2]",
    "no header": b'{"clients": []}',
    "another format": b'{"format": "obsidian", "version": 1}',
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_non_exports_are_refused(name: str, practice: Store) -> None:
    before = canonical(practice)
    with pytest.raises(ExportError) as caught:
        read_export(BAD_FILES[name])
    assert "not a companion export" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert canonical(practice) == before


def _broken(practice: Store, how: str) -> dict[str, Any]:
    data = _valid(practice)
    if how == "version":
        data["version"] = 2
    elif how == "score":
        data["goal_scores"][0]["score"] = 11
    elif how == "extra field":
        data["clients"][0]["shoe_size"] = 42
    elif how == "dangling session":
        data["notes"][0]["session_id"] = 999
    elif how == "dangling client":
        data["actions"][0]["client_id"] = 999
    elif how == "repeated id":
        data["sessions"][1]["id"] = data["sessions"][0]["id"]
    elif how == "newer schema":
        data["schema"].append("m999_from_the_future")
    elif how == "missing id":
        data["goals"][0]["id"] = None
    elif how == "dangling recap edit":
        data["recap_edits"][0]["session_id"] = 999
    elif how == "repeated recap edit":
        data["recap_edits"][1]["format"] = data["recap_edits"][0]["format"]
    return data


@pytest.mark.parametrize(
    ("how", "words"),
    [
        ("version", "version 2"),
        ("score", "goal_scores.0.score"),
        ("extra field", "clients.0.shoe_size"),
        ("dangling session", "notes.0.session_id"),
        ("dangling client", "actions.0.client_id"),
        ("repeated id", "repeats id"),
        ("newer schema", "newer companion"),
        ("missing id", "goals.0 has no id"),
        ("dangling recap edit", "recap_edits.0.session_id"),
        ("repeated recap edit", "recap_edits.1 repeats the markdown recap"),
    ],
)
def test_broken_exports_are_refused_before_writing(
    how: str, words: str, practice: Store, other: Store
) -> None:
    text = json.dumps(_broken(practice, how))
    before = canonical(other)
    with pytest.raises(ExportError) as caught:
        import_practice(other, read_export(text))
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)
    assert canonical(other) == before
    assert other.clients() == []


def test_an_import_that_fails_halfway_writes_nothing(
    practice: Store, other: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = read_export(export_practice(practice).to_json())

    def fail(self: _Importer, document: PracticeExport) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(_Importer, "_actions", fail)
    with pytest.raises(RuntimeError):
        import_practice(other, document)
    assert other.clients() == [] and other.sessions() == []
    assert other.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


# -- Markdown ----------------------------------------------------------------------------------


def parse_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """A tiny reader for the YAML this module writes: scalars, quoted strings, block lists."""
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n")
    fields: dict[str, Any] = {}
    key = ""
    for line in head.splitlines():
        if line.startswith("  - "):
            fields[key].append(json.loads(line[4:]))
            continue
        match = re.fullmatch(r"([a-z_]+):(?: (.*))?", line)
        assert match is not None, f"not a YAML mapping line: {line!r}"
        key, value = match.group(1), match.group(2)
        assert key not in fields, f"repeated key {key}"
        if value is None:
            fields[key] = []
        elif value.startswith('"'):
            fields[key] = json.loads(value)  # the escapes used are JSON's too
        elif value in ("null", "true", "false"):
            fields[key] = {"null": None, "true": True, "false": False}[value]
        elif re.fullmatch(r"-?\d+", value):
            fields[key] = int(value)
        elif re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            fields[key] = date.fromisoformat(value)
        elif re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", value):
            fields[key] = datetime.fromisoformat(value)
        else:
            raise AssertionError(f"unquoted string in front matter: {line!r}")
    return fields, body


@pytest.mark.parametrize(
    "text",
    [
        'say "hi"',
        "C:\\path\\to",
        "two\nlines\r\n",
        "key: value # not a comment",
        "- looks like a list",
        "@at ` backtick & ampersand * star ! bang % percent",
        "tab\there",
        "bell\x07 and null\x00 and del\x7f",
        "line\u2028separator and \ufeffbom",
        "Zoë ✓ 漢字 🙂",
        "",
        "null",
        "yes",
    ],
)
def test_yaml_strings_read_back_as_written(text: str) -> None:
    line = yaml_string(text)
    assert "\n" not in line and "\r" not in line
    assert json.loads(line) == text
    fields, _ = parse_front_matter(front_matter({"value": text}))
    assert fields["value"] == text


def test_markdown_front_matter_of_a_session(practice: Store) -> None:
    ana = practice.client_named("Ana Lopez")
    session = min(practice.sessions(ana.id), key=lambda s: s.started_at)
    assert session.id is not None
    record = load_session_record(practice, session.id)
    fields, body = parse_front_matter(session_document(record))
    assert fields["client"] == "Ana Lopez"
    assert fields["date"] == date(2026, 10, 5)
    assert fields["started"] == T0
    assert fields["duration_minutes"] == 55
    assert fields["protocol"] == "grow"
    assert fields["mode"] == "video"
    assert fields["session_id"] == session.id
    assert fields["agreement_topic"] == "Topic 0"
    assert fields["desired_outcome"] == "A plan in two lines"  # a one-line field
    assert fields["status"] == "finished"
    assert fields["client_copy"] is False
    assert "coaching" in fields["tags"] and "client/ana-lopez" in fields["tags"]
    assert all(" " not in tag for tag in fields["tags"])
    for heading in ("## Agreement", "## Notes", "## Actions set", "## Goals", "## Takeaways"):
        assert heading in body
    assert PRIVATE in body  # the coach's copy keeps private lines


def test_markdown_client_copy_leaves_private_lines_out(practice: Store) -> None:
    for session in practice.sessions():
        assert session.id is not None
        record = load_session_record(practice, session.id)
        coach = session_document(record)
        client = session_document(record, client_copy=True)
        fields, body = parse_front_matter(client)
        assert fields["client_copy"] is True
        assert "reorganisation" not in client
        assert not any(line.lstrip().startswith("//") for line in body.splitlines())
        if record.notes.text:
            assert "reorganisation" in coach


def test_markdown_file_names_are_stable_and_ascii(practice: Store) -> None:
    names = []
    for session in practice.sessions():
        assert session.id is not None
        record = load_session_record(practice, session.id)
        name = session_filename(record)
        assert name == session_filename(load_session_record(practice, session.id))
        assert re.fullmatch(r"\d{4}-\d\d-\d\d-[a-z0-9-]+-session-\d+\.md", name), name
        names.append(name)
    assert len(set(names)) == len(names)
    assert "2026-10-05-zoe-o-brien-z-session-4.md" in names


def test_client_copy_drops_a_goal_typed_as_private(practice: Store) -> None:
    ana = practice.client_named("Ana Lopez")
    goal = next(g for g in practice.goals(ana.id) if g.specific == "Lead the meeting")
    practice.save_goal(goal.model_copy(update={"specific": "// Lead the meeting, says HR"}))
    document = export_practice(practice, client_copy=True)
    assert "says HR" not in document.to_json()
    assert all(score.goal_id != goal.id for score in document.goal_scores)
    assert all(action.goal_id != goal.id for action in document.actions)
    read_export(document.to_json())  # still a valid export: no reference left dangling
    coach = export_practice(practice)
    assert any(score.goal_id == goal.id for score in coach.goal_scores)
