"""Full-text search over notes, agreements, actions and takeaways, through Store.search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from companion.core.models import Action, Agreement, Client, Session
from companion.store import Store
from companion.store.search import fts_query


@dataclass
class Practice:
    store: Store
    ana: Client
    bruno: Client
    ana_session: Session
    bruno_session: Session


@pytest.fixture
def practice(store: Store) -> Practice:
    ana = store.add_client(Client(name="Ana Lopez"))
    bruno = store.add_client(Client(name="Bruno Costa"))
    assert ana.id is not None and bruno.id is not None
    ana_session = store.add_session(
        Session(
            client_id=ana.id,
            protocol_id="grow",
            started_at=datetime(2026, 11, 2, 10),
            agreement=Agreement(
                topic="Training for the half-marathon",
                desired_outcome="A weekly plan that fits family life",
                measure_of_success="Three runs booked in the calendar",
            ),
        )
    )
    bruno_session = store.add_session(
        Session(client_id=bruno.id, protocol_id="grow", started_at=datetime(2026, 11, 3, 10))
    )
    assert ana_session.id is not None and bruno_session.id is not None
    store.save_notes(
        ana_session.id, "## Reality\nShe delegates too little and the marathon slips.\n"
    )
    store.save_notes(bruno_session.id, "He wants to delegate the budget review.")
    store.add_action(
        Action(client_id=ana.id, session_id=ana_session.id, text="Book a physiotherapist")
    )
    store.add_action(Action(client_id=bruno.id, text="Ask Lea about the budget"))  # no session
    store.replace_takeaways(ana_session.id, ["Saying no to Friday meetings frees an evening"])
    return Practice(store, ana, bruno, ana_session, bruno_session)


def kinds(store: Store, query: str, **kwargs: int) -> set[tuple[str, str]]:
    return {(hit.kind, hit.client_name) for hit in store.search(query, **kwargs)}


def test_finds_notes(practice: Practice) -> None:
    hits = practice.store.search("slips")
    assert len(hits) == 1
    hit = hits[0]
    assert hit.kind == "notes"
    assert hit.session_id == practice.ana_session.id
    assert hit.client_id == practice.ana.id
    assert hit.client_name == "Ana Lopez"
    assert hit.started_at == datetime(2026, 11, 2, 10)
    assert "[[slips]]" in hit.snippet


def test_finds_every_agreement_field(practice: Practice) -> None:
    for word in ["half", "family", "calendar"]:
        assert kinds(practice.store, word) == {("agreement", "Ana Lopez")}, word


def test_finds_actions_with_or_without_a_session(practice: Practice) -> None:
    assert kinds(practice.store, "physiotherapist") == {("action", "Ana Lopez")}
    hits = practice.store.search("Lea")
    assert [(h.kind, h.client_name, h.session_id, h.started_at) for h in hits] == [
        ("action", "Bruno Costa", None, None)
    ]


def test_finds_takeaways(practice: Practice) -> None:
    assert kinds(practice.store, "evening") == {("takeaway", "Ana Lopez")}


def test_every_word_must_match_and_words_match_as_prefixes(practice: Practice) -> None:
    assert kinds(practice.store, "deleg") == {("notes", "Ana Lopez"), ("notes", "Bruno Costa")}
    assert kinds(practice.store, "delegate budget") == {("notes", "Bruno Costa")}
    assert kinds(practice.store, "budget") == {("notes", "Bruno Costa"), ("action", "Bruno Costa")}
    assert practice.store.search("budget marathon") == []


def test_case_and_accents_do_not_matter(practice: Practice) -> None:
    store = practice.store
    store.save_notes(practice.bruno_session.id, "Résumé: a café with the Équipe")  # type: ignore[arg-type]
    assert kinds(store, "resume CAFE equipe") == {("notes", "Bruno Costa")}
    assert kinds(store, "MARATHON") == {("notes", "Ana Lopez"), ("agreement", "Ana Lopez")}


def test_filtered_by_client(practice: Practice) -> None:
    store = practice.store
    assert kinds(store, "deleg", client_id=practice.bruno.id) == {("notes", "Bruno Costa")}
    assert kinds(store, "budget", client_id=practice.ana.id) == set()
    assert kinds(store, "marathon", client_id=practice.ana.id) == {
        ("notes", "Ana Lopez"),
        ("agreement", "Ana Lopez"),
    }


def test_limit(practice: Practice) -> None:
    assert len(practice.store.search("deleg", limit=1)) == 1


def test_snippets_mark_every_match(practice: Practice) -> None:
    [hit] = practice.store.search("physio")
    assert hit.snippet == "Book a [[physiotherapist]]"
    [hit] = practice.store.search("delegate budget")
    assert "[[delegate]]" in hit.snippet and "[[budget]]" in hit.snippet


def test_triggers_keep_the_index_current_on_update(practice: Practice) -> None:
    store = practice.store
    session_id = practice.ana_session.id
    assert session_id is not None
    store.save_notes(session_id, "Now about sailing instead.")
    assert kinds(store, "sailing") == {("notes", "Ana Lopez")}
    assert kinds(store, "slips") == set()

    session = store.get_session(session_id)
    store.save_session(session.model_copy(update={"agreement": Agreement(topic="Sailing club")}))
    assert ("agreement", "Ana Lopez") in kinds(store, "club")
    assert ("agreement", "Ana Lopez") not in kinds(store, "calendar")

    [action] = store.actions(practice.ana.id)
    assert action.id is not None
    store.save_action(action.model_copy(update={"text": "Call the osteopath"}))
    assert kinds(store, "osteopath") == {("action", "Ana Lopez")}
    assert kinds(store, "physiotherapist") == set()

    store.replace_takeaways(session_id, ["Rest is part of training"])
    assert kinds(store, "rest") == {("takeaway", "Ana Lopez")}
    assert kinds(store, "evening") == set()


def test_triggers_keep_the_index_current_on_delete(practice: Practice) -> None:
    store = practice.store
    store.replace_takeaways(practice.ana_session.id, [])  # type: ignore[arg-type]
    assert kinds(store, "evening") == set()
    store.delete_client(practice.ana.id)  # type: ignore[arg-type]
    assert kinds(store, "marathon") == set()
    assert kinds(store, "physiotherapist") == set()
    assert kinds(store, "deleg") == {("notes", "Bruno Costa")}


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        '"half',
        'half"',
        'a"b"c',
        "AND",
        "OR NOT",
        "half-marathon",
        "NEAR(",
        "NEAR(a b)",
        "*",
        "half*",
        "^start",
        "col:x",
        "notes:marathon",
        "(",
        ")",
        "{a b}:x",
        "-",
        "+",
        "'",
        "\\",
        "%",
        "_",
        "🏃",
        "   ",
        "",
        "x" * 500,
    ],
)
def test_anything_a_coach_types_is_safe(practice: Practice, query: str) -> None:
    hits = practice.store.search(query)
    assert isinstance(hits, list)


def test_typed_syntax_is_taken_as_words(practice: Practice) -> None:
    store = practice.store
    assert kinds(store, "half-marathon") == {("agreement", "Ana Lopez")}
    assert kinds(store, '"marathon') == {("notes", "Ana Lopez"), ("agreement", "Ana Lopez")}
    assert store.search("budget AND marathon") == []  # AND is a word, not an operator
    assert store.search("*") == []
    assert store.search('"') == []


def test_fts_query_quotes_every_word() -> None:
    assert fts_query("half-marathon  plan") == '"half-marathon"* "plan"*'
    assert fts_query('say "no"') == '"say"* """no"""*'
    assert fts_query(' " * - ') == ""
