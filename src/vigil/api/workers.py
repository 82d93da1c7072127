"""`vigil serve --workers N` on Linux: N uvicorn servers, each accepting from its own socket.

uvicorn's multiprocess mode has every worker accept from one shared listening socket; keep-alive
connections opened in a burst often all land on one worker (16:0 seen), which then serves alone
on one core. Here the supervisor binds N listening sockets on the same host:port with
SO_REUSEPORT, so the kernel hashes each new connection to one of them, and hands socket i to
worker i (`python -m vigil.api.workers`, running `uvicorn.Server(config).run(sockets=[sock])`).

The supervisor keeps its copy of every socket: a worker that dies is restarted on the same
socket, and connections queued on it wait for the replacement instead of being reset. It
forwards SIGINT/SIGTERM as SIGTERM (each worker shuts down gracefully and flushes its screening
log) and SIGHUP (each worker reloads its index in place). Workers run in their own process
groups so a terminal's Ctrl-C reaches them once, through the supervisor, and they stop by
themselves if the supervisor disappears.
"""
from __future__ import annotations

import errno
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time

log = logging.getLogger("uvicorn.error")

STARTUP_FAILURE = 3  # uvicorn's exit code for a server that failed before serving
APP = "vigil.api.app:create_app"
SHUTDOWN_TIMEOUT = 90.0  # the screening-log recorder retries a refused write for up to 30 s


class PortInUse(OSError):
    pass


def reuseport_available() -> bool:
    """SO_REUSEPORT load-balances connections on Linux only (elsewhere it just allows sharing)."""
    if not sys.platform.startswith("linux") or not hasattr(socket, "SO_REUSEPORT"):
        return False
    try:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        return True
    except OSError:
        return False


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def bind_sockets(host: str, port: int, count: int, backlog: int = 2048) -> list[socket.socket]:
    """`count` listening sockets on host:port in one SO_REUSEPORT group; PortInUse if anything holds the port.

    SO_REUSEPORT lets any process of the same user join an existing group, so a plain bind is
    tried first: it fails if anything listens there (another `vigil serve` included) rather
    than silently sharing its connections.
    """
    host = host.strip("[]")
    family = _family(host)
    probe_port(host, port)
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            _bind(sock, host, port)  # (PortInUse also if taken between the probe and here)
            sock.listen(backlog)
            sock.set_inheritable(True)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def probe_port(host: str, port: int) -> None:
    """PortInUse (or another OSError) now if host:port cannot be listened on, before anything slow starts."""
    host = host.strip("[]")
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT, like uvicorn
        _bind(probe, host, port)


def _bind(sock: socket.socket, host: str, port: int) -> None:
    try:
        sock.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(exc.errno, f"{host}:{port} is already in use") from None
        raise


class Worker:
    def __init__(self, index: int, sock: socket.socket, options: dict):
        self.index, self.sock, self.options = index, sock, options
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.quick_deaths = 0  # consecutive deaths soon after start, for the restart back-off
        self.restart_at: float | None = None

    def start(self) -> None:
        fd = self.sock.fileno()
        cmd = [sys.executable, "-m", "vigil.api.workers", "--fd", str(fd), "--parent", str(os.getpid()),
               "--options", json.dumps(self.options)]
        # own process group: a terminal's Ctrl-C goes to the supervisor only, which forwards it once
        self.proc = subprocess.Popen(cmd, pass_fds=(fd,), process_group=0)
        self.started_at = time.monotonic()
        self.restart_at = None

    def signal(self, sig: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass


def supervise(host: str, port: int, workers: int, options: dict) -> int:
    """Run `workers` worker processes on SO_REUSEPORT sockets until SIGINT/SIGTERM; the exit code.

    `options` are uvicorn.Config keyword arguments (log_level, access_log ...), JSON-serialisable.
    Raises PortInUse before starting anything if host:port is taken.
    """
    sockets = bind_sockets(host, port, workers)
    pending: list[int] = []
    previous = {sig: signal.signal(sig, lambda s, _f: pending.append(s))
                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    pool = [Worker(i, sock, options) for i, sock in enumerate(sockets)]
    code = 0
    try:
        log.info("Started parent process [%d]: %d workers, one SO_REUSEPORT socket each", os.getpid(), workers)
        for w in pool:
            w.start()
        stopping = False
        while not stopping:
            time.sleep(0.2)
            while pending:
                sig = pending.pop(0)
                if sig == signal.SIGHUP:
                    if stopping:  # a worker past its lifespan has SIGHUP's default action again: fatal
                        continue
                    log.info("Received SIGHUP, reloading the index in every worker.")
                    for w in pool:
                        w.signal(signal.SIGHUP)
                else:
                    log.info("Received %s, stopping the workers.", signal.Signals(sig).name)
                    stopping = True
            if stopping:
                break
            now = time.monotonic()
            for w in pool:
                if w.restart_at is not None:
                    if now >= w.restart_at:
                        w.start()
                        log.info("Restarted worker %d as process [%d]", w.index, w.proc.pid)
                    continue
                rc = w.proc.poll()
                if rc is None:
                    continue
                if rc == STARTUP_FAILURE:
                    log.error("Worker process [%d] failed to start (see above); stopping.", w.proc.pid)
                    code, stopping = 1, True
                    break
                # back off when a worker keeps dying right after start, but never give up on a socket
                w.quick_deaths = w.quick_deaths + 1 if now - w.started_at < 30 else 0
                delay = min(30.0, 0.5 * 2 ** w.quick_deaths) if w.quick_deaths else 0.0
                log.error("Worker process [%d] died unexpectedly (exit code %s); restarting%s.", w.proc.pid, rc,
                          f" in {delay:.0f} s" if delay >= 1 else "")
                w.restart_at = now + delay
        for w in pool:
            w.signal(signal.SIGTERM)
        deadline = time.monotonic() + SHUTDOWN_TIMEOUT
        for w in pool:
            if w.proc is None:
                continue
            try:
                w.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error("Worker process [%d] did not stop in %.0f s; killing it.", w.proc.pid, SHUTDOWN_TIMEOUT)
                w.proc.kill()
                w.proc.wait()
                code = 1
        log.info("Stopping parent process [%d]", os.getpid())
        return code
    finally:
        for w in pool:  # an exception above must not leave workers behind
            if w.proc is not None and w.proc.poll() is None:
                w.proc.kill()
                w.proc.wait()
        for sock in sockets:
            sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _exit_with(parent: int) -> None:
    """Shut down gracefully (SIGTERM to self) when the supervisor is gone, e.g. SIGKILLed."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
            return


def worker_main(argv: list[str] | None = None) -> None:
    # SIGHUP's default action kills the process; ignore it until the app installs its reload
    # handler (a worker still starting up loads the current store anyway)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    import argparse

    import uvicorn

    ap = argparse.ArgumentParser(prog="python -m vigil.api.workers")
    ap.add_argument("--fd", type=int, required=True)
    ap.add_argument("--parent", type=int, required=True)
    ap.add_argument("--options", default="{}")
    args = ap.parse_args(argv)
    sock = socket.socket(fileno=args.fd)
    config = uvicorn.Config(APP, factory=True, **json.loads(args.options))
    server = uvicorn.Server(config)
    threading.Thread(target=_exit_with, args=(args.parent,), daemon=True, name="vigil-parent-watch").start()
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


if __name__ == "__main__":
    worker_main()
