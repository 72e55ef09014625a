"""The recap as plain text: no Markdown syntax left, every fact of the Markdown recap kept."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from test_recap import action, make_record

from companion.core.models import Agreement, Goal, GoalProgress
from companion.core.recap import build_recap
from companion.core.recap_text import plain_text

WORDS = re.compile(r"[^\W_]+")


def facts(text: str) -> list[str]:
    """Every word and number, in order: what a reader of either form must be told."""
    return WORDS.findall(text)


def assert_plain(text: str) -> None:
    for line in text.splitlines():
        assert not re.match(r"^\s*#+(\s|$)", line), line  # no heading (a "#1" is words)
        assert not re.match(r"^\s*[*+]\s", line), line
        assert not re.match(r"^\s*-\s+(\[[ xX]\]|[-*+#])(\s|$)", line), line
    assert "**" not in text and "__" not in text


def full_record(**extra: object):  # type: ignore[no-untyped-def]
    goal = Goal(id=4, client_id=1, specific="Run a half-marathon")
    return make_record(
        notes="## Options · 14:10\n! I can say no\n- [ ] Draft the plan\n// private",
        agreement=Agreement(topic="Delegation", desired_outcome="A plan", measure_of_success="3"),
        actions=[action("Talk to **Ben**", due_on=date(2026, 12, 2), goal_id=4)],
        reviewed=[action("Old item", status="done")],
        goals=[GoalProgress(goal=goal, score=6, previous_score=4)],
        takeaways=["Less is more", "Ask for _help_ early"],
        next_on=date(2026, 12, 9),
        **extra,
    )


def test_the_text_recap_reads_as_an_email() -> None:
    markdown = build_recap(full_record())
    text = plain_text(markdown)
    assert_plain(text)
    assert facts(text) == facts(markdown)
    lines = text.splitlines()
    assert lines[0].startswith("Session recap — Ana, Wednesday 25 November 2026")
    assert "Our agreement for this session" in lines  # the heading as words, on its own line
    assert "- Topic: Delegation" in lines
    assert "- Less is more" in lines
    assert "- Run a half-marathon: 6/10 (up 2 from 4)" in lines
    assert "private" not in text


def test_a_draft_recap_as_text_keeps_its_open_items_with_a_plain_dash() -> None:
    markdown = build_recap(full_record(finished=False))
    text = plain_text(markdown)
    assert_plain(text)
    assert facts(text) == facts(markdown)
    assert "- Draft the plan" in text.splitlines()
    assert text.splitlines()[2].startswith("Draft: the session is not finished")


def test_marks_a_coach_typed_into_an_edited_recap_go_too() -> None:
    edited = "# Hi\n\n* one\n+ two\n- [x] three\n[ ] four\n---\n> quoted **bold**\nSee [the book](https://x.org)\n"
    text = plain_text(edited)
    assert_plain(text)
    assert text == (
        "Hi\n\n- one\n- two\n- three\n- four\n\nquoted bold\nSee the book (https://x.org)\n"
    )


recorded = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], include_characters="#*_-[]` "),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(
    topic=recorded,
    takeaways=st.lists(recorded, max_size=4),
    actions=st.lists(recorded, max_size=3),
    notes=st.lists(recorded, max_size=4),
    finished=st.booleans(),
    name=st.sampled_from(["Ana Lopez", "O'Brien **", "_Ana_", "#1 Client"]),
)
def test_any_recap_as_text_has_no_markdown_and_every_fact(
    topic: str,
    takeaways: list[str],
    actions: list[str],
    notes: list[str],
    finished: bool,
    name: str,
) -> None:
    record = make_record(
        finished=finished,
        name=name,
        agreement=Agreement(topic=topic),
        takeaways=[text for text in takeaways if text.strip()],
        actions=[action(text) for text in actions if text.strip()],
        notes="\n".join(f"- [ ] {line}" if i % 2 else f"! {line}" for i, line in enumerate(notes)),
    )
    markdown = build_recap(record)
    text = plain_text(markdown)
    assert_plain(text)
    assert facts(text) == facts(markdown)


def test_marks_inside_words_keep_the_words_apart() -> None:
    text = plain_text("- a__b and 2**3 and **bold**\n- 0`0 and `code`\n")
    assert_plain(text)
    assert text == "- a b and 2 3 and bold\n- 0`0 and code\n"
