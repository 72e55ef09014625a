"""The note markers: action candidates, insights and private lines, with their edge cases."""

from __future__ import annotations

from datetime import datetime

import pytest

from companion.core import notes
from companion.core.notes import (
    ACTION_MARK,
    INSIGHT_MARK,
    LEGEND,
    PRIVATE_MARK,
    action_candidates,
    insights,
    is_private,
    step_heading,
    without_private,
)

NOTES = """\
## Goal · 14:02
Wants to open the meeting calmly.
- [ ] Draft the opening
  - [ ]   Ask Marc for ten minutes  
* [ ] Book the room
- [x] Already done last week
- [X] Also done
- [ ]
- [ ] // call HR about her — private
! She leads best when she prepares the first sentence
!important is not an insight
![diagram](https://example.org/a.png)
// seems tired
   //indented private
//
See https://example.org/path//x for the article
Plain line with // in the middle
"""


def test_markers_and_legend() -> None:
    assert ACTION_MARK == "- [ ] "
    assert INSIGHT_MARK == "! "
    assert PRIVATE_MARK == "// "
    for mark in ("- [ ]", "!", "//"):
        assert mark in LEGEND
    assert LEGEND.strip().count("\n") <= 1


def test_step_heading_is_a_markdown_heading_with_clock_time() -> None:
    at = datetime(2026, 11, 25, 14, 32, 59)
    assert step_heading("Reality", at) == "## Reality · 14:32"
    assert step_heading("  Options \n and more ", at) == "## Options and more · 14:32"
    assert step_heading("", at).startswith("## ")


@pytest.mark.parametrize(
    "line",
    [
        "// seems tired",
        "//",
        "//no space",
        "   // indented",
        "\t// tab",
        "- [ ] // private action",
        "* [ ] //x",
        "- [x] // done but private",
        "! // private insight",
        "> // quoted",
        "- // bullet",
        "1. // numbered",
        "// seems tired\r",
        "\ufeff// at the very start of a file",
    ],
)
def test_private_lines(line: str) -> None:
    assert is_private(line)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Plain line",
        "See https://example.org for more",
        "Plain line with // in the middle",
        "- [ ] Call https://example.org//x",
        "! Insight about a/b//c",
        "/ single slash",
        "2026-11-25 // a date then a comment",
        "---",
    ],
)
def test_not_private_lines(line: str) -> None:
    assert not is_private(line)


def test_action_candidates() -> None:
    assert action_candidates(NOTES) == [
        "Draft the opening",
        "Ask Marc for ten minutes",
        "Book the room",
    ]


def test_action_candidates_windows_line_endings() -> None:
    text = "- [ ] One\r\n// - [ ] hidden\r\n- [ ] Two\r\n"
    assert action_candidates(text) == ["One", "Two"]


def test_action_candidates_need_an_open_checkbox() -> None:
    text = "- [] not a checkbox\n- [x] done\n-[ ] no space\n[ ] bare\n- [ ]tight\n"
    assert action_candidates(text) == []


def test_insights() -> None:
    assert insights(NOTES) == ["She leads best when she prepares the first sentence"]
    assert insights("  !   spaced out  \r\n!\n! // secret\n") == ["spaced out"]


def test_without_private_removes_only_private_lines() -> None:
    cleaned = without_private(NOTES)
    for secret in ("seems tired", "indented private", "call HR"):
        assert secret in NOTES
        assert secret not in cleaned
    assert "\n//\n" not in cleaned
    assert "See https://example.org/path//x for the article" in cleaned
    assert "Plain line with // in the middle" in cleaned
    assert "- [ ] Draft the opening" in cleaned
    assert cleaned.endswith("in the middle\n")


def test_without_private_keeps_line_endings() -> None:
    text = "one\r\n// two\r\nthree"
    assert without_private(text) == "one\r\nthree"
    assert without_private("") == ""
    assert without_private("// only") == ""


def test_module_does_no_io() -> None:
    source = notes.__loader__.get_source(notes.__name__)  # type: ignore[union-attr]
    assert source is not None
    for forbidden in ("open(", "sqlite", "import os", "pathlib", "textual"):
        assert forbidden not in source
