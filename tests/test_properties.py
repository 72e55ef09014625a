"""Property tests (hypothesis) for the four readers of what a coach types or drops in a folder.

- the protocol loader: any file is a protocol or a ProtocolError naming the file (and the field);
  a valid protocol written as TOML loads back field for field;
- the notes markers: nothing raises, no private line reaches the client, other lines are kept;
- the date parser: a date or a ValueError saying the form to use; dates round-trip; relative
  forms count from the injected today;
- the command line: any command of the garbage table given any garbage exits 0, 1 or 2, with at
  most one line on stderr and never a traceback.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from test_cli_garbage import REPORTS, TABLE, X, _check

from companion.cli import cli
from companion.core.dates import parse_date, parse_moment
from companion.core.models import Client
from companion.core.notes import (
    action_candidates,
    client_text,
    insights,
    is_private,
    step_heading,
    without_private,
)
from companion.core.protocol_files import protocol_problem
from companion.core.protocols import (
    MAX_MINUTES,
    Protocol,
    ProtocolError,
    ProtocolLibrary,
    load_protocol_file,
)
from companion.services.practice import begin_session
from companion.store import Store

FAST = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BREAKS = ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


# -- a small TOML writer, able to write what tomllib refuses ---------------------------------


class Raw(str):
    """A TOML literal written as it is: numbers too long for int(), dates past the calendar."""


def toml_string(text: str) -> str:
    """TEXT as a TOML basic string: quotes, backslashes and control characters escaped (a lone
    surrogate too, which TOML refuses: that file must be a ProtocolError, not a crash)."""
    out = []
    for char in text:
        if char in '"\\' or ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            out.append(f"\\u{ord(char):04x}" if char not in '"\\' else "\\" + char)
        elif 0xD800 <= ord(char) <= 0xDFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, Any]) -> str:
    """DATA as a TOML file: scalars and inline values first, then lists of tables as [[key]]."""
    plain = {k: v for k, v in data.items() if not _tables(v)}
    lines = [f"{toml_string(k)} = {toml_value(v)}" for k, v in plain.items()]
    for key, tables in data.items():
        if _tables(tables):
            for table in tables:
                lines += ["", f"[[{toml_string(key)}]]"]
                lines += [f"{toml_string(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


# -- 1. the protocol loader ------------------------------------------------------------------

FIELDS = ["id", "name", "description", "kind", "duration_minutes", "steps"]
STEP_FIELDS = ["id", "title", "minutes", "purpose", "prompts", "capture"]
RAW_LITERALS = [
    "9" * 4301,  # past Python's int() digit limit
    "-" + "9" * 6000,
    "0x" + "f" * 5000,  # hexadecimal has no digit limit: a huge int, refused as too large
    "1e400",  # inf
    "-nan",
    "1_000",
    "2026-02-30",  # not a day
    "0000-01-01",
    "9999-12-31T23:59:59+23:59",
    "1979-05-27T00:32:00-24:00",  # an offset past a day
    "12:61:00",
    "1979-05-27 07:32:00.999999999",
]
scalars = st.one_of(
    st.booleans(),
    st.integers(),
    st.sampled_from([2**63, -(2**63) - 1, 2**64, 10**4000]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(st.characters(codec=None, categories=["Cc", "Cs", "Zl", "Zp"]), max_size=5),
    st.sampled_from(RAW_LITERALS).map(Raw),
)
keys = st.one_of(st.sampled_from(FIELDS + STEP_FIELDS), st.text(max_size=12))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)

slugs = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,20}\Z")
# Any text TOML can hold in a string: no lone surrogates.
texts = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)


@st.composite
def valid_protocols(draw: st.DrawFn) -> dict[str, Any]:
    """A protocol that validates, as the dict a TOML file gives (optional fields not always)."""
    step_ids = draw(st.lists(slugs, min_size=1, max_size=6, unique=True))
    minutes = [draw(st.integers(1, MAX_MINUTES // len(step_ids))) for _ in step_ids]
    steps = []
    for step_id, step_minutes in zip(step_ids, minutes, strict=True):
        step: dict[str, Any] = {
            "id": step_id,
            "title": draw(texts),
            "minutes": step_minutes,
            "purpose": draw(texts),
            "prompts": draw(st.lists(texts, min_size=1, max_size=4)),
        }
        capture = draw(
            st.sampled_from(
                [None, "agreement", "review_actions", "scaling", "actions", "takeaways"]
            )
        )
        if capture is not None:
            step["capture"] = capture
        steps.append(step)
    data: dict[str, Any] = {
        "id": draw(slugs),
        "name": draw(texts),
        "duration_minutes": draw(st.integers(sum(minutes), MAX_MINUTES)),
    }
    if draw(st.booleans()):
        data["description"] = draw(st.text(st.characters(codec="utf-8"), max_size=60))
    if draw(st.booleans()):
        data["kind"] = draw(st.sampled_from(["first", "regular", "review", "closing", "other"]))
    data["steps"] = steps
    return data


@st.composite
def broken_protocols(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[str | int, ...]]:
    """A valid protocol with one field (of the protocol or of a step) replaced, removed or added;
    and where that is."""
    data = draw(valid_protocols())
    if draw(st.booleans()):
        target: dict[str, Any] = data
        where: tuple[str | int, ...] = ()
        names = FIELDS
    else:
        index = draw(st.integers(0, len(data["steps"]) - 1))
        target, where, names = data["steps"][index], ("steps", index), STEP_FIELDS
    name = draw(st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=10)))
    if name in target and draw(st.booleans()):
        del target[name]
    else:
        target[name] = draw(values)
    return data, (*where, name)


def load(folder: Path, text: str | bytes) -> Protocol:
    """Write TEXT to a file in FOLDER and load it; every failure must be a ProtocolError saying
    'FILE: ...' (anything else, a RecursionError or a ValueError, fails the test)."""
    path = folder / "p.toml"
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogatepass")
    path.write_bytes(text)
    try:
        protocol = load_protocol_file(path)
    except ProtocolError as error:
        message = str(error)
        assert message.startswith(f"{path}: "), message
        for problem in message.split("; "):  # each problem of the file names it
            assert problem.startswith(f"{path}: "), message
        assert "Traceback" not in message
        raise
    assert isinstance(protocol, Protocol)
    assert Protocol.model_validate(protocol.model_dump()) == protocol  # valid, not just built
    assert sum(step.minutes for step in protocol.steps) <= protocol.duration_minutes
    return protocol


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("protocols")


@FAST
@given(valid_protocols())
def test_a_valid_protocol_round_trips(folder: Path, data: dict[str, Any]) -> None:
    protocol = load(folder, toml_document(data))
    assert protocol.model_dump(exclude_none=True) == as_loaded(data)


def as_loaded(data: dict[str, Any]) -> dict[str, Any]:
    """DATA as the protocol it makes: the defaults filled in, nothing else changed."""
    steps = [{"markers": [], **step} for step in data["steps"]]  # no markers named: none
    return {"description": "", "kind": "regular", **data, "steps": steps}


@FAST
@given(broken_protocols())
def test_a_broken_field_is_named(
    folder: Path, case: tuple[dict[str, Any], tuple[str | int, ...]]
) -> None:
    data, where = case
    path = folder / "p.toml"
    try:
        protocol = load(folder, toml_document(data))
    except ProtocolError as error:
        message = str(error)
        if message.startswith(f"{path}: not valid TOML: "):  # a lone surrogate, 2026-02-30
            return
        # The field is named; a step by its place. A change that makes the steps' minutes add
        # up to more than the duration, or repeats a step id, is reported at `steps`.
        field = str(where[-1])
        field = field if len(field) <= 40 else field[:37] + "..."
        named = f"{path}: steps[{where[1]}].{field}" if len(where) == 3 else f"{path}: {field}"
        assert named in message or f"{path}: steps: " in message, (named, message)
    else:  # still valid (an optional field removed): nothing was coerced on the way
        assert protocol.model_dump(exclude_none=True) == as_loaded(data)


@FAST
@given(st.dictionaries(keys, values, max_size=6))
def test_any_nested_table_is_a_protocol_or_a_protocol_error(
    folder: Path, data: dict[str, Any]
) -> None:
    with contextlib.suppress(ProtocolError):
        load(folder, toml_document(data))


TOMLISH = st.one_of(
    st.sampled_from(
        [
            'id = "walk"',
            'name = "Walk"',
            "duration_minutes = 60",
            "[[steps]]",
            "[steps]",
            'id = "arrive"',
            'title = "Arrive"',
            "minutes = 10",
            'purpose = "Settle."',
            'prompts = ["How are you?"]',
            'capture = "actions"',
            "minutes = " + "9" * 5000,
            "x = " + "[" * 3000 + "]" * 3000,
            "x = " + "{a = " * 2000 + "1" + "}" * 2000,
            "= 1",
            'id = """',
            "\ufeffid = 'x'",
        ]
    ),
    st.text(max_size=40),
)


@FAST
@given(st.lists(TOMLISH, max_size=14), st.sampled_from(["\n", "\r\n", "\r"]))
@example(["minutes = " + "9" * 5000], "\n")  # past int()'s digit limit: was a ValueError
def test_any_tomlish_text_is_a_protocol_or_a_protocol_error(
    folder: Path, lines: list[str], newline: str
) -> None:
    text = newline.join(lines)
    with contextlib.suppress(ProtocolError):
        load(folder, text)
    # The quick check `start --protocol` makes reads the same file the same way: a line, or None.
    problem = protocol_problem("walk", [folder], include_user=False)
    assert problem is None or isinstance(problem, str)


@FAST
@given(st.integers(1, 6000), st.sampled_from(["[", "{a = ", "[{a = "]))
def test_any_nesting_depth_is_a_protocol_or_a_protocol_error(
    folder: Path, depth: int, opener: str
) -> None:
    closer = "".join({"[": "]", "{": "}"}[c] for c in reversed(opener) if c in "[{")
    text = 'id = "deep"\nname = "x"\nx = ' + opener * depth + "1" * ("=" in opener) + closer * depth
    with pytest.raises(ProtocolError):
        load(folder, text)


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_are_a_protocol_or_a_protocol_error(folder: Path, raw: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        load(folder, raw)


def test_a_number_past_the_digit_limit_is_a_protocol_error(tmp_path: Path) -> None:
    """Regression: tomllib's int() raised ValueError for more than 4300 digits."""
    path = tmp_path / "big.toml"
    path.write_text(f'id = "big"\nname = "Big"\nduration_minutes = {"9" * 5000}\n')
    with pytest.raises(ProtocolError, match=r"big\.toml: not valid TOML: a number has too many"):
        load_protocol_file(path)
    library = ProtocolLibrary.discover([tmp_path], include_user=False)
    assert "big" in library.unusable and "grow" in library.entries
    assert protocol_problem("big", [tmp_path], include_user=False) == (
        f"protocol 'big' cannot be used: {path}: not valid TOML: a number has too many digits"
    )


# -- 2. the notes markers -------------------------------------------------------------------

# Any text, line breaks of every kind and the markers' pieces more often than chance would.
note_text = st.lists(
    st.one_of(
        st.characters(codec=None),
        st.sampled_from([*BREAKS, "//", "- [ ] ", "! ", "> ", "1. ", "[x]", " ", "\ufeff"]),
    ),
    max_size=60,
).map("".join)
# One line a coach may type: no line break of any kind.
line_text = st.text(st.characters(codec=None, exclude_characters="".join(BREAKS)), max_size=30)
public_line = line_text.filter(lambda line: not is_private(line))
PRIVATE_PREFIXES = ["", " ", "- ", "* [x] ", "- [ ] ", "! ", "> ", "1. ", "2) ", "\ufeff", "> - "]


def _split(text: str) -> list[str]:
    return text.splitlines()


@FAST
@given(note_text)
def test_no_marker_function_raises_and_no_private_line_is_handed_out(text: str) -> None:
    shown = client_text(text)
    assert not any(is_private(line) for line in _split(shown))
    # What is kept is exactly the public lines, in order, each with its own line break.
    kept = [line for line in text.splitlines(keepends=True) if not is_private(line)]
    assert shown == "".join(kept) == without_private(text)
    for item in action_candidates(text) + insights(text):
        assert item and item == item.strip() and not is_private(item)
        assert any(item in line for line in _split(shown))
    # The client copy has the same actions and insights: private ones were never among them.
    assert action_candidates(shown) == action_candidates(text)
    assert insights(shown) == insights(text)
    assert client_text(shown) == shown  # idempotent


@FAST
@given(st.lists(public_line, max_size=8), st.sampled_from(BREAKS))
def test_public_lines_are_kept_as_they_are(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    assert client_text(text) == text


@FAST
@given(
    st.lists(st.tuples(st.booleans(), public_line), max_size=8),
    st.sampled_from(PRIVATE_PREFIXES),
    st.sampled_from(BREAKS),
)
def test_private_lines_go_and_the_rest_stays(
    lines: list[tuple[bool, str]], prefix: str, newline: str
) -> None:
    pieces = [(f"{prefix}//{line}" if private else line) + newline for private, line in lines]
    assert all(
        is_private(piece) for piece, (private, _) in zip(pieces, lines, strict=True) if private
    )
    shown = client_text("".join(pieces))
    assert shown == "".join(p for p, (private, _) in zip(pieces, lines, strict=True) if not private)
    assert shown.splitlines() == [line for private, line in lines if not private]


@FAST
@given(st.lists(line_text.map(str.strip).filter(bool), max_size=6), st.sampled_from(BREAKS))
def test_marked_lines_give_their_text(words: list[str], newline: str) -> None:
    assume(not any(is_private(w) or is_private(f"- [ ] {w}") for w in words))
    assert action_candidates(newline.join(f"- [ ] {w}" for w in words)) == words
    assert insights(newline.join(f"! {w}" for w in words)) == words
    assert action_candidates(newline.join(f"- [ ] // {w}" for w in words)) == []
    assert insights(newline.join(f"! // {w}" for w in words)) == []


@FAST
@given(st.text(st.characters(codec=None)), st.datetimes())
def test_a_step_heading_is_one_public_heading_line(title: str, at: datetime) -> None:
    heading = step_heading(title, at)
    assert len(heading.splitlines()) == 1
    assert heading.startswith("## ") and heading.endswith(f"{at:%H:%M}")
    assert not is_private(heading)


# -- 3. the date parser ---------------------------------------------------------------------

# Today as a coach's machine has it; relative forms reach at most 999 weeks from it.
todays = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
date_ish = st.one_of(
    st.text(st.characters(codec=None), max_size=20),
    st.text(st.sampled_from("0123456789-+dwT: \t"), max_size=16),
    st.sampled_from(["today", "yesterday", "tomorrow", "+", "+d", "+1000d", "+999w", "2026-2-3"]),
    st.dates().map(date.isoformat).map(lambda s: s.replace("0", "\u0660")),  # Arabic-Indic zero
    st.dates().map(date.isoformat).map(lambda s: s.translate({ord("1"): "\uff11"})),
)


@FAST
@given(date_ish, todays)
@example("+\u0663d", date(2026, 12, 2))  # an Arabic-Indic 3: taken for 3 days, before the fix
@example("\uff12\uff10\uff12\uff16-01-01", date(2026, 12, 2))  # fullwidth: "not a day", before
def test_any_text_is_a_date_or_says_the_form_to_use(text: str, today: date) -> None:
    try:
        day = parse_date(text, today=today)
    except ValueError as error:
        message = str(error)
        assert message.startswith(repr(text.strip()) + " is not a date: use YYYY-MM-DD")
        assert "\n" not in message
        if "not a day of the calendar" in message:  # only for the shape of a date
            assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip())
        return
    assert isinstance(day, date)
    assert "".join(text.split()).isascii()  # like ids, dates are typed in ASCII digits


@FAST
@given(date_ish, date_ish, todays)
def test_any_text_is_a_moment_or_says_the_form_to_use(day: str, clock: str, today: date) -> None:
    for text in (day, f"{day} {clock}", f"{day}T{clock}"):
        try:
            moment = parse_moment(text, today=today)
        except ValueError as error:
            assert "is not a date" in str(error) and "\n" not in str(error)
            continue
        assert isinstance(moment, datetime)
        assert "".join(text.split()).isascii()  # ASCII digits; any space between the parts


@FAST
@given(st.dates(), st.sampled_from(["", " ", "\t", "\n"]), todays)
def test_a_date_round_trips(day: date, pad: str, today: date) -> None:
    assert parse_date(pad + day.isoformat() + pad, today=today) == day
    if day.year >= 1000:  # %Y writes year 5 as '5' on some systems
        assert parse_date(f"{day:%Y-%m-%d}", today=today) == day


@FAST
@given(st.datetimes(min_value=datetime(1000, 1, 1)), todays)
def test_a_moment_round_trips(moment: datetime, today: date) -> None:
    minute = moment.replace(second=0, microsecond=0)
    assert parse_moment(f"{minute:%Y-%m-%d %H:%M}", today=today) == minute
    assert parse_moment(f"{minute:%Y-%m-%dT%H:%M}", today=today) == minute
    second = moment.replace(microsecond=0)
    assert parse_moment(f"{second:%Y-%m-%d %H:%M:%S}", today=today) == second


@FAST
@given(
    todays,
    st.integers(0, 999),
    st.sampled_from(["", " ", "  "]),
    st.sampled_from([str.lower, str.upper, str.title]),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_relative_dates_count_from_today(
    today: date, count: int, space: str, case: Any, clock: time
) -> None:
    assert parse_date(case(f"{space}today{space}"), today=today) == today
    assert parse_date(case("yesterday"), today=today) == today - timedelta(days=1)
    assert parse_date(case("tomorrow"), today=today) == today + timedelta(days=1)
    assert parse_date(case(f"+{space}{count}{space}d"), today=today) == today + timedelta(count)
    assert parse_date(case(f"+{count}w"), today=today) == today + timedelta(weeks=count)
    assert parse_moment(f"today {clock:%H:%M}", today=today) == datetime.combine(today, clock)
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(f"+{count + 1000}d", today=today)  # more than three digits


def test_digits_that_are_not_ascii_are_not_a_date() -> None:
    """Regression: '+٣d' was 3 days and a fullwidth ISO date 'not a day of the calendar'."""
    for text in ("+\u0663d", "\uff12\uff10\uff12\uff16-01-01", "2026-01-0\u0661"):
        with pytest.raises(ValueError, match=r"is not a date: use YYYY-MM-DD, e\.g\. "):
            parse_date(text, today=date(2026, 12, 2))
    with pytest.raises(ValueError, match="is not a date and time"):
        parse_moment("2026-01-01 \u0661\u0662:00")


# -- 4. the command-line table --------------------------------------------------------------

HUGE = st.integers(min_value=2**63 - 2, max_value=10**40)
garbage = st.one_of(
    st.text(st.characters(codec=None), max_size=20),  # lone surrogates, controls, any script
    st.text(st.characters(categories=["Cc", "Cs", "Zs", "Zl", "Zp", "Nd"]), max_size=8),
    HUGE.map(str),
    HUGE.map(lambda n: f"-{n}"),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["", " ", "-", "--", "-1", "0", "+99999999999d", "--help", "1e9", "nan"]),
    st.text("-0123456789+dw", max_size=6),
)


@pytest.fixture(scope="module")
def garbage_practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One practice for every example (a client, Ana, with an unfinished session 1); the table's
    commands that write (clients add, export, demo) write into a folder of their own."""
    folder = tmp_path_factory.mktemp("garbage-properties")
    store = Store.open(folder / "practice.db")
    store.add_client(Client(name="Ana"))
    begin_session(store, ProtocolLibrary.discover(include_user=False), "Ana")
    store.close()
    (folder / "work").mkdir()
    yield folder


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.sampled_from(TABLE), garbage)
def test_any_command_given_any_garbage_exits_cleanly(
    garbage_practice: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, list[object]],
    value: str,
) -> None:
    _, args = case
    # A path outside the test's folder is not for a test to write (demo --db, export --out).
    assume(not value.startswith(("/", "~")) and ".." not in value)
    monkeypatch.setenv("COMPANION_DB", str(garbage_practice / "practice.db"))
    monkeypatch.chdir(garbage_practice / "work")
    argv = [value if part is X else str(part) for part in args]
    if args[:2] == ["forget", "--client"] and value.strip().casefold() == "ana":
        return  # would empty the practice the other examples use
    result = CliRunner().invoke(cli, argv, prog_name="companion")
    surrogates = any(0xD800 <= ord(char) <= 0xDFFF for char in value)  # never UTF-8: refused
    problem = _check(result, repr(value), surrogates, args[0] in REPORTS)
    assert problem is None, f"{argv!r}: {problem}"
    assert os.getcwd() == str(garbage_practice / "work")
