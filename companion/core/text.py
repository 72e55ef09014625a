"""Small text helpers: stored text made safe to print on a terminal, names made safe for files,
counts said with their noun."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from datetime import date

# C0 controls (U+0000-U+001F), DEL (U+007F) and C1 controls (U+0080-U+009F).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps \t and \n

WORD = re.compile(r"[^\W_]+")
"""A word as the full-text index's tokenizer (unicode61) sees it: letters and digits."""


def without_controls(text: str) -> str:
    """TEXT with its C0, DEL and C1 control characters deleted (for a screen's cells).

    For Textual's rendered lines, where every character has its place: controls take no cell,
    so deleting them keeps the layout, which a picture one cell wide would shift.
    """
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC -> '␛', BEL -> '␇'
    if code == 0x7F:
        return "\u2421"  # '␡'
    # A C1 control is the one-byte form of ESC and a letter (U+009B CSI is ESC '['):
    # shown as that pair, since Unicode has no pictures for them.
    return "\u241b" + chr(code - 0x40)


def shown(text: str, *, multiline: bool = False) -> str:
    """TEXT fit to print on a terminal: no control character of it can reach the terminal.

    Every C0 control (U+0000-U+001F), DEL (U+007F) and C1 control (U+0080-U+009F) becomes a
    visible stand-in from Unicode's Control Pictures block: ESC is '␛', BEL '␇', CR '␍', DEL '␡',
    and a C1 control the ESC pair it stands for (U+009B CSI is '␛['). So a note holding
    ESC [2J or an OSC 52 clipboard sequence prints as harmless text, a CR cannot send a table
    line back to its start, and the coach still sees that something odd is stored. Pictures,
    not '\\x1b' or '^[', because they are one column wide (tables stay aligned), read as what
    they are, and cannot be confused with characters a coach types.

    Single-line (the default) is for a table cell or a name: a tab becomes a space and a newline
    '␊'. With `multiline=True` (notes, a recap, a Markdown document) newlines and tabs are kept,
    and a CR LF pair counts as one newline. Only these control characters change; the rest of the
    text (bidirectional overrides included) is left exactly as stored.
    """
    if multiline:
        return _CONTROLS_BUT_LINES.sub(_picture, text.replace("\r\n", "\n"))
    return _CONTROLS.sub(_picture, text.replace("\t", " "))


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """'1 client', '2 clients', '0 clients': a count and its noun agree wherever one is shown.

    PLURAL for a noun that takes more than an s ('match', 'matches')."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


UNFINISHED = "unfinished"
"""A session not closed yet, whether or not a window has it open: one word in every list."""


def session_length(minutes: float | None) -> str:
    """'55 min', or 'unfinished' for a session without a length yet (None)."""
    return UNFINISHED if minutes is None else f"{round(minutes)} min"


def slug(text: str) -> str:
    """'Zoë O'Brien' -> 'zoe-o-brien': ASCII letters, digits and dashes only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def dated_file_name(day: date, name: str, fallback: str, tail: str) -> str:
    """'2026-11-25-ana-lopez-TAIL.md': sorts by date, ASCII only; FALLBACK when NAME has no
    letter a slug keeps (a name in another script)."""
    return f"{day.isoformat()}-{slug(name) or fallback}-{tail}.md"


CLOSE_NAME_RATIO = 0.8
"""How alike (difflib's ratio, 0 to 1) a typed name and a client's name must be to ask about it."""


def text_key(text: str) -> str:
    """TEXT however it is spaced or cased ('Call  sam' is 'call sam'): how names and action
    texts are matched (a typed name, an action line against a stored action, an import)."""
    return " ".join(text.split()).casefold()


def close_names(typed: str, names: list[str], *, limit: int = 3) -> list[str]:
    """The NAMES a coach who typed TYPED may have meant, closest first (never TYPED itself).

    Close is: the typed words begin the name ("Ana" for "Ana Lopez"), or it is nearly the
    whole name or one of its words (a typo: "Ana Lopes", "Anna"). Asked before a new client
    is created, so that a slip does not split one client's history in two.
    """
    key = text_key(typed)
    if not key:
        return []
    scored: list[tuple[float, str]] = []
    for name in names:
        other = text_key(name)
        if other == key:
            continue
        words = other.split()
        score = difflib.SequenceMatcher(None, key, other).ratio()
        if " " not in key:
            score = max(
                [score, *(difflib.SequenceMatcher(None, key, word).ratio() for word in words)]
            )
        if other.startswith(key + " ") or score >= CLOSE_NAME_RATIO:
            scored.append((max(score, CLOSE_NAME_RATIO), name))
    scored.sort(key=lambda pair: (-pair[0], pair[1].casefold()))
    return [name for _, name in scored[:limit]]


@functools.lru_cache(maxsize=8192)
def _folded(text: str) -> str:
    """TEXT as search compares it: no case, no accents (as the full-text index does).

    Cached: a search folds every word of the records it shows, and words repeat."""
    if text.isascii():
        return text.lower()  # the same as NFKD and casefold for ASCII, and 10x faster
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def query_words(query: str) -> list[str]:
    """The words of a search as they are compared (each one matches the start of a word)."""
    return [_folded(word) for word in WORD.findall(query)]


def word_matches(line: str, words: list[str]) -> list[tuple[int, int]]:
    """Where in LINE a word starts with one of WORDS (from query_words): (start, end) of each
    whole word, as the search found it."""
    return [(start, end) for start, end, _ in matching_words(line, words)]


def matching_words(text: str, words: list[str]) -> list[tuple[int, int, int]]:
    """Each word of TEXT that starts with one of WORDS (from query_words): its (start, end) and
    which of WORDS it starts with (the first, if several).

    Fast, for it runs over every record a search shows: TEXT folded letter by letter (folding
    is: no case, no accents, each letter on its own) and one regular expression over it, in C.
    Only a text with a letter that folds to two ("ß" to "ss") is folded word by word."""
    if not words:
        return []
    folded = _folded_letters(text)
    if folded is not None:
        pattern = _prefix_pattern(tuple(words))
        return [(*match.span(), match.lastindex - 1) for match in pattern.finditer(folded)]
    found = []
    for match in WORD.finditer(text):
        word = _folded(match.group())
        which = next((i for i, prefix in enumerate(words) if word.startswith(prefix)), None)
        if which is not None:
            found.append((*match.span(), which))
    return found


def _folded_letters(text: str) -> str | None:
    """TEXT with each letter and digit folded, every other character as it is, so a word
    stays where it was; None if a letter folds to more or less than one letter."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    if len(lowered) != len(text):
        return None
    try:
        return _BEYOND_ASCII.sub(_folded_letter, lowered)
    except _NotOneLetter:
        return None


_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]")


class _NotOneLetter(Exception):
    pass


@functools.lru_cache(maxsize=1024)
def _one_letter(ch: str) -> str | None:
    if not WORD.match(ch):
        return ch  # not part of a word: left as it is
    folded = _folded(ch)
    return folded if len(folded) == 1 and WORD.match(folded) else None


def _folded_letter(match: re.Match[str]) -> str:
    folded = _one_letter(match.group())
    if folded is None:
        raise _NotOneLetter
    return folded


@functools.lru_cache(maxsize=64)
def _prefix_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """A whole word starting with one of WORDS (folded), group N+1 for WORDS[N]."""
    choices = "|".join(f"({re.escape(word)})" for word in words)
    return re.compile(rf"(?<![^\W_])(?:{choices})[^\W_]*")
