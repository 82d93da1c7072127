"""`vigil serve --workers 2` as real processes on loopback: connections spread over both workers
(each owns its own SO_REUSEPORT socket), SIGHUP reloads every worker, a killed worker is replaced,
SIGTERM stops everything with the screening log flushed, and a taken port is a clear error."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vigil.api.workers import reuseport_available

pytestmark = pytest.mark.skipif(not reuseport_available(), reason="SO_REUSEPORT balancing needs Linux")

ENTITIES = [
    {"id": "vw-1", "schema": "Person", "properties": {"name": ["Qasem Soleimani"], "birthDate": ["1957"]}},
    {"id": "vw-2", "schema": "Person", "properties": {"name": ["Zebulon Quartermaine"]}},
    {"id": "vw-3", "schema": "Organization", "properties": {"name": ["Acme Shipping Holdings"]}},
]
LATER = {"id": "vw-4", "schema": "Person", "properties": {"name": ["Ottoline Brackenbury-Vance"]}}
CONNECTIONS = 32  # all on one of two sockets by chance: 2 in 2**32


def _write(path: Path, entities: list[dict]) -> Path:
    path.write_text("".join(json.dumps({**e, "datasets": ["vw_test"]}) + "\n" for e in entities))
    return path


@pytest.fixture
def store(vigil_home, tmp_path):
    from vigil.store import Store

    s = Store()
    s.ingest_file("ftm", _write(tmp_path / "entities.ftm.jsonl", ENTITIES))
    yield s
    s.engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(home: Path, port: int, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_RELOAD_INTERVAL": "0"}  # reloads only on request
    return subprocess.Popen([sys.executable, "-c", "from vigil.cli.main import main; main()", "serve",
                             "--port", str(port), "--workers", "2", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.add(int(entry.name))
    return out


def _wait_for_workers(proc: subprocess.Popen, count: int = 2, exclude: set[int] = frozenset()) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read().decode()
        kids = _children(proc.pid)
        if len(kids) == count and not kids & exclude:
            return kids
        time.sleep(0.2)
    raise AssertionError(f"workers not started: {_children(proc.pid)}")


def _owner(server_port: int, client_port: int, pids: set[int]) -> int | None:
    """The process holding the server side of the loopback connection from `client_port` (Linux /proc)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        if int(f[1].split(":")[1], 16) == server_port and int(f[2].split(":")[1], 16) == client_port:
            inode = f[9]
    assert inode is not None and inode != "0", "server side of the connection not found"
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def _match(conn: http.client.HTTPConnection, name: str) -> str | None:
    body = json.dumps({"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}})
    conn.request("POST", "/match/default", body, {"content-type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    assert r.status == 200, data
    results = json.loads(data)["responses"]["q"]["results"]
    return results[0]["id"] if results else None


def _connections(port: int) -> list[http.client.HTTPConnection]:
    # the first request may wait in the socket's queue while that worker still loads its index
    return [http.client.HTTPConnection("127.0.0.1", port, timeout=120) for _ in range(CONNECTIONS)]


def _stop(proc: subprocess.Popen) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=120)
    return proc.returncode, out.decode()


def _logged(store) -> int:
    from sqlalchemy import text

    with store.engine.connect() as c:
        return c.execute(text("select count(*) from screening_log")).scalar_one()


def test_connections_spread_reload_reaches_every_worker_and_sigterm_flushes(store, vigil_home, tmp_path):
    port = _free_port()
    proc = _serve(vigil_home, port)
    try:
        workers = _wait_for_workers(proc)
        conns = _connections(port)
        sent = 0
        for conn in conns:
            assert _match(conn, "Qasem Soleimani") == "vw-1"
            sent += 1
        owners = {_owner(port, conn.sock.getsockname()[1], workers) for conn in conns}
        assert owners == workers  # both workers answer on kept-alive connections

        # SIGHUP to the supervisor: every worker reloads in place (same processes, same connections)
        store.ingest_file("ftm", _write(tmp_path / "later.ftm.jsonl", ENTITIES + [LATER]))
        for conn in conns:  # the ingest can outlast uvicorn's 5 s keep-alive on a busy machine: use them again
            assert _match(conn, "Qasem Soleimani") == "vw-1"
            sent += 1
        proc.send_signal(signal.SIGHUP)
        pending = list(conns)
        deadline = time.monotonic() + 120
        while pending and time.monotonic() < deadline:
            still = []
            for conn in pending:
                sent += 1
                if _match(conn, "Ottoline Brackenbury-Vance") != "vw-4":
                    still.append(conn)
            pending = still
            time.sleep(0.2)
        assert not pending, f"{len(pending)} connections still on the old index"
        assert _children(proc.pid) == workers
        for conn in conns:
            conn.close()

        # a second server on the same port is refused instead of joining the SO_REUSEPORT group (checked last:
        # it takes seconds on a busy machine, longer than uvicorn keeps an idle connection open)
        other = subprocess.run([sys.executable, "-c", "from vigil.cli.main import main; main()", "serve",
                                "--port", str(port), "--workers", "2"], capture_output=True, text=True, timeout=120,
                               env={**os.environ, "VIGIL_HOME": str(vigil_home)})
        assert other.returncode == 1 and "already in use" in other.stderr

        code, out = _stop(proc)
        assert code == 0, out
        assert not _children(proc.pid) and not any(Path(f"/proc/{pid}").exists() for pid in workers)
        assert "Application shutdown complete" in out
        assert _logged(store) == sent  # every answered query on record after SIGTERM
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_killed_worker_is_replaced_on_its_socket(store, vigil_home):
    port = _free_port()
    proc = _serve(vigil_home, port)
    try:
        workers = _wait_for_workers(proc)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        replaced = _wait_for_workers(proc, exclude={victim})
        assert replaced - workers and workers - replaced == {victim}
        conns = _connections(port)
        for conn in conns:  # connections hashed to the victim's socket wait for its replacement
            assert _match(conn, "Zebulon Quartermaine") == "vw-2"
        assert {_owner(port, conn.sock.getsockname()[1], replaced) for conn in conns} == replaced
        for conn in conns:
            conn.close()
        code, out = _stop(proc)
        assert code == 0, out
        assert "died unexpectedly" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_port_in_use_is_a_clear_error(vigil_home):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = subprocess.run([sys.executable, "-c", "from vigil.cli.main import main; main()", "serve",
                            "--port", str(port), "--workers", "2"], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "VIGIL_HOME": str(vigil_home)})
    assert r.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in r.stderr
