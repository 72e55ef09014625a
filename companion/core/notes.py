"""The line markers a coach types in the live notes, and what they mean.

Notes are plain Markdown. Three markers at the start of a line give a line a role:

- ``- [ ] `` an action candidate (pre-fills the closing screen),
- ``! `` an insight (goes to the recap),
- ``// `` a private line for the coach only: it never appears in anything meant for the client.

Privacy errs on the side of hiding: a line is private when its text, after leading whitespace and
any list, checkbox, quote or insight prefix, starts with ``//``. So ``- [ ] // call HR`` and
``! // hunch`` are private too, while a URL in the middle of a line (``see https://x.org``) is not.

Everything meant for the client (the recap, the Markdown and JSON client copies, anything later)
takes each text through `client_text`, the one privacy filter. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from datetime import datetime

ACTION_MARK = "- [ ] "
INSIGHT_MARK = "! "
PRIVATE_MARK = "// "

LEGEND = "Markers:  - [ ] action   ! insight   // private (coach only, never in the recap)"

# An open checkbox list item: "- [ ] text", "* [ ] text" or "+ [ ] text", any indentation.
_ACTION = re.compile(r"^\s*[-*+]\s+\[ \](?:\s+(?P<text>.*))?$")
# An insight: "! text" (a Markdown image "![..](..)" is not one: the space is required).
_INSIGHT = re.compile(r"^\s*!(?:\s+(?P<text>.*))?$")
# One prefix that may come before "//" on a private line: a quote, bullet, number, checkbox or "!".
_PREFIX = re.compile(r"(?:>|[-*+]|\d+[.)]|\[[ xX]\]|!)")


def step_heading(title: str, at: datetime) -> str:
    """The heading a step change adds to the notes, so notes are grouped by step."""
    clean = " ".join(title.split()) or "Step"
    return f"## {clean} · {at:%H:%M}"


_HEADING = re.compile(r"^## (?P<title>.+) · [0-9]{2}:[0-9]{2}\s*$")


def step_section_end(text: str, title: str) -> tuple[int, int] | None:
    """Where the notes' section of step TITLE ends (row, column), or None if it has no heading.

    The section is the last `## TITLE · HH:MM` heading step changes wrote, up to the next `## `
    heading: its end is the end of its last line with text, or the line under the heading when
    there is none yet. Revisiting a step puts the cursor there instead of a second heading."""
    clean = " ".join(title.split()) or "Step"
    lines = text.split("\n")
    start = None
    for row, line in enumerate(lines):
        found = _HEADING.match(line)
        if found is not None and found["title"] == clean:
            start = row
    if start is None:
        return None
    end = start
    for row in range(start + 1, len(lines)):
        if lines[row].startswith("## "):
            break
        if lines[row].strip():
            end = row
    if end == start:
        return (start + 1, 0) if start + 1 < len(lines) else (start, len(lines[start]))
    return end, len(lines[end])


def is_private(line: str) -> bool:
    """True for a line meant for the coach only (see the module docstring for the exact rule)."""
    rest = line.lstrip().lstrip("\ufeff").lstrip()
    while (match := _PREFIX.match(rest)) is not None:
        rest = rest[match.end() :].lstrip()
    return rest.startswith("//")


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _marked(text: str, marker: re.Pattern[str]) -> list[str]:
    """The non-empty texts of the lines MARKER matches, private lines left out."""
    found: list[str] = []
    for line in _lines(text):
        match = marker.match(line)
        if match is None or is_private(line):
            continue
        item = (match.group("text") or "").strip()
        if item:
            found.append(item)
    return found


def action_candidates(text: str) -> list[str]:
    """The texts of the open ``- [ ]`` lines: what the coach flagged as possible actions."""
    return _marked(text, _ACTION)


def insights(text: str) -> list[str]:
    """The texts of the ``! `` lines: what the client realised, worth keeping in the recap."""
    return _marked(text, _INSIGHT)


def without_private(text: str) -> str:
    """The notes with every private line removed: the most a client may ever see of them."""
    return "".join(
        line for line in text.splitlines(keepends=True) if not is_private(line.rstrip("\r\n"))
    )


def client_text(text: str) -> str:
    """What the client may see of TEXT: the one privacy filter for everything meant for them.

    Every output meant for the client (the recap, the Markdown and JSON client copies, and any
    added later) takes each text it shows from the coach's records through this function; nothing
    else decides what is private. It leaves out every private line (`is_private`), whatever
    breaks the lines (any of `str.splitlines`'s separators), and keeps the rest as it was.

    A one-line field (an action, a takeaway, a goal, an agreement field, a name, a contact: see
    `companion.core.models.OneLine`) holds one line, so it comes back either whole or empty.
    An empty
    result means the item is private as a whole (an action typed as ``// call HR``): client
    outputs leave that item out entirely, and a private client name is replaced, never shown.
    """
    return without_private(text)


_STEP_HEADING = re.compile(r"^##\s+(?P<title>.*?)(?:\s+·\s+\d{1,2}:\d{2})?\s*$")


def step_of_match(text: str, snippet: str) -> str:
    """The step heading (`## Title · 14:05`, as step_heading writes it) above the first line of
    TEXT that holds SNIPPET's first [[match]]; "" when the match comes before any heading."""
    from companion.core.text import query_words, word_matches

    found = re.search(r"\[\[(.*?)\]\]", snippet)
    if not found:
        return ""
    words = query_words(found.group(1))
    step = ""
    for line in _lines(text):
        heading = _STEP_HEADING.match(line)
        if heading:
            step = heading.group("title")
        if words and word_matches(line, words) and not heading:
            return step
    return step if words and any(word_matches(line, words) for line in _lines(text)) else ""
