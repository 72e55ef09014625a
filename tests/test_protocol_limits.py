"""Protocol files can't break a start: every number and size bounded, every bad file a message.

A file too large, nested too deeply or holding numbers past the bounds is one message naming the
file and the field; the other protocols load; `start --protocol X` names X's file's problem.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from textual.worker import WorkerCancelled

from companion.cli import cli
from companion.core.protocol_files import MAX_FILE_BYTES, protocol_problem
from companion.core.protocols import (
    MAX_MINUTES,
    MAX_PROMPTS,
    MAX_STEPS,
    ProtocolError,
    ProtocolLibrary,
    builtin_protocols_dir,
    load_protocol_file,
    parse_protocol,
    protocol_from_snapshot,
    user_protocols_dir,
)
from companion.services.practice import begin_session
from companion.store import Store
from companion.tui.factory import StartSession, build_app

GROW = (builtin_protocols_dir() / "grow.toml").read_text(encoding="utf-8")
SMALL = """\
id = "walk"
name = "Walking session"
duration_minutes = 60

[[steps]]
id = "arrive"
title = "Arrive"
minutes = 10
purpose = "Settle in."
prompts = ["How are you arriving?"]
"""
DEEP_ARRAYS = 'id = "deep"\nname = "x"\nx = ' + "[" * 5000 + "]" * 5000 + "\n"
DEEP_TABLES = "x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n"
HUGE = 99999999999999999999


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args], prog_name="companion")


def one_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("companion: ")
    return result.stderr


# -- the bounds -------------------------------------------------------------------------------

STEP = SMALL[SMALL.index("[[steps]]") :]
BOUNDS: dict[str, tuple[str, str, str]] = {
    # name: (file text, field path, words of the problem)
    "duration huge": (
        SMALL.replace("duration_minutes = 60", f"duration_minutes = {HUGE}"),
        "duration_minutes",
        f"less than or equal to {MAX_MINUTES} (found an integer {HUGE})",
    ),
    "duration a day": (
        SMALL.replace("duration_minutes = 60", "duration_minutes = 1440"),
        "duration_minutes",
        f"less than or equal to {MAX_MINUTES}",
    ),
    "duration negative": (
        SMALL.replace("duration_minutes = 60", f"duration_minutes = -{HUGE}"),
        "duration_minutes",
        "greater than or equal to 1",
    ),
    "step minutes huge": (
        SMALL.replace("minutes = 10", f"minutes = {HUGE}"),
        "steps[0].minutes",
        f"less than or equal to {MAX_MINUTES}",
    ),
    "too many steps": (
        SMALL.replace("duration_minutes = 60", "duration_minutes = 600")
        .replace("minutes = 10", "minutes = 1")
        .split("[[steps]]")[0]
        + "".join(
            STEP.replace("minutes = 10", "minutes = 1").replace("arrive", f"s{i}")
            for i in range(MAX_STEPS + 1)
        ),
        "steps",
        f"at most {MAX_STEPS} items",
    ),
    "too many prompts": (
        SMALL.replace('["How are you arriving?"]', json.dumps(["Why?"] * (MAX_PROMPTS + 1))),
        "steps[0].prompts",
        f"at most {MAX_PROMPTS} items",
    ),
    "long prompt": (
        SMALL.replace("How are you arriving?", "w" * 1001),
        "steps[0].prompts[0]",
        "at most 1000 characters",
    ),
    "long name": (SMALL.replace("Walking session", "n" * 121), "name", "at most 120 characters"),
    "long title": (SMALL.replace('"Arrive"', '"' + "t" * 121 + '"'), "steps[0].title", "120"),
    "long purpose": (SMALL.replace("Settle in.", "p" * 2001), "steps[0].purpose", "2000"),
    "long description": (
        SMALL.replace('name = "Walking session"', 'name = "W"\ndescription = "' + "d" * 4001 + '"'),
        "description",
        "at most 4000 characters",
    ),
    "long id": (SMALL.replace('id = "walk"', 'id = "' + "w" * 65 + '"'), "id", "at most 64"),
}


@pytest.mark.parametrize("name", BOUNDS)
def test_each_bound_is_a_message_naming_file_and_field(name: str) -> None:
    text, field, words = BOUNDS[name]
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(text, "walk.toml")
    message = str(caught.value)
    assert f"walk.toml: {field}: " in message, message
    assert words in message, message
    assert "\n" not in message and len(message) < 2000


def test_the_builtins_are_well_inside_the_bounds() -> None:
    library = ProtocolLibrary.discover(include_user=False)
    assert library.errors == []
    assert len(library) >= 6


def test_the_bounds_are_said_in_the_field_descriptions() -> None:
    from companion.core.protocols import Protocol, Step

    assert "600" in (Protocol.model_fields["duration_minutes"].description or "")
    assert "600" in (Step.model_fields["minutes"].description or "")
    assert str(MAX_STEPS) in (Protocol.model_fields["steps"].description or "")


def test_many_problems_are_cut_to_the_first_ten() -> None:
    steps = "".join(STEP.replace("minutes = 10", 'minutes = "x"') for _ in range(40))
    with pytest.raises(ProtocolError, match=r"and \d+ more problems$") as caught:
        parse_protocol(SMALL.split("[[steps]]")[0] + steps, "walk.toml")
    assert str(caught.value).count("walk.toml: steps[") == 10


def test_an_old_snapshot_past_a_bound_still_reads() -> None:
    # Sessions stored before the bounds: their protocol is history, read as it was.
    protocol = parse_protocol(SMALL)
    data = json.loads(protocol.model_dump_json())
    data["duration_minutes"] = 700
    data["steps"][0]["minutes"] = 650
    old = protocol_from_snapshot(json.dumps(data))
    assert old.duration_minutes == 700 and old.steps[0].minutes == 650
    assert old.steps[0].title == "Arrive"


# -- files that can't be parsed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (DEEP_ARRAYS, "not valid TOML: arrays or tables nested too deeply"),
        (DEEP_TABLES, "not valid TOML: arrays or tables nested too deeply"),
        (
            'id = "big"\n#' + "x" * MAX_FILE_BYTES + "\n",
            "too large: a protocol file may have at most 256 KiB",
        ),
        ("= = =\n" * 50_000, "too large"),  # checked before parsing
    ],
    ids=["deep arrays", "deep inline tables", "too large", "too large and not toml"],
)
def test_unparseable_files_are_one_message(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProtocolError) as caught:
        load_protocol_file(path)
    assert str(caught.value) == f"{path}: {words}" or str(caught.value).startswith(
        f"{path}: {words}"
    )
    line = one_line(run("protocols", "validate", path))
    assert f"{path}: {words}" in line


def test_a_file_that_is_not_a_file_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "folder.toml").mkdir()
    with pytest.raises(ProtocolError, match=r"folder\.toml: cannot read: not a regular file"):
        load_protocol_file(tmp_path / "folder.toml")


# -- the user's folder with bad files in it -------------------------------------------------


@pytest.fixture
def bad_user_folder() -> Path:
    user = user_protocols_dir()
    user.mkdir(parents=True)
    (user / "deep.toml").write_text(DEEP_ARRAYS, encoding="utf-8")
    (user / "nested.toml").write_text(DEEP_TABLES, encoding="utf-8")
    (user / "big.toml").write_text(
        SMALL.replace('"walk"', '"big"').replace(
            "duration_minutes = 60", f"duration_minutes = {HUGE}"
        ),
        encoding="utf-8",
    )
    (user / "walk.toml").write_text(SMALL, encoding="utf-8")
    return user


def test_the_library_loads_the_rest_and_carries_the_errors(bad_user_folder: Path) -> None:
    library = ProtocolLibrary.discover()
    assert {"grow", "walk"} <= set(library.entries)
    assert len(library.errors) == 3
    for name in ("big.toml", "deep.toml", "nested.toml"):
        assert any(error.startswith(f"{bad_user_folder / name}: ") for error in library.errors)
    assert library.get("grow").id == "grow"


@pytest.mark.parametrize(
    ("protocol_id", "words"),
    [
        ("deep", "deep.toml: not valid TOML: arrays or tables nested too deeply"),  # its id line
        ("nested", "nested.toml: not valid TOML"),  # no id could be read: the file's name
        ("big", f"big.toml: duration_minutes: Input should be less than or equal to {MAX_MINUTES}"),
    ],
)
def test_asking_for_a_bad_files_protocol_names_the_problem(
    bad_user_folder: Path, protocol_id: str, words: str
) -> None:
    with pytest.raises(ProtocolError) as caught:
        ProtocolLibrary.discover().get(protocol_id)
    assert str(caught.value).startswith(f"protocol {protocol_id!r} cannot be used: ")
    assert words in str(caught.value)
    assert "unknown protocol" not in str(caught.value)


def test_protocols_list_shows_the_bad_files(bad_user_folder: Path) -> None:
    result = run("protocols", "list")
    assert result.exit_code == 0
    assert "grow " in result.stdout and "walk " in result.stdout
    skipped = result.stderr.splitlines()
    assert len(skipped) == 3 and all(line.startswith("skipped: ") for line in skipped)
    assert "Traceback" not in result.output


def test_start_with_a_good_protocol_is_not_stopped_by_bad_files(bad_user_folder: Path) -> None:
    for protocol_id in ("grow", "walk"):
        line = one_line(run("start", "--client", "Pat", "--protocol", protocol_id))
        assert "needs a terminal" in line  # past the protocol check: only the screen is missing


@pytest.mark.parametrize(
    ("protocol_id", "words"),
    [
        ("deep", "deep.toml: not valid TOML: arrays or tables nested too deeply"),
        ("nested", "nested.toml: not valid TOML"),
    ],
)
def test_start_names_the_bad_file_before_any_screen(
    bad_user_folder: Path, protocol_id: str, words: str
) -> None:
    line = one_line(run("start", "--client", "Pat", "--protocol", protocol_id))
    assert f"protocol {protocol_id!r} cannot be used: " in line and words in line


def test_the_cheap_check_knows_a_file_its_id_line_names(bad_user_folder: Path) -> None:
    assert protocol_problem("grow") is None
    assert protocol_problem("big") is None  # TOML is fine: the fields are checked after the paint
    assert "unknown protocol 'nope'" in (protocol_problem("nope") or "")


def test_a_started_session_with_a_bad_files_protocol_ends_in_one_line(
    bad_user_folder: Path, db_path: Path
) -> None:
    from companion.core.terms import SessionStart

    store = Store.open(db_path)
    app = build_app(
        StartSession(SessionStart("Pat", protocol_id="big")), store, ProtocolLibrary.discover
    )

    async def drive() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(500):  # bounded, and ended as soon as it failed: not timed
                await pilot.pause()
                if app.failure is not None:
                    break
                with contextlib.suppress(WorkerCancelled):  # the app ending, as it should
                    await app.workers.wait_for_complete()

    try:
        asyncio.run(drive())
        assert app.failure is not None
        assert "protocol 'big' cannot be used: " in app.failure
        assert "big.toml: duration_minutes" in app.failure
    finally:
        store.close()


def test_a_session_starts_with_grow_beside_bad_files(bad_user_folder: Path, db_path: Path) -> None:
    store = Store.open(db_path)
    try:
        session = begin_session(store, ProtocolLibrary.discover(), "Pat", protocol_id="grow")
        assert session.planned_minutes == 60
    finally:
        store.close()


def test_the_start_check_with_bad_files_still_loads_no_pydantic(bad_user_folder: Path) -> None:
    code = textwrap.dedent(
        """
        import sys
        from companion.cli import cli
        for protocol in ("grow", "deep", "big"):
            try:
                cli(["start", "--client", "Pat", "--protocol", protocol], standalone_mode=False)
            except BaseException:
                pass
        heavy = ("pydantic", "sqlite_utils", "companion.core.models", "companion.core.protocols")
        print(sorted(m for m in heavy if m in sys.modules))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_a_skipped_file_with_a_line_break_in_a_key_stays_on_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "companion" / "protocols"
    folder.mkdir(parents=True)
    (folder / "odd.toml").write_text(
        'id = "odd"\nname = "x"\nkind = "regular"\nduration_minutes = 30\n'
        '[[steps]]\nid = "a"\ntitle = "A"\nminutes = 5\n"bad\\nkey\\u001b[2J" = 1\n',
        encoding="utf-8",
    )
    result = run("protocols", "list")
    assert result.exit_code == 0
    skipped = [line for line in result.stderr.splitlines() if "odd.toml" in line]
    assert len(skipped) == 1 and skipped[0].startswith("skipped: ")
    assert "\x1b" not in result.stderr
