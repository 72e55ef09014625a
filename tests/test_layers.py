"""The layers hold (issue 8): screens reach a typed app, never import it, and never guess at it.

These read the source, so a shortcut taken anywhere in companion/ fails here with its file and
line, not later as a cycle or an AttributeError in front of a client.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from companion.tui.app import CompanionApp
from companion.tui.host import Host

PACKAGE = Path(__file__).resolve().parent.parent / "companion"


def sources(*under: str) -> list[Path]:
    roots = [PACKAGE / part for part in under] if under else [PACKAGE]
    return sorted(path for root in roots for path in root.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module PATH imports, at the top or deferred inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_app_has_everything_the_screens_may_ask_of_it() -> None:
    wanted = {
        name
        for name in dir(Host)
        if not name.startswith("_") and name not in dir(object) and name != "mro"
    }
    wanted |= set(Host.__annotations__)
    app_attributes = set(dir(CompanionApp))
    init_source = inspect.getsource(CompanionApp.__init__)
    missing = sorted(
        name
        for name in wanted
        if name not in app_attributes
        and not re.search(rf"self\.{name}\b\s*(:[^=]*)?=", init_source)
    )
    assert not missing, f"CompanionApp lacks what Host promises: {missing}"


@pytest.mark.parametrize(
    "path",
    sources("tui/screens", "tui/dialogs", "tui/widgets"),
    ids=lambda p: p.relative_to(PACKAGE).as_posix(),
)
def test_screens_dialogs_and_widgets_never_import_the_app(path: Path) -> None:
    assert "companion.tui.app" not in imported_modules(path)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_screen_reaches_the_app_through_another_module() -> None:
    """Deferred imports included: the app imports its screens, never the other way round, not
    even by way of a helper module (an import cycle a function-level import would hide)."""
    graph = {module_name(path): imported_modules(path) for path in sources()}
    reaching: list[str] = []
    for start in graph:
        if not start.startswith(
            ("companion.tui.screens", "companion.tui.dialogs", "companion.tui.widgets")
        ):
            continue
        seen, pending = {start}, [start]
        while pending:
            for name in graph.get(pending.pop(), set()):
                if name == "companion.tui.app":
                    reaching.append(start)
                if name in graph and name not in seen:
                    seen.add(name)
                    pending.append(name)
    assert not sorted(set(reaching)), f"these reach companion.tui.app: {sorted(set(reaching))}"


def test_nothing_guesses_at_the_apps_type() -> None:
    guesses = re.compile(r"getattr\(self\.app\b|self\.app\.\w+.*# type: ignore\[attr-defined")
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sources("tui")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if guesses.search(line)
    ]
    assert not found, "reach the app through tui.host.host(self):\n" + "\n".join(found)


def test_one_description_of_a_session_to_start() -> None:
    """SessionStart is defined once (companion.core.terms) and imported from there everywhere."""
    defining = [
        path.relative_to(PACKAGE).as_posix()
        for path in sources()
        if re.search(r"^class SessionStart\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert defining == ["core/terms.py"]
    borrowed = [
        path.relative_to(PACKAGE).as_posix()
        for path in sources()
        if re.search(r"from companion\.tui\.app import .*SessionStart", path.read_text("utf-8"))
    ]
    assert not borrowed


def test_one_writer_of_private_files() -> None:
    """Files and folders get their modes in companion/services/files.py (and the database file's own
    creation in store/paths.py): nowhere else chmods, opens with a mode or makes folders."""
    allowed = {"services/files.py", "store/paths.py"}
    by_hand = re.compile(r"os\.(f?chmod|open)\(|\.mkdir\(|mkstemp\(")
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sources()
        if path.relative_to(PACKAGE).as_posix() not in allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_hand.search(line)
    ]
    assert not found, "write files through companion.services.files:\n" + "\n".join(found)


def test_one_slug() -> None:
    defining = [
        path.relative_to(PACKAGE).as_posix()
        for path in sources()
        if re.search(r"^def _?slug\(", path.read_text(encoding="utf-8"), re.M)
    ]
    assert defining == ["core/text.py"]


def binding_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sources("tui"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding":
                action = node.args[1] if len(node.args) >= 2 else None
                if isinstance(action, ast.Constant) and action.value == "":
                    continue  # a key only shown (tui/keys), not bound
                calls.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", node))
    return calls


def test_every_binding_has_an_id_and_a_tooltip() -> None:
    lacking = [
        f"{where}: {missing}"
        for where, call in binding_calls()
        for missing in ("id", "tooltip")
        if missing not in {keyword.arg for keyword in call.keywords}
    ]
    assert binding_calls() and not lacking, "\n".join(lacking)


def test_binding_ids_are_unique_and_fit_a_keymap() -> None:
    from companion.services.config import _BINDING_ID
    from companion.tui.bindings import bindings_by_id

    found = bindings_by_id()
    assert len(found) > 60
    assert all(_BINDING_ID.match(binding_id) for binding_id in found), sorted(found)
    seen: dict[str, str] = {}
    for where, call in binding_calls():
        for keyword in call.keywords:
            if keyword.arg == "id" and isinstance(keyword.value, ast.Constant):
                assert keyword.value.value not in seen, f"{where} repeats {seen}"
                seen[keyword.value.value] = where


@pytest.mark.parametrize("path", sources("core"), ids=lambda p: p.name)
def test_the_core_imports_nothing_of_the_layers_above(path: Path) -> None:
    """core/ knows coaching; the store, the services and the faces build on it, never back."""
    above = ("companion.store", "companion.services", "companion.tui", "companion.cli")
    reached = sorted(name for name in imported_modules(path) if name.startswith(above))
    assert not reached, f"{path.name} imports {reached}"


def test_the_top_of_the_package_holds_only_the_layers() -> None:
    loose = sorted(
        path.name
        for path in PACKAGE.glob("*.py")
        if path.name not in {"__init__.py", "__main__.py"}
    )
    assert loose == [], "put each module in core/, store/, services/, tui/ or cli/"
