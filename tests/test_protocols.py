"""Session protocols: loading, validation messages, the built-ins and the search path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from companion.core.protocols import (
    Protocol,
    ProtocolError,
    ProtocolLibrary,
    builtin_protocols_dir,
    load_protocol_file,
    parse_protocol,
    protocol_from_snapshot,
    user_protocols_dir,
)

GOOD = """\
id = "walk"
name = "Walking session"
kind = "regular"
duration_minutes = 45
description = "A session on the move."

[[steps]]
id = "agreement"
title = "Session agreement"
minutes = 5
purpose = "Agree what the client wants from today."
prompts = ["What would make this walk worthwhile?", "How will you know?"]
capture = "agreement"

[[steps]]
id = "explore"
title = "Explore"
minutes = 25
purpose = "Let the client think out loud."
prompts = ["What's on your mind?"]

[[steps]]
id = "actions"
title = "Actions"
minutes = 10
purpose = "Agree what the client will do."
prompts = ["What will you do, and by when?"]
capture = "actions"

[[steps]]
id = "takeaways"
title = "Takeaways"
minutes = 5
purpose = "Close."
prompts = ["What are you taking away?"]
capture = "takeaways"
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def with_id(text: str, protocol_id: str, name: str | None = None) -> str:
    text = text.replace('id = "walk"', f'id = "{protocol_id}"', 1)
    if name:
        text = text.replace('name = "Walking session"', f'name = "{name}"', 1)
    return text


# -- a good file ----------------------------------------------------------------------------


def test_a_good_file_loads(tmp_path: Path) -> None:
    protocol = load_protocol_file(write(tmp_path, "walk.toml", GOOD))
    assert protocol.id == "walk"
    assert protocol.name == "Walking session"
    assert protocol.kind == "regular"
    assert protocol.duration_minutes == 45
    assert protocol.description == "A session on the move."
    assert [s.id for s in protocol.steps] == ["agreement", "explore", "actions", "takeaways"]
    assert protocol.steps[0].prompts == [
        "What would make this walk worthwhile?",
        "How will you know?",
    ]
    assert protocol.steps[0].capture == "agreement"
    assert protocol.steps[1].capture is None
    assert protocol.closing_index == 2
    assert protocol.step_index("explore") == 1
    assert protocol.step_index("nope") is None


def test_a_snapshot_round_trips() -> None:
    protocol = parse_protocol(GOOD)
    assert protocol_from_snapshot(protocol.model_dump_json()) == protocol


def test_description_and_kind_have_defaults() -> None:
    text = GOOD.replace('kind = "regular"\n', "").replace(
        'description = "A session on the move."\n', ""
    )
    protocol = parse_protocol(text)
    assert protocol.kind == "regular" and protocol.description == ""


# -- each kind of bad file ------------------------------------------------------------------

BAD: dict[str, tuple[str, str, str]] = {
    # name: (file text, field path in the message, words of the problem)
    "not toml": ('id = "walk"\nname = \n', "not valid TOML", "line 2"),
    "missing field": (GOOD.replace('name = "Walking session"\n', ""), "name", "required"),
    "missing step field": (
        GOOD.replace('purpose = "Let the client think out loud."\n', ""),
        "steps[1].purpose",
        "required",
    ),
    "wrong type": (
        GOOD.replace("minutes = 25", 'minutes = "twenty-five"'),
        "steps[1].minutes",
        "valid integer (found a string 'twenty-five')",
    ),
    "boolean for a number": (
        GOOD.replace("minutes = 25", "minutes = true"),
        "steps[1].minutes",
        "valid integer (found a boolean true)",
    ),
    "prompts not a list": (
        GOOD.replace('prompts = ["What\'s on your mind?"]', 'prompts = "What\'s on your mind?"'),
        "steps[1].prompts",
        "valid list",
    ),
    "bad kind": (
        GOOD.replace('kind = "regular"', 'kind = "weekly"'),
        "kind",
        "'first', 'regular', 'review', 'closing' or 'other' (found a string 'weekly')",
    ),
    "unknown extra key": (
        GOOD.replace('kind = "regular"', 'kind = "regular"\ncolour = "blue"'),
        "colour",
        "unknown field (the fields are: id, name, description, kind, duration_minutes, steps)",
    ),
    "unknown step key": (
        GOOD.replace("minutes = 25", "minutes = 25\nnote = 'x'"),
        "steps[1].note",
        "unknown field (the fields are: id, title, minutes, purpose, prompts, capture, markers)",
    ),
    "duplicate step ids": (
        GOOD.replace('id = "explore"', 'id = "agreement"'),
        "steps",
        "step id 'agreement' is used twice (steps[0] and steps[1])",
    ),
    "step minutes over the duration": (
        GOOD.replace("duration_minutes = 45", "duration_minutes = 40"),
        "steps",
        "step minutes add up to 45, more than duration_minutes = 40",
    ),
    "empty steps": (GOOD.split("[[steps]]")[0] + "steps = []\n", "steps", "must not be empty"),
    "no steps at all": (GOOD.split("[[steps]]")[0], "steps", "required"),
    "steps not tables": (
        GOOD.split("[[steps]]")[0] + 'steps = ["agreement"]\n',
        "steps[0]",
        "each step must be a [[steps]] table",
    ),
    "empty prompts": (
        GOOD.replace('prompts = ["What\'s on your mind?"]', "prompts = []"),
        "steps[1].prompts",
        "must not be empty",
    ),
    "empty title": (GOOD.replace('title = "Explore"', 'title = ""'), "steps[1].title", "empty"),
    "zero minutes": (
        GOOD.replace("minutes = 25", "minutes = 0"),
        "steps[1].minutes",
        "greater than or equal to 1",
    ),
    "bad capture value": (
        GOOD.replace('capture = "actions"', 'capture = "homework"'),
        "steps[2].capture",
        "'agreement', 'review_actions', 'scaling', 'actions', 'takeaways', 'contract' or "
        "'goals_review' (found a string 'homework')",
    ),
    "bad protocol id": (
        GOOD.replace('id = "walk"', 'id = "Walk Session"'),
        "id",
        "lowercase letters, digits",
    ),
    "bad step id": (
        GOOD.replace('id = "explore"', 'id = "explore it"'),
        "steps[1].id",
        "lowercase letters, digits",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_kind_of_bad_file_is_named_with_field_and_problem(tmp_path: Path, case: str) -> None:
    text, field_path, problem = BAD[case]
    path = write(tmp_path, "broken.toml", text)
    with pytest.raises(ProtocolError) as caught:
        load_protocol_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {field_path}: "), message
    assert problem in message
    assert "\n" not in message


def test_every_problem_in_a_file_is_reported_on_one_line(tmp_path: Path) -> None:
    text = GOOD.replace('kind = "regular"', 'kind = "weekly"').replace(
        "minutes = 25", "minutes = 0"
    )
    path = write(tmp_path, "two.toml", text)
    with pytest.raises(ProtocolError) as caught:
        load_protocol_file(path)
    message = str(caught.value)
    assert f"{path}: kind: " in message and f"{path}: steps[1].minutes: " in message
    assert "; " in message and "\n" not in message


def test_an_unreadable_file_is_a_protocol_error(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match=r"missing\.toml: cannot read: No such file"):
        load_protocol_file(tmp_path / "missing.toml")
    with pytest.raises(ProtocolError, match=r"folder\.toml: cannot read"):
        load_protocol_file(write(tmp_path / "folder.toml", "x.toml", GOOD).parent)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(GOOD.replace("Walking", "Caf\xe9").encode("latin-1"))
    with pytest.raises(ProtocolError, match=r"latin\.toml: cannot read"):
        load_protocol_file(latin)


# -- the built-ins --------------------------------------------------------------------------


def builtin_files() -> list[Path]:
    return sorted(builtin_protocols_dir().glob("*.toml"))


@pytest.mark.parametrize("path", builtin_files(), ids=lambda p: p.stem)
def test_every_builtin_validates_and_has_the_session_shape(path: Path) -> None:
    protocol = load_protocol_file(path)
    assert path.stem == protocol.id
    assert protocol.description
    assert protocol.steps[0].capture == "agreement"
    assert [s.capture for s in protocol.steps[-2:]] == ["actions", "takeaways"]
    assert protocol.closing_index == len(protocol.steps) - 2
    for step in protocol.steps:
        assert len(step.prompts) >= 2, step.id
        assert all(prompt.strip() for prompt in step.prompts), step.id
    assert sum(s.minutes for s in protocol.steps) <= protocol.duration_minutes


def test_at_least_five_builtins_cover_the_kinds_of_session() -> None:
    library = ProtocolLibrary.discover(include_user=False)
    assert library.errors == []
    assert len(library) >= 5
    kinds = {entry.protocol.kind for entry in library}
    assert {"first", "regular", "review", "closing"} <= kinds
    assert {"first", "grow", "life-purpose", "review", "closing"} <= set(library.entries)
    assert all(entry.origin == "built-in" for entry in library)
    # listed in the order of an engagement: first, regular, review, closing, other
    order = ["first", "regular", "review", "closing", "other"]
    listed = [order.index(entry.protocol.kind) for entry in library]
    assert listed == sorted(listed)


def words_of(protocol: Protocol) -> str:
    parts = [protocol.description]
    for step in protocol.steps:
        parts += [step.title, step.purpose, *step.prompts]
    return " ".join(parts).lower()


@pytest.mark.parametrize(
    ("protocol_id", "kind", "themes"),
    [
        ("first", "first", ["confidential", "sponsor", "how coaching works", "smart"]),
        ("grow", "regular", ["goal", "reality", "options", "will"]),
        ("life-purpose", "regular", ["value", "obstacle", "vision", "smarte", "experiment"]),
        ("review", "review", ["objective", "adjust", "reached"]),
        ("closing", "closing", ["achiev", "build on", "motivat", "routine", "obstacle"]),
    ],
)
def test_builtins_cover_their_coaching_model(
    protocol_id: str, kind: str, themes: list[str]
) -> None:
    protocol = ProtocolLibrary.discover(include_user=False).get(protocol_id)
    assert protocol.kind == kind
    text = words_of(protocol)
    missing = [theme for theme in themes if theme not in text]
    assert missing == []


def test_grow_steps_follow_the_model() -> None:
    grow = ProtocolLibrary.discover(include_user=False).get("grow")
    titles = [s.title.lower() for s in grow.steps]
    positions = [next(i for i, t in enumerate(titles) if t.startswith(w)) for w in "grow"]
    assert positions == sorted(positions)
    assert any(s.capture == "review_actions" for s in grow.steps[:2])  # check-in comes first


def test_default_protocols() -> None:
    library = ProtocolLibrary.discover(include_user=False)
    assert library.default_for(first_session=True).id == "first"
    assert library.default_for(first_session=False).id == "grow"


def test_unknown_id_names_the_known_ones() -> None:
    library = ProtocolLibrary.discover(include_user=False)
    with pytest.raises(ProtocolError, match=r"unknown protocol 'nope' \(known: .*grow"):
        library.get("nope")


# -- the search path ------------------------------------------------------------------------


def test_user_protocols_live_in_the_config_dir(tmp_path: Path) -> None:
    assert user_protocols_dir() == tmp_path / "config" / "companion" / "protocols"


def test_search_path_builtin_then_user_then_extra(tmp_path: Path) -> None:
    user = user_protocols_dir()
    extra = tmp_path / "extra"
    write(user, "grow.toml", with_id(GOOD, "grow", "My GROW"))
    write(user, "walk.toml", with_id(GOOD, "walk", "User walk"))
    write(extra, "walk.toml", with_id(GOOD, "walk", "Extra walk"))
    write(extra, "sprint.toml", with_id(GOOD, "sprint", "Sprint"))

    library = ProtocolLibrary.discover([extra])
    assert library.errors == []
    entries = library.entries
    assert (entries["grow"].origin, entries["grow"].protocol.name) == ("user", "My GROW")
    assert entries["grow"].path == user / "grow.toml"
    assert (entries["walk"].origin, entries["walk"].protocol.name) == ("extra", "Extra walk")
    assert entries["sprint"].origin == "extra"
    assert entries["first"].origin == "built-in"
    assert entries["first"].path == builtin_protocols_dir() / "first.toml"
    assert entries["grow"].replaces is not None
    assert entries["grow"].replaces.origin == "built-in"
    assert entries["walk"].replaces is not None
    assert entries["walk"].replaces.path == user / "walk.toml"
    assert entries["first"].replaces is None

    without_user = ProtocolLibrary.discover([extra], include_user=False)
    assert without_user.entries["grow"].origin == "built-in"


def test_a_broken_user_file_is_reported_and_hides_nothing(tmp_path: Path) -> None:
    user = user_protocols_dir()
    write(user, "a-broken.toml", 'id = "grow"\nname = ')
    write(user, "b-fine.toml", with_id(GOOD, "fine"))
    library = ProtocolLibrary.discover()
    assert len(library.errors) == 1
    assert re.match(rf"{re.escape(str(user / 'a-broken.toml'))}: not valid TOML", library.errors[0])
    assert library.entries["grow"].origin == "built-in"  # the broken file replaced nothing
    assert library.entries["fine"].origin == "user"
    assert {"first", "review", "closing", "life-purpose"} <= set(library.entries)


def test_a_missing_extra_folder_is_reported(tmp_path: Path) -> None:
    library = ProtocolLibrary.discover([tmp_path / "typo"])
    assert library.errors == [f"{tmp_path / 'typo'}: no such folder of protocols"]
    assert "grow" in library.entries


def test_two_files_with_one_id_in_a_folder_are_reported(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    write(extra, "a.toml", with_id(GOOD, "walk", "First"))
    write(extra, "b.toml", with_id(GOOD, "walk", "Second"))
    library = ProtocolLibrary.discover([extra])
    assert library.entries["walk"].protocol.name == "First"
    assert len(library.errors) == 1
    assert "b.toml: id: 'walk' is already used by a.toml" in library.errors[0]


def test_non_toml_files_are_ignored(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    write(extra, "README.md", "# my protocols")
    write(extra, "walk.toml.bak", "not toml at all [")
    library = ProtocolLibrary.discover([extra])
    assert library.errors == []
