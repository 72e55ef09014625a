"""The store is one real door (issue 8 point 1).

Outside companion/store/ nothing talks SQL or reaches the store's connection; outside store.py
nothing reaches a private member of a Store (the rest of the store reads and writes through
`Store.reading()` and `Store.writing()`); the row helpers live in store/rows.py; sqlite-utils'
private members stay private. The source scans fail with the file and line of a shortcut.
"""

from __future__ import annotations

import ast
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.core.models import Client
from companion.store import Store, StoreError
from companion.store.rows import record_row

PACKAGE = Path(__file__).resolve().parent.parent / "companion"
STORE = PACKAGE / "store"

# Statements as written in this code base: the keyword in capitals, then what makes it SQL.
SQL = re.compile(
    r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM"
    r"|CREATE\s+(TABLE|INDEX|TRIGGER|VIEW|VIRTUAL)|DROP\s+(TABLE|INDEX|TRIGGER|VIEW)"
    r"|ALTER\s+TABLE|PRAGMA\s+\w+|BEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)|VACUUM\b)"
)
# Methods of a connection or a sqlite-utils Database/Table that run SQL.
SQL_CALLS = {"execute", "executemany", "executescript", "rows_where", "insert_all", "upsert_all"}


def sources(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def outside_store() -> list[Path]:
    return [path for path in sources(PACKAGE) if STORE not in path.parents]


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(PACKAGE.parent).as_posix()}:{getattr(node, 'lineno', '?')}"


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def name_of(node: ast.AST) -> str:
    """The last name in an expression: `store` for `store`, `self.store` or `app.store`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def is_store(node: ast.AST) -> bool:
    return name_of(node).lower().lstrip("_").endswith("store")


def docstrings(module: ast.Module) -> set[int]:
    """The ids of the module's, classes' and functions' docstring constants (prose, not SQL)."""
    found: set[int] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def sql_in(source: str, name: str = "<source>") -> Iterator[str]:
    """Where SOURCE runs SQL, writes an SQL statement or reaches a store's connection."""
    module = ast.parse(source, filename=name)
    prose = docstrings(module)
    for node in ast.walk(module):
        line = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SQL_CALLS:
                yield f"{line}: .{node.func.attr}(...) runs SQL"
        elif isinstance(node, ast.Attribute) and node.attr in {"db", "conn"}:
            if is_store(node.value):
                yield f"{line}: reaches {name_of(node.value)}.{node.attr}"
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in prose
            and SQL.search(node.value)
        ):
            yield f"{line}: an SQL statement: {node.value.strip()[:60]!r}"


def test_the_sql_scan_sees_sql_and_the_connection() -> None:
    """The scan itself: what it must catch, and what it must let be (Textual's DOM query,
    prose in a docstring, a --db option)."""
    probe = (
        "def f(store, app, self, options):\n"
        '    """Runs SELECT count(*) FROM clients, in prose."""\n'
        '    store.db.execute("SELECT count(*) FROM clients")\n'
        "    app.store.db\n"
        "    self._store.conn\n"
        '    self.query("#score")\n'
        "    options.db\n"
        '    sql = "DELETE FROM notes WHERE session_id = ?"\n'
    )
    found = [line.split(": ", 1)[1] for line in sql_in(probe)]
    assert sorted(found) == [
        ".execute(...) runs SQL",
        "an SQL statement: 'DELETE FROM notes WHERE session_id = ?'",
        "an SQL statement: 'SELECT count(*) FROM clients'",
        "reaches _store.conn",
        "reaches store.db",
        "reaches store.db",
    ]


@pytest.mark.parametrize("path", outside_store(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_sql_outside_the_store(path: Path) -> None:
    name = path.relative_to(PACKAGE.parent).as_posix()
    found = list(sql_in(path.read_text(encoding="utf-8"), name))
    assert not found, "ask the store (companion/store/) instead:\n" + "\n".join(found)


def private_store_members(path: Path) -> Iterator[str]:
    for node in ast.walk(tree(path)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and is_store(node.value)
        ):
            yield f"{where(path, node)}: {name_of(node.value)}.{node.attr}"


def test_nothing_outside_store_py_reaches_a_stores_private_members() -> None:
    found = [
        line
        for path in sources(PACKAGE)
        if path != STORE / "store.py"
        for line in private_store_members(path)
    ]
    assert not found, "use Store.reading() / Store.writing() or a Store method:\n" + "\n".join(
        found
    )


def test_the_private_member_scan_sees_them() -> None:
    module = ast.parse("store._lock\nself.store._row\napp.store._x\nself._store.read_only\n")
    hits = [
        node.attr
        for node in ast.walk(module)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and is_store(node.value)
    ]
    assert sorted(hits) == ["_lock", "_row", "_x"]


def test_no_private_names_imported_from_the_store_module() -> None:
    """What the rest of the store needs from store.py is public; row helpers come from rows."""
    found = []
    for path in sources(PACKAGE):
        for node in ast.walk(tree(path)):
            if not isinstance(node, ast.ImportFrom) or node.module is None:
                continue
            if node.module in {"store", "companion.store.store", "companion.store"} or (
                node.level and node.module == "store"
            ):
                found += [
                    f"{where(path, node)}: {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert not found, "\n".join(found)


# What only a row helper does: a model dumped as a row, a tuple zipped into a model, the
# session's agreement spread over (or gathered from) its columns.
ROW_WORK = re.compile(
    r"model_dump\(mode=\"json\"|dict\(zip\(|\[\"agreement_\w+\"\]|\"agreement_\w+\"\)"
)


def test_row_helpers_live_in_rows() -> None:
    found = [
        f"{path.relative_to(PACKAGE).as_posix()}:{number}: {line.strip()}"
        for path in sources(STORE)
        if path.name not in {"rows.py", "schema.py"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ROW_WORK.search(line)
    ]
    assert not found, "use (or add) a helper in companion/store/rows.py:\n" + "\n".join(found)


def test_the_row_helpers_scan_sees_them() -> None:
    rows = (STORE / "rows.py").read_text(encoding="utf-8")
    assert len(ROW_WORK.findall(rows)) >= 7


def test_sqlite_utils_private_members_stay_private() -> None:
    found = [
        f"{path.relative_to(PACKAGE).as_posix()}:{number}: {line.strip()}"
        for path in sources(PACKAGE)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"migrations\._\w", line)
    ]
    assert not found, "\n".join(found)


# -- the door itself ---------------------------------------------------------------------------


@pytest.fixture
def door() -> Iterator[Store]:
    store = Store.memory()
    yield store
    store.close()


def test_writing_is_all_or_nothing(door: Store) -> None:
    with pytest.raises(RuntimeError, match="changed my mind"), door.writing() as db:
        door.add_client(Client(name="Ana"))
        db["clients"].insert(record_row(Client(name="Ben")))
        assert door.client_count() == 2
        raise RuntimeError("changed my mind")
    assert door.client_count() == 0
    with door.writing():
        door.add_client(Client(name="Ana"))
    assert [client.name for client in door.clients()] == ["Ana"]


def test_writing_turns_a_refused_write_into_a_store_error(door: Store) -> None:
    ana = door.add_client(Client(name="Ana"))
    with pytest.raises(StoreError) as raised, door.writing() as db:
        db["clients"].insert(record_row(Client(name="Ben")))
        db["clients"].insert(record_row(ana))  # the same id again: SQLite refuses
    assert isinstance(raised.value.__cause__, sqlite3.IntegrityError)
    assert "refused the change" in str(raised.value)
    assert [client.name for client in door.clients()] == ["Ana"]  # Ben went with it


def test_writing_without_a_transaction_still_words_refusals(door: Store) -> None:
    with door.writing(transaction=False) as db:
        assert not db.conn.in_transaction
    with pytest.raises(StoreError) as raised, door.writing(transaction=False) as db:
        db.execute("SELECT * FROM no_such_table")
    assert isinstance(raised.value.__cause__, sqlite3.OperationalError)


def test_reading_leaves_sqlites_errors_as_they_are(door: Store) -> None:
    with pytest.raises(sqlite3.OperationalError), door.reading() as db:
        db.execute("SELECT * FROM no_such_table")


def test_the_door_is_reentrant_and_savepoints_nest(door: Store) -> None:
    with door.writing() as outer:
        door.add_client(Client(name="Ana"))
        with door.reading() as inner:
            assert inner is outer
            with pytest.raises(RuntimeError), door.writing() as nested:
                nested["clients"].insert(record_row(Client(name="Ben")))
                raise RuntimeError("only the inner part")
            with door.writing():
                door.add_client(Client(name="Cleo"))
    assert sorted(client.name for client in door.clients()) == ["Ana", "Cleo"]


def test_the_door_holds_other_threads_off(door: Store) -> None:
    entered = threading.Event()
    done = threading.Event()

    def other() -> None:
        entered.set()
        with door.reading():
            done.set()

    with door.writing():
        thread = threading.Thread(target=other)
        thread.start()
        assert entered.wait(5)
        assert not done.wait(0.2), "another thread got in while the door was held"
    assert done.wait(5)
    thread.join(5)
