"""One window per session: the lease the database holds for the process that has it open."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from companion.cli import cli
from companion.core.models import Session
from companion.store import Store
from companion.store.exchange import export_practice
from companion.store.lease import LEASE_STALE_SECONDS, SessionInUse, this_host

AT = datetime(2026, 11, 25, 10, 0)
HOST = this_host()


@pytest.fixture
def session(store: Store) -> Session:
    client, _ = store.get_or_create_client("Ana Lopez")
    assert client.id is not None
    return store.add_session(Session(client_id=client.id, protocol_id="grow", started_at=AT))


def _take(store: Store, session: Session, token: str, *, pid: int | None = None, **kw):
    assert session.id is not None
    return store.take_lease(
        session.id,
        token=token,
        pid=os.getpid() if pid is None else pid,
        host=kw.pop("host", HOST),
        at=kw.pop("at", AT),
    )


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_second_holder_is_refused_with_the_holders_pid_and_host(
    store: Store, session: Session
) -> None:
    lease = _take(store, session, "window-1")
    assert (lease.token, lease.pid, lease.host, lease.taken_at) == (
        "window-1",
        os.getpid(),
        HOST,
        AT,
    )
    with pytest.raises(SessionInUse) as refused:
        _take(store, session, "window-2", at=AT + timedelta(seconds=5))
    assert refused.value.lease == lease
    assert f"pid {os.getpid()} on {HOST}" in str(refused.value)
    assert store.live_lease(session.id, AT) == lease  # type: ignore[arg-type]


def test_the_same_token_takes_it_again_and_renews(store: Store, session: Session) -> None:
    _take(store, session, "window-1")
    again = _take(store, session, "window-1", at=AT + timedelta(seconds=10))
    assert again.taken_at == AT and again.heartbeat_at == AT + timedelta(seconds=10)


def test_a_dead_pid_on_this_host_is_stale_at_once(store: Store, session: Session) -> None:
    _take(store, session, "crashed", pid=_dead_pid())
    assert store.live_lease(session.id, AT) is None  # type: ignore[arg-type]
    lease = _take(store, session, "window-2")
    assert lease.token == "window-2"


def test_an_old_heartbeat_is_stale(store: Store, session: Session) -> None:
    _take(store, session, "window-1", host="laptop-elsewhere")
    late = AT + timedelta(seconds=LEASE_STALE_SECONDS + 1)
    assert store.live_lease(session.id, AT + timedelta(seconds=LEASE_STALE_SECONDS)) is not None  # type: ignore[arg-type]
    assert store.live_lease(session.id, late) is None  # type: ignore[arg-type]
    assert _take(store, session, "window-2", at=late).token == "window-2"


def test_renewing_keeps_it_live(store: Store, session: Session) -> None:
    assert session.id is not None
    _take(store, session, "window-1", host="laptop-elsewhere")
    renewed = AT + timedelta(seconds=40)
    assert store.renew_lease(session.id, "window-1", renewed)
    assert store.live_lease(session.id, renewed + timedelta(seconds=40)) is not None
    assert not store.renew_lease(session.id, "someone-else", renewed)


def test_another_hosts_pid_is_not_checked(store: Store, session: Session) -> None:
    _take(store, session, "window-1", pid=_dead_pid(), host="laptop-elsewhere")
    with pytest.raises(SessionInUse, match="on laptop-elsewhere"):
        _take(store, session, "window-2", at=AT + timedelta(seconds=1))


def test_release_only_by_its_holder(store: Store, session: Session) -> None:
    assert session.id is not None
    _take(store, session, "window-1")
    assert not store.release_lease(session.id, "window-2")
    assert store.live_lease(session.id, AT) is not None
    assert store.release_lease(session.id, "window-1")
    assert store.live_lease(session.id, AT) is None
    assert _take(store, session, "window-2").token == "window-2"


def test_live_leases_for_client(store: Store, session: Session) -> None:
    other = store.add_session(session.model_copy(update={"id": None, "started_at": AT}))
    _take(store, session, "window-1")
    _take(store, other, "window-2", pid=_dead_pid())
    assert [lease.session_id for lease in store.live_leases_for_client(session.client_id, AT)] == [
        session.id
    ]


def test_leases_are_not_exported_and_go_with_the_session(store: Store, session: Session) -> None:
    _take(store, session, "window-1")
    assert "window-1" not in export_practice(store).to_json()
    store.delete_client(session.client_id)
    assert store.db.execute("SELECT count(*) FROM session_leases").fetchone()[0] == 0


def _race(path: str, session_id: int, token: str, start, results) -> None:
    store = Store.open(path)  # each process its own connection
    try:
        start.wait()
        try:
            store.take_lease(session_id, token=token, pid=os.getpid(), host=HOST, at=AT)
            results.put(token)
        except SessionInUse:
            results.put("refused")
    finally:
        store.close()


def test_two_processes_racing_exactly_one_wins(
    store: Store, session: Session, db_path: Path
) -> None:
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    racers = [
        context.Process(target=_race, args=(str(db_path), session.id, f"w{n}", start, results))
        for n in range(4)
    ]
    for racer in racers:
        racer.start()
    start.set()
    outcomes = sorted(results.get(timeout=60) for _ in racers)
    for racer in racers:
        racer.join(timeout=60)
    winners = [o for o in outcomes if o != "refused"]
    assert len(winners) == 1 and outcomes.count("refused") == 3
    # The winner's process is gone now, so its lease is stale: ours takes it.
    assert _take(store, session, "after").token == "after"


# -- forget ----------------------------------------------------------------------------------


def test_forget_is_refused_while_leased(runner: CliRunner, store: Store, session: Session) -> None:
    assert session.id is not None
    _take(store, session, "window-1", at=datetime.now())
    result = runner.invoke(cli, ["forget", "--client", "ana lopez", "--yes"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line == (
        f"companion: Ana Lopez's session is open in companion (pid {os.getpid()} on {HOST}); "
        "close it first"
    )
    assert store.find_client("Ana Lopez") is not None
    store.release_lease(session.id, "window-1")
    result = runner.invoke(cli, ["forget", "--client", "ana lopez", "--yes"])
    assert result.exit_code == 0, result.output
    assert store.db.execute("SELECT count(*) FROM session_periods").fetchone()[0] == 0
