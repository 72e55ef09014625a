"""Snippets built for the hits the search keeps (core/snippets.py), as FTS5's snippet() builds
them: compared with SQLite's own over many texts, and the rules one by one."""

from __future__ import annotations

import random
import sqlite3

import pytest

from companion.core.snippets import snippet
from companion.store.search import fts_query

VOCABULARY = [
    "the",
    "team",
    "meeting",
    "manager",
    "feedback",
    "delegate",
    "delegation",
    "values",
    "job",
    "energy",
    "sleep",
    "career",
    "évening",
    "courses",
    "Café",
    "report",
    "checklist",
    "Sam",
    "boundary",
    "a",
    "of",
    "to",
    "and",
    "with",
    "on",
]
PUNCTUATION = [" ", " ", " ", ", ", ". ", ": ", "\n", "\n\n## ", " - ", "! "]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(1, 60))]
        texts.append("".join(w + rng.choice(PUNCTUATION) for w in words).rstrip())
    return texts


def _fts5_snippets(texts: list[str], query: str) -> dict[int, str]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", enumerate(texts))
    sql = "SELECT rowid, snippet(t, -1, '[[', ']]', '…', 16) FROM t WHERE t MATCH ?"
    return dict(db.execute(sql, [fts_query(query)]).fetchall())


@pytest.mark.parametrize(
    "query", ["team", "deleg", "meeting feedback", "cafe", "EVENING", "sam report", "a"]
)
def test_the_same_snippets_as_fts5(query: str) -> None:
    texts = _texts(300, seed=len(query))
    expected = _fts5_snippets(texts, query)
    assert expected  # the corpus has matches for every query
    for rowid, theirs in expected.items():
        assert snippet([texts[rowid]], query) == theirs, texts[rowid]


def test_a_short_text_whole_with_every_match_marked() -> None:
    assert snippet(["Book a physiotherapist"], "physio") == "Book a [[physiotherapist]]"
    assert snippet(["Delegate the budget"], "budget deleg") == "[[Delegate]] the [[budget]]"


def test_case_and_accents_do_not_matter() -> None:
    assert snippet(["Résumé at the café"], "resume CAFE") == "[[Résumé]] at the [[café]]"


def test_a_long_text_is_cut_around_the_match_with_ellipses() -> None:
    words = [f"w{i}" for i in range(40)]
    words[20] = "marathon"
    cut = snippet([" ".join(words)], "marathon")
    assert cut.startswith("…") and cut.endswith("…")
    assert "[[marathon]]" in cut
    assert len(cut.strip("…").split()) == 16


def test_the_window_opens_at_a_sentence_when_it_can() -> None:
    before = " ".join(f"w{i}" for i in range(12))
    text = f"{before}. Training for the marathon starts now " + "x " * 30
    assert snippet([text], "marathon").startswith("…Training for the [[marathon]] starts")
    assert _fts5_snippets([text], "marathon") == {0: snippet([text], "marathon")}


def test_the_field_with_the_most_query_words_is_shown() -> None:
    fields = ["only the team here", "", "the team meeting, at last"]
    assert snippet(fields, "team meeting") == "the [[team]] [[meeting]], at last"


def test_no_visible_match_shows_the_first_field_unmarked() -> None:
    assert snippet(["", "nothing to mark here"], "zzz") == "nothing to mark here"
    assert snippet(["", "  "], "zzz") == ""
