"""Notifications: command on stdin and webhook, retried with backoff; undelivered alerts stay in the outbox."""
from __future__ import annotations

import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from typer.testing import CliRunner

from vigil.cli.main import app
from vigil.monitor import Monitor, Notifier, deliver, import_book
from vigil.monitor.notify import pending

from monitor_data import AMEZCUA, BOOK, SOLEIMANI, publish


@pytest.fixture
def raised(store, tmp_path):
    path = tmp_path / "book.csv"
    path.write_text(BOOK)
    import_book("retail", path, engine=store.engine)
    publish(store, SOLEIMANI, AMEZCUA)
    report = Monitor(store).run()
    assert len(report.alerts) == 2
    return report


class _Receiver(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["content-length"]))
        type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    _Receiver.status = 200
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver
    server.shutdown()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_notify_cmd_gets_alerts_on_stdin(store, raised, tmp_path):
    out = tmp_path / "got.json"
    script = tmp_path / "hook.py"
    script.write_text(f"import sys, pathlib; pathlib.Path({str(out)!r}).write_bytes(sys.stdin.buffer.read())\n")
    report = deliver(store.engine, Notifier(notify_cmd=f"{sys.executable} {script}"))
    assert report.delivered == 2 and report.failed == 0
    doc = json.loads(out.read_text())
    assert {e["id"] for e in doc["events"]} == set(raised.alerts)
    assert {e["event"] for e in doc["events"]} == {"alert.raised"}
    assert {e["entity_id"] for e in doc["events"]} == {"ofac-10481", "ofac-6704"}
    assert pending(store.engine) == []
    assert deliver(store.engine, Notifier(notify_cmd=f"{sys.executable} {script}")).delivered == 0  # sent once


def test_failing_webhook_is_retried_and_nothing_is_lost(store, raised, receiver):
    waits: list[float] = []
    dead = Notifier(webhook=f"http://127.0.0.1:{_free_port()}/hook", retries=3, backoff=0.5, timeout=2,
                    sleep=waits.append)
    report = deliver(store.engine, dead)
    assert report.delivered == 0 and report.failed == 2 and report.errors
    assert waits == [0.5, 1.0]  # exponential backoff between the three attempts
    left = pending(store.engine)
    assert len(left) == 2 and all(r["attempts"] == 1 and r["last_error"] for r in left)

    url, handler = receiver
    handler.status = 500  # the receiver is up but failing: still kept
    assert deliver(store.engine, Notifier(webhook=url, retries=2, sleep=lambda s: None)).failed == 2
    handler.status = 200
    ok = deliver(store.engine, Notifier(webhook=url, sleep=lambda s: None))
    assert ok.delivered == 2 and pending(store.engine) == []
    assert {e["id"] for e in handler.received[-1]["events"]} == set(raised.alerts)


def test_monitor_run_cli_notifies(store, tmp_path, receiver, monkeypatch):
    url, handler = receiver
    path = tmp_path / "book.csv"
    path.write_text(BOOK)
    runner = CliRunner()
    assert runner.invoke(app, ["book", "import", "retail", str(path)]).exit_code == 0
    publish(store, SOLEIMANI)
    res = runner.invoke(app, ["monitor", "run", "--webhook", url, "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert len(doc["run"]["alerts"]) == 1 and doc["notifications"]["delivered"] == 1
    assert handler.received[0]["events"][0]["customer_name"] == "Qasem Soleimani"
