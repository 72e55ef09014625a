"""`companion export`, `import` and `forget` through CliRunner: files, permissions, exit codes."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_exchange import PRIVATE, build_practice, canonical, parse_front_matter

from companion.cli import cli
from companion.core.protocols import ProtocolLibrary
from companion.store import Store


def run(runner: CliRunner, *args: str | Path, input: str | None = None) -> Result:
    return runner.invoke(cli, [str(arg) for arg in args], prog_name="companion", input=input)


def one_line_error(result: Result, code: int, *words: str) -> str:
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    line = result.stderr.splitlines()[-1]
    assert line.startswith("companion: ")
    for word in words:
        assert word in line, (word, line)
    return line


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def practice(store: Store, protocols: ProtocolLibrary) -> Store:
    build_practice(store, protocols)
    return store


@pytest.fixture
def other_db(tmp_path: Path) -> Path:
    return tmp_path / "laptop" / "other.db"


def counts(db: Path) -> dict[str, list[object]]:
    opened = Store.open(db)
    try:
        return canonical(opened)
    finally:
        opened.close()


# -- export ------------------------------------------------------------------------------------


def test_export_json_then_import_elsewhere(
    runner: CliRunner, practice: Store, tmp_path: Path, other_db: Path
) -> None:
    out = tmp_path / "exports" / "new"
    result = run(runner, "export", "--format", "json", "--out", out)
    assert result.exit_code == 0, result.output
    files = list(out.iterdir())
    assert len(files) == 1 and files[0].suffix == ".json"
    assert files[0].name.startswith("companion-export-")
    assert str(files[0]) in result.stdout and "private lines kept" in result.stdout
    assert mode(out) == 0o700 and mode(files[0]) == 0o600
    assert PRIVATE in files[0].read_text(encoding="utf-8")

    result = run(runner, "--db", other_db, "import", files[0])
    assert result.exit_code == 0, result.output
    assert "added 2 clients" in result.stdout and "4 sessions" in result.stdout
    assert "2 edited recaps" in result.stdout
    expected = canonical(practice)
    assert counts(other_db) == expected

    again = run(runner, "--db", other_db, "import", files[0], "--json")
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert summary["added"] == {} and summary["skipped"]["sessions"] == 4
    assert counts(other_db) == expected


def test_export_twice_in_one_second_writes_two_files(
    runner: CliRunner, practice: Store, tmp_path: Path
) -> None:
    for _ in range(2):
        assert run(runner, "export", "--out", tmp_path / "out").exit_code == 0
    assert len(list((tmp_path / "out").glob("*.json"))) == 2


def test_export_one_client_client_copy(runner: CliRunner, practice: Store, tmp_path: Path) -> None:
    result = run(runner, "export", "--client", "ana lopez", "--client-copy", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    (path,) = tmp_path.glob("companion-export-ana-lopez-client-copy-*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [c["name"] for c in data["clients"]] == ["Ana Lopez"]
    assert data["client_copy"] is True
    assert "reorganisation" not in path.read_text(encoding="utf-8")
    assert "private lines left out" in result.stdout


def test_export_markdown(runner: CliRunner, practice: Store, tmp_path: Path) -> None:
    out = tmp_path / "vault"
    result = run(runner, "export", "--format", "markdown", "--out", out)
    assert result.exit_code == 0, result.output
    assert "Wrote 4 sessions" in result.stdout
    files = sorted(out.glob("*.md"))
    assert len(files) == 4
    for file in files:
        assert mode(file) == 0o600
        fields, _ = parse_front_matter(file.read_text(encoding="utf-8"))
        assert fields["session_id"] == int(file.stem.rsplit("-", 1)[1])
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert PRIVATE in text
    # Exporting again overwrites the same files (stable names); a client copy drops the lines.
    result = run(runner, "export", "--format", "markdown", "--out", out, "--client-copy")
    assert result.exit_code == 0, result.output
    assert sorted(out.glob("*.md")) == files
    assert not any(p.name.startswith(".companion-") for p in out.iterdir())
    assert "reorganisation" not in "".join(f.read_text(encoding="utf-8") for f in files)


def test_export_markdown_for_one_client(runner: CliRunner, practice: Store, tmp_path: Path) -> None:
    result = run(
        runner, "export", "--format", "markdown", "--client", "ANA LOPEZ", "--out", tmp_path
    )
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*-ana-lopez-session-*.md"))) == 3
    assert not list(tmp_path.glob("*zoe*"))


def test_export_errors(runner: CliRunner, practice: Store, tmp_path: Path) -> None:
    one_line_error(
        run(runner, "export", "--client", "Nobody", "--out", tmp_path / "x"), 2, "Nobody"
    )
    assert not (tmp_path / "x").exists()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    one_line_error(run(runner, "export", "--out", a_file), 2, "not a folder")
    one_line_error(run(runner, "export", "--format", "pdf", "--out", tmp_path), 2, "pdf")
    one_line_error(run(runner, "export"), 2, "--out")


# -- import ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"hello, not json", "not JSON"),
        (b'{"clients": []}', "not a companion export"),
        (b'{"format": "companion-export", "version": 7}', "version 7"),
        (b'{"format": "companion-export", "version": 1, "clients": [{"id": 1}]}', "clients.0.name"),
    ],
)
def test_import_refuses_what_is_not_an_export(
    runner: CliRunner, practice: Store, tmp_path: Path, db_path: Path, content: bytes, words: str
) -> None:
    before = canonical(practice)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = run(runner, "import", bad)
    one_line_error(result, 2, words)
    assert result.stdout == ""
    assert canonical(practice) == before


def test_import_missing_file_and_folder(runner: CliRunner, tmp_path: Path) -> None:
    one_line_error(run(runner, "import", tmp_path / "nope.json"), 2, "nope.json")
    one_line_error(run(runner, "import", tmp_path), 2)


# -- forget ------------------------------------------------------------------------------------


def test_forget_with_yes(runner: CliRunner, practice: Store, db_path: Path) -> None:
    result = run(runner, "forget", "--client", "ana lopez", "--yes")
    assert result.exit_code == 0, result.output
    assert "Forgot Ana Lopez" in result.stdout and "3 sessions" in result.stdout
    assert [c.name for c in practice.clients()] == ['Zoë O\'Brien: "Z"']
    raw = db_path.read_bytes()
    assert b"Ana Lopez" not in raw and b"reorganisation" not in raw


def test_forget_asks_and_yes_forgets(runner: CliRunner, practice: Store) -> None:
    result = run(runner, "forget", "--client", "Ana Lopez", input="y\n")
    assert result.exit_code == 0, result.output
    assert "3 sessions" in result.stdout and "cannot be undone" in result.stdout
    assert practice.find_client("Ana Lopez") is None


@pytest.mark.parametrize("answer", ["n\n", "\n", None, ""])
def test_forget_without_a_yes_deletes_nothing(
    runner: CliRunner, practice: Store, answer: str | None
) -> None:
    before = canonical(practice)
    result = run(runner, "forget", "--client", "Ana Lopez", input=answer)
    one_line_error(result, 1, "nothing was deleted", "--yes")
    assert canonical(practice) == before


def test_forget_unknown_client(runner: CliRunner, practice: Store) -> None:
    one_line_error(run(runner, "forget", "--client", "Nobody", "--yes"), 2, "Nobody")
    one_line_error(run(runner, "forget", "--yes"), 2, "--client")


def test_sample_markdown_keeps_private_lines_unless_client_copy(
    runner: CliRunner, sample, tmp_path: Path
) -> None:
    for flag, folder in (((), "coach"), (("--client-copy",), "client")):
        result = run(runner, "export", "--format", "markdown", "--out", tmp_path / folder, *flag)
        assert result.exit_code == 0, result.output
    (coach,) = (tmp_path / "coach").glob("*.md")
    (client,) = (tmp_path / "client").glob("*.md")
    assert coach.name == client.name
    assert "// seems tired" in coach.read_text(encoding="utf-8")
    text = client.read_text(encoding="utf-8")
    assert "seems tired" not in text
    assert "Wants to open the meeting calmly." in text and "I know how I want to start" in text
