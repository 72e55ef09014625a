"""A search hit's snippet: a few words around the matches, each match marked [[like this]].

SQLite's FTS5 has snippet() for this, but it reads and tokenizes every matching record before
the ranking keeps fifty: on a large practice most of a search's time (see benchmarks/ANALYSIS.md,
"Search"). The store ranks first and builds the snippets of the hits it keeps here, the way FTS5
does (fts5_aux.c, fts5SnippetFunction): the window of SNIPPET_WORDS words holding the most
distinct query words, the matches centred in it or the window opened at a sentence's start, an
ellipsis where the text goes on.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from companion.core.text import WORD, matching_words, query_words

SNIPPET_WORDS = 16
"""Words shown around the matches (FTS5's snippet() was called with 16)."""

ELLIPSIS = "…"
# Where a sentence ends before a word, as FTS5 sees it: a '.' or ':', then spaces, then the word.
_SENTENCE_END = re.compile(r"[.:][ \t\n\r]+(?=[^\W_])")


@dataclass(frozen=True)
class _Window:
    score: int
    start: int  # index of the first word shown


@dataclass(frozen=True)
class _Field:
    """One searched text cut into words: their (start, end), and the matches among them (word
    indexes, sorted) with which query word each one matches."""

    text: str
    spans: list[tuple[int, int]]
    word_starts: list[int]
    hits: list[int]
    matched: list[int]


def snippet(texts: list[str], query: str, words: int = SNIPPET_WORDS) -> str:
    """The best snippet of TEXTS (a record's searched fields) for QUERY; the first field's start
    when no word of it matches (the index may have matched what the marking cannot see).

    Linear in the text: a 20,000-word note costs a few milliseconds (each window is scored over
    the matches inside it only)."""
    wanted = query_words(query)
    best: tuple[_Window, _Field] | None = None
    for text in texts:
        field = _field(text, wanted)
        if not field.hits:
            continue
        window = _best_window(field, words)
        if best is None or window.score > best[0].score:
            best = (window, field)
    if best is None:
        first = next((text for text in texts if text.strip()), "")
        field = _field(first, [])
        return _cut(field, 0, words) if field.spans else ""
    window, field = best
    return _cut(field, window.start, words)


def _field(text: str, wanted: list[str]) -> _Field:
    spans = [match.span() for match in WORD.finditer(text)]
    word_starts = [start for start, _ in spans]
    hits, matched = [], []
    for start, _, which in matching_words(text, wanted):
        hits.append(bisect_left(word_starts, start))
        matched.append(which)
    return _Field(text, spans, word_starts, hits, matched)


def _best_window(field: _Field, words: int) -> _Window:
    """FTS5's choice: for each match, the window from it (1000 a distinct query word, 1 a
    repeat), then centred on its matches; and the window from the start of that match's
    sentence, which wins a tie and more (120 if it opens the text, else 100)."""
    count = len(field.spans)
    sentences = _sentence_starts(field) if count > words else [0]
    best = _Window(0, 0)
    for first in field.hits:
        score, last = _score(field, first, words)
        start = first - (words - (last - first + 1)) // 2
        start = max(0, min(start, count - words))
        if score > best.score:
            best = _Window(score, start)
        opening = sentences[bisect_right(sentences, first) - 1]
        if count > words and opening < first:
            score, _ = _score(field, opening, words)
            score += 120 if opening == 0 else 100
            if score > best.score:
                best = _Window(score, opening)
    return best


def _score(field: _Field, start: int, words: int) -> tuple[int, int]:
    """The score of the window of WORDS words from START, and its last match."""
    seen: set[int] = set()
    score, last = 0, start
    at = bisect_left(field.hits, start)
    while at < len(field.hits) and field.hits[at] < start + words:
        word = field.matched[at]
        score += 1 if word in seen else 1000
        seen.add(word)
        last = field.hits[at]
        at += 1
    return score, last


def _sentence_starts(field: _Field) -> list[int]:
    """The words that open a sentence, as FTS5 finds them: the first, and each one after
    spaces that follow a '.' or a ':'."""
    word_starts = field.word_starts
    starts = [0]
    for end in _SENTENCE_END.finditer(field.text):
        index = bisect_left(word_starts, end.end())
        if index > 0 and index < len(word_starts) and word_starts[index] == end.end():
            starts.append(index)
    return starts


def _cut(field: _Field, start: int, words: int) -> str:
    """The field's words START .. START+WORDS with the hits marked, an ellipsis where it goes
    on."""
    text, spans = field.text, field.spans
    end = min(len(spans), start + words)
    begin = 0 if start == 0 else spans[start][0]
    finish = len(text) if end == len(spans) else spans[end - 1][1]
    pieces = [ELLIPSIS] if start > 0 else []
    cursor = begin
    first_hit = bisect_left(field.hits, start)
    for i in field.hits[first_hit:]:
        if i >= end:
            break
        word_start, word_end = spans[i]
        pieces += [text[cursor:word_start], "[[", text[word_start:word_end], "]]"]
        cursor = word_end
    pieces.append(text[cursor:finish])
    if end < len(spans):
        pieces.append(ELLIPSIS)
    return "".join(pieces)
