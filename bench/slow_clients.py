"""Slow clients cannot stall the site: hold idle connections open, time ordinary requests.

    .venv/bin/python bench/slow_clients.py [--idle 20] [--port 8125] [--sync]

Starts gunicorn as docs/operations.md serves sanshi (2 workers, gthread, 8 threads each,
`-c python:sanshi.core.gunicorn_conf`) on a scratch SQLite database, or with --sync as the
old `make demo` did (2 sync workers). Then opens N connections that send nothing (idle) and
N that send half a request line and stop (slow), and while they are held open times 10 GETs
of /healthz and of the public home page. Prints each time and the worst; exits non-zero if
the worst is over one second.
"""

# ruff: noqa: S603 - these scripts start our own programs with fixed arguments
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import BIN, Site, free_port

LIMIT = 1.0  # seconds


def hold(port: int, count: int, partial: bool) -> list[socket.socket]:
    held = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if partial:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: never ends
        held.append(s)
    return held


def timed(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        response.read()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--idle", type=int, default=20, help="connections of each kind")
    parser.add_argument("--sync", action="store_true", help="2 sync workers (the old demo)")
    parser.add_argument(
        "--threads", type=int, default=0, help="threads per worker (default: conf's)"
    )
    args = parser.parse_args()

    site = Site(f"sqlite:///{tempfile.mkdtemp(prefix='sanshi-slow-')}/db.sqlite3")
    site.sanshi("migrate", "--noinput", "-v", "0")
    site.sanshi("collectstatic", "--noinput", "-v", "0")
    port = site.port = free_port()
    flags = (
        ["--workers", "2"]
        if args.sync
        else ["--workers", "2", "-c", "python:sanshi.core.gunicorn_conf"]
    )
    if args.threads:
        flags += ["--threads", str(args.threads)]
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "sanshi.wsgi", "--bind", f"127.0.0.1:{port}", *flags],
        env=site.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, float] = {}
    try:
        for _ in range(100):
            try:
                timed(base + "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        # Warm both workers (each imports the app on its first request), a few at once.
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda p: timed(base + p), ["/", "/healthz"] * 8))
        print(f"gunicorn {' '.join(flags)}")
        for kind in ("idle", "slow"):
            results[kind] = phase(base, port, args.idle, partial=kind == "slow")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return 0 if results.get("idle", LIMIT) < LIMIT else 1


def phase(base: str, port: int, count: int, *, partial: bool) -> float:
    """Hold `count` connections (idle, or with half a request sent); the worst of 20 GETs."""
    kind = "slow (half a request line)" if partial else "idle (nothing sent)"
    held = hold(port, count, partial=partial)
    time.sleep(0.5)
    times: list[float] = []
    try:
        for _ in range(10):
            for path in ("/healthz", "/"):
                try:
                    times.append(timed(base + path))
                except OSError:
                    times.append(float("inf"))
    finally:
        for s in held:
            s.close()
    worst = max(times)
    print("  times (s):", " ".join(f"{t:.3f}" for t in times))
    print(
        f"{count} {kind} connections held: worst {worst:.3f} s, "
        f"median {sorted(times)[len(times) // 2]:.3f} s of {len(times)} GETs (limit {LIMIT} s)"
    )
    time.sleep(1)
    return worst


if __name__ == "__main__":
    sys.exit(main())
