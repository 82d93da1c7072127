"""Load bench for `vigil serve`: bounded concurrent /match traffic against a live server on loopback.

    python bench/load.py [--duration 60] [--concurrency 16] [--workers 2] [--batch-rounds 20]

Starts `vigil serve --workers N` on a free loopback port over the current store
(VIGIL_HOME / VIGIL_DATABASE_URL; load the lists first with `vigil update --mirror ../shared/data`),
waits for /readyz, then for `--duration` seconds keeps `--concurrency` requests
in flight, each a one-query POST /match/default with a name drawn from the
lists and from synthetic non-sanctioned people. Reports throughput, p50/p90/p99
latency and errors; then times POST /match with 100 queries per request.
Targets (issue 5): >= 500 req/s, p99 < 50 ms, 0 errors; batch of 100 < 200 ms.

It also reports the CPU seconds used during the load phase by the server (each
worker process, from /proc) and by this load generator, since on one machine
both share the same cores. The default client (`--client raw`) is a minimal
HTTP/1.1 keep-alive client on asyncio (uvloop when installed) that sends
pre-encoded requests and checks each response's status and body, so it takes
as little CPU from the server as possible; `--client httpx` uses httpx.AsyncClient
(~4 ms of CPU per request here, more than the server). The raw client opens its
connections one by one during the 3 s warm-up (`--ramp`; `--ramp 0` opens them in
one burst) and keeps them for the measured run; the per-worker CPU split shows how the
connections spread. `VIGIL_REUSEPORT=0 python bench/load.py ...` measures uvicorn's
shared-socket multiprocess mode instead of vigil's SO_REUSEPORT workers.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VIGIL_SHARED_DATA", ROOT.parent / "shared" / "data"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def queries(n: int = 2000, seed: int = 7) -> list[dict]:
    """Half list names (true hits, many spellings), half synthetic negatives (no hits)."""
    rng = random.Random(seed)
    out = []
    pos = SHARED / "matching_eval" / "yente_positives_un_treated.csv"
    neg = SHARED / "matching_eval" / "yente_validation_negatives_global.csv"
    for path, schema in ((pos, "Person"), (neg, "Person")):
        if path.exists():
            with open(path, newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    props = {"name": [row["full_name"]]}
                    if row.get("date_of_birth") or row.get("dob"):
                        props["birthDate"] = [row.get("date_of_birth") or row.get("dob")]
                    out.append({"schema": schema, "properties": props})
    if not out:
        out = [{"schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}]
    rng.shuffle(out)
    return out[:n]


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (Linux /proc), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """`root` and its descendants (the uvicorn supervisor and its worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class RawConnection:
    """One keep-alive HTTP/1.1 connection; just enough protocol for a JSON POST and its answer."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def post(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        try:
            self.writer.write(request)
            head = await self.reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = None
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:  # our server always sends Content-Length
                raise ValueError("response without Content-Length")
            body = await self.reader.readexactly(length)
            return status, body
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def encode_post(host: str, port: int, path: str, payload: dict) -> bytes:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\n\r\n").encode() + body


async def drive_raw(base: str, qs: list[dict], duration: float, concurrency: int,
                    conns: list[RawConnection] | None = None, ramp: float = 0.0) -> dict:
    """`concurrency` connections, each sending its next request as soon as the last answer is in.

    Pass the same `conns` to the warm-up and the measured run so the connections (and the worker
    each one landed on) carry over. `ramp` opens them one after another over that many seconds,
    as real traffic grows: with one shared listening socket (uvicorn's multiprocess mode,
    VIGIL_REUSEPORT=0), connections opened in one burst against idle workers often all land on
    one worker (seen 16:0), which would then measure one core; vigil's own workers each have an
    SO_REUSEPORT socket and the kernel spreads connections by hash either way.
    """
    url = httpx.URL(base)
    host, port = url.host, url.port or 80
    requests = [encode_post(host, port, "/match/default", {"queries": {"q": q}}) for q in qs]
    if conns is None:
        conns = []
    while len(conns) < concurrency:
        conns.append(RawConnection(host, port))

    async def opening(i: int) -> None:
        if ramp and conns[i].writer is None:
            await asyncio.sleep(ramp * i / concurrency)

    async def send(i: int, k: int) -> bool:
        try:
            status, body = await conns[i].post(requests[k % len(requests)])
            return status == 200 and body.startswith(b'{"responses":{"q":{"status":200')
        except (OSError, ValueError, asyncio.IncompleteReadError):
            return False

    return await closed_loop(send, duration, concurrency, opening)


async def closed_loop(send, duration: float, concurrency: int, opening=None) -> dict:
    """`concurrency` workers, each awaiting `send(worker, k)` (True when answered well) for its next
    request k (worker, worker + concurrency, ...) as soon as the last is in, until `duration` is up;
    `opening(worker)`, if given, is awaited first, outside the timings."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration

    async def worker(i: int) -> None:
        nonlocal errors
        if opening is not None:
            await opening(i)
        k = i
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            ok = await send(i, k)
            k += concurrency
            latencies.append(time.perf_counter() - t)
            if not ok:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    return summary(latencies, errors, elapsed)


def summary(latencies: list[float], errors: int, elapsed: float) -> dict:
    return {
        "requests": len(latencies), "errors": errors, "seconds": round(elapsed, 1),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(latencies, 50) * 1000, 1), "p90_ms": round(pct(latencies, 90) * 1000, 1),
        "p99_ms": round(pct(latencies, 99) * 1000, 1), "max_ms": round(max(latencies) * 1000, 1),
    }


async def drive(base: str, qs: list[dict], duration: float, concurrency: int) -> dict:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        async def send(i: int, k: int) -> bool:
            try:
                r = await client.post("/match/default", json={"queries": {"q": qs[k % len(qs)]}})
                return r.status_code == 200
            except httpx.HTTPError:
                return False

        return await closed_loop(send, duration, concurrency)


def batch_timing(base: str, qs: list[dict], rounds: int) -> dict:
    times = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for r in range(rounds):
            body = {"queries": {f"q{i}": qs[(r * 100 + i) % len(qs)] for i in range(100)}}
            t = time.perf_counter()
            resp = client.post("/match/default", json=body)
            times.append(time.perf_counter() - t)
            resp.raise_for_status()
    return {"rounds": rounds, "median_ms": round(statistics.median(times) * 1000, 1),
            "p90_ms": round(pct(times, 90) * 1000, 1), "max_ms": round(max(times) * 1000, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-rounds", type=int, default=20)
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw",
                    help="load generator: minimal asyncio HTTP/1.1 client (default) or httpx.AsyncClient")
    ap.add_argument("--ramp", type=float, default=1.5,
                    help="raw client: open the connections one by one over this many seconds of the warm-up")
    ap.add_argument("--url", help="Use an already running server instead of starting one (no server CPU figures).")
    args = ap.parse_args()

    proc = None
    base = args.url
    if base is None:
        vigil = shutil.which("vigil") or sys.exit("the `vigil` command is not installed")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "VIGIL_RELOAD_INTERVAL": "0"}
        proc = subprocess.Popen([vigil, "serve", "--port", str(port), "--workers", str(args.workers),
                                 "--log-level", "warning"], env=env)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc is not None and proc.poll() is not None:
                sys.exit("vigil serve exited; is the store loaded (`vigil update --mirror ../shared/data`)?")
            if time.monotonic() > deadline:
                sys.exit("server not ready after 300 s")
            time.sleep(0.5)
        # with several workers, make sure every worker has its index before timing
        time.sleep(2)
        qs = queries()
        run = asyncio.run
        if args.client == "raw":
            try:
                import uvloop

                run = uvloop.run
            except ImportError:
                pass

            async def both():  # one event loop: the connections opened in the warm-up carry over
                conns: list[RawConnection] = []
                await drive_raw(base, qs, 3.0, args.concurrency, conns, ramp=args.ramp)
                marks["server"] = {pid: cpu_seconds(pid) for pid in server}
                marks["client"] = time.process_time()
                result = await drive_raw(base, qs, args.duration, args.concurrency, conns)
                for conn in conns:
                    conn.close()
                return result
        else:
            async def both():
                await drive(base, qs, 3.0, args.concurrency)
                marks["server"] = {pid: cpu_seconds(pid) for pid in server}
                marks["client"] = time.process_time()
                return await drive(base, qs, args.duration, args.concurrency)

        marks: dict = {}
        server = process_tree(proc.pid) if proc is not None else []
        load = run(both())
        server_cpu = marks["server"]
        client_cpu = time.process_time() - marks["client"]
        per_process = sorted((round(cpu_seconds(pid) - before, 1) for pid, before in server_cpu.items()), reverse=True)
        load["cpu_seconds"] = {
            "server": round(sum(per_process), 1), "server_per_process": per_process,
            "client": round(client_cpu, 1), "wall": load["seconds"],
        }
        if load["requests"]:
            load["cpu_ms_per_request"] = {
                "server": round(sum(per_process) / load["requests"] * 1000, 2),
                "client": round(client_cpu / load["requests"] * 1000, 2),
            }
        batch = batch_timing(base, qs, args.batch_rounds)
        report = {"workers": args.workers, "concurrency": args.concurrency, "client": args.client,
                  "match_one_query": load, "match_batch_of_100": batch, "cpus": os.cpu_count(),
                  "load_average_1min": round(os.getloadavg()[0], 1)}
        print(json.dumps(report, indent=2))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
