"""Snippets built for the hits the search keeps (core/snippets.py), as FTS5's snippet() builds
them: compared with SQLite's own over many texts, and the rules one by one."""

from __future__ import annotations

import random
import re
import sqlite3
import unicodedata

import pytest

from companion.core.snippets import snippet
from companion.core.text import matching_words, query_words
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


def _matching_words_word_by_word(text: str, words: list[str]) -> list[tuple[int, int, int]]:
    """The plain definition matching_words speeds up: fold each word, test each prefix."""
    found = []
    for match in re.finditer(r"[^\W_]+", text):
        folded = unicodedata.normalize("NFKD", match.group())
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
        which = next((i for i, word in enumerate(words) if folded.startswith(word)), None)
        if which is not None:
            found.append((*match.span(), which))
    return found


FOLDING_TO_ONE = ["\u212aelvin", "Ωmega", "naïve", "x²", "Ärger"]  # K is the Kelvin sign
FOLDING_TO_TWO = ["Straße", "İstanbul", "ǅemal", "ﬁne"]


@pytest.mark.parametrize("seed", range(40))
def test_matching_words_is_the_word_by_word_fold(seed: int) -> None:
    """The fast path (the text folded letter by letter, one regular expression) finds what
    folding each word finds, letters that fold to two ("ß", "ﬁ") and other scripts included."""
    rng = random.Random(seed)
    vocabulary = VOCABULARY + FOLDING_TO_ONE + (FOLDING_TO_TWO if seed % 2 else [])
    text = "".join(
        rng.choice(vocabulary) + rng.choice([*PUNCTUATION, " · ", "—"]) for _ in range(40)
    )
    for query in ["a", "del", "évening cafe", "strasse", "ista", "fi", "kel", "ωm", "naive", "x2"]:
        words = query_words(query)
        assert matching_words(text, words) == _matching_words_word_by_word(text, words), query


def test_a_long_note_is_snippeted_in_one_pass() -> None:
    """20,000 words with a thousand matches: the window is FTS5's (checked with snippet())."""
    rng = random.Random(7)
    text = " ".join(rng.choice(VOCABULARY) + rng.choice(["", ".", ","]) for _ in range(20_000))
    assert snippet([text], "energy career") == _fts5_snippets([text], "energy career")[0]
