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
from dataclasses import dataclass

from companion.core.text import query_words, word_matches

SNIPPET_WORDS = 16
"""Words shown around the matches (FTS5's snippet() was called with 16)."""

ELLIPSIS = "…"
_WORD = re.compile(r"[^\W_]+")  # a word as the full-text index's tokenizer (unicode61) sees it


@dataclass(frozen=True)
class _Window:
    score: int
    start: int  # index of the first word shown


def snippet(texts: list[str], query: str, words: int = SNIPPET_WORDS) -> str:
    """The best snippet of TEXTS (a record's searched fields) for QUERY; the first field's start
    when no word of it matches (the index may have matched what the marking cannot see)."""
    wanted = query_words(query)
    best: tuple[_Window, str, list[re.Match[str]], set[int]] | None = None
    for text in texts:
        spans = list(_WORD.finditer(text))
        matched = {start for start, _ in word_matches(text, wanted)}
        hits = [i for i, span in enumerate(spans) if span.start() in matched]
        if not hits:
            continue
        window = _best_window(text, spans, hits, wanted, words)
        if best is None or window.score > best[0].score:
            best = (window, text, spans, set(hits))
    if best is None:
        first = next((text for text in texts if text.strip()), "")
        spans = list(_WORD.finditer(first))
        return _cut(first, spans, set(), 0, words) if spans else ""
    window, text, spans, hit_set = best
    return _cut(text, spans, hit_set, window.start, words)


def _best_window(
    text: str, spans: list[re.Match[str]], hits: list[int], wanted: list[str], words: int
) -> _Window:
    """FTS5's choice: for each match, the window from it (1000 a distinct query word, 1 a
    repeat), then centred on its matches; and the window from the start of that match's
    sentence, which wins a tie and more (120 if it opens the text, else 100)."""
    sentences = _sentence_starts(text, spans)
    best = _Window(0, 0)
    for first in hits:
        score, last = _score(spans, hits, wanted, first, words)
        start = first - (words - (last - first + 1)) // 2
        start = max(0, min(start, len(spans) - words))
        if score > best.score:
            best = _Window(score, start)
        opening = max((i for i in sentences if i <= first), default=0)
        if len(spans) > words and opening < first:
            score, _ = _score(spans, hits, wanted, opening, words)
            score += 120 if opening == 0 else 100
            if score > best.score:
                best = _Window(score, opening)
    return best


def _score(
    spans: list[re.Match[str]], hits: list[int], wanted: list[str], start: int, words: int
) -> tuple[int, int]:
    """The score of the window of WORDS words from START, and its last match."""
    seen: set[str] = set()
    score, last = 0, start
    for i in hits:
        if start <= i < start + words:
            word = next(w for w in wanted if _folded_start(spans[i].group(), w))
            score += 1 if word in seen else 1000
            seen.add(word)
            last = i
    return score, last


def _sentence_starts(text: str, spans: list[re.Match[str]]) -> list[int]:
    """The words that open a sentence, as FTS5 finds them: the first, and each one after
    spaces that follow a '.' or a ':'."""
    starts = [0]
    for i in range(1, len(spans)):
        before = text[spans[i - 1].end() : spans[i].start()]
        stripped = before.rstrip(" \t\n\r")
        if stripped != before and stripped.endswith((".", ":")):
            starts.append(i)
    return starts


def _folded_start(word: str, prefix: str) -> bool:
    return bool(word_matches(word, [prefix]))


def _cut(text: str, spans: list[re.Match[str]], hits: set[int], start: int, words: int) -> str:
    """TEXT's words START .. START+WORDS with the hits marked, an ellipsis where it goes on."""
    end = min(len(spans), start + words)
    begin = 0 if start == 0 else spans[start].start()
    finish = len(text) if end == len(spans) else spans[end - 1].end()
    pieces = [ELLIPSIS] if start > 0 else []
    cursor = begin
    for i in range(start, end):
        if i in hits:
            pieces += [text[cursor : spans[i].start()], "[[", spans[i].group(), "]]"]
            cursor = spans[i].end()
    pieces.append(text[cursor:finish])
    if end < len(spans):
        pieces.append(ELLIPSIS)
    return "".join(pieces)
