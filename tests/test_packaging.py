"""The package as a coach installs it: the wheel carries the built-in protocols and the script."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from this checkout with hatchling (the build backend), offline."""
    builders = pytest.importorskip(
        "hatchling.builders.wheel", reason="hatchling is in the test extras: pip install '.[test]'"
    )
    out = tmp_path_factory.mktemp("dist")
    [built] = list(
        builders.WheelBuilder(str(ROOT)).build(directory=str(out), versions=["standard"])
    )
    return Path(built)


def names_in(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_ships_every_builtin_protocol(wheel: Path) -> None:
    names = names_in(wheel)
    sources = sorted(path.name for path in (ROOT / "protocols").glob("*.toml"))
    assert len(sources) >= 5
    for name in sources:
        assert f"companion/builtin_protocols/{name}" in names
    assert "companion/builtin_protocols/grow.toml" in names


def test_the_wheel_ships_the_styles(wheel: Path) -> None:
    names = names_in(wheel)
    styles = [path.relative_to(ROOT).as_posix() for path in (ROOT / "companion").rglob("*.tcss")]
    missing = [style for style in styles if style not in names]
    assert missing == []


def test_the_wheel_ships_the_demo_content(wheel: Path) -> None:
    assert "companion/services/demo_content.toml" in names_in(wheel)


def test_the_wheel_declares_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        [entry_points] = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
        text = archive.read(entry_points).decode()
        [metadata] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        meta = archive.read(metadata).decode()
    assert "[console_scripts]" in text
    assert re.search(r"^companion = companion\.__main__:main$", text, re.MULTILINE)
    assert "Requires-Python: >=3.11" in meta
    for dependency in ("textual", "sqlite-utils", "pydantic", "pyperclip"):
        assert f"Requires-Dist: {dependency}" in meta


def test_the_installed_wheel_finds_its_protocols_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    """As after `pip install .`: unpacked into a site folder, run from an unrelated directory."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path.insert(0, {str(site)!r})
        import companion
        from companion.core.protocols import ProtocolLibrary, builtin_protocols_dir
        library = ProtocolLibrary.discover(include_user=False)
        print(json.dumps({{
            "package": companion.__file__,
            "builtins": str(builtin_protocols_dir()),
            "ids": sorted(library.entries),
            "errors": library.errors,
        }}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert Path(found["package"]).is_relative_to(site)
    assert Path(found["builtins"]) == site / "companion" / "builtin_protocols"
    assert {"first", "grow", "life-purpose", "review", "closing"} <= set(found["ids"])
    assert found["errors"] == []


def test_readme_quickstart_is_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in quickstart.splitlines() if line.startswith("    ")]
    assert len(commands) == 2
    install_and_start, install_and_test = commands
    assert "pip install ." in install_and_start and install_and_start.endswith("companion")
    assert "pip install '.[test]'" in install_and_test and install_and_test.endswith("pytest")
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_test_extras_pin_what_the_snapshot_plugin_needs() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    assert project["scripts"] == {"companion": "companion.__main__:main"}
    extras = " ".join(project["optional-dependencies"]["test"])
    assert "pytest>=8.3,<9" in extras  # syrupy 4.8 (pinned by pytest-textual-snapshot) needs <9
    assert "hatchling" in extras  # the packaging tests build the wheel offline
