"""A bounded HTTP load on loopback, run in its own process (stdlib only).

Two shapes: `closed` (N workers, each sending the next request when the last returns: the
most the server can do) and `open` (requests started on a fixed schedule, R per second:
latency at a given rate; latency counts from the scheduled start, so a slow server cannot
hide its queue). Both stop at a fixed request count or a time limit, whichever comes first.
"""

from __future__ import annotations

import json
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

Request = tuple[str, str, bytes, dict[str, str]]  # method, path, body, headers


@dataclass
class Outcome:
    status: int  # 0: the connection failed
    latency: float


def send(host: str, port: int, request: Request) -> int:
    """One request on a new connection; the status of a whole response (0: the connection
    failed, or the response was cut short).

    Written on a plain socket rather than http.client, and the client half-closes the
    connection once its request is sent (the request is whole: its Content-Length says so).
    The load's CPU time comes out of the same two cores as the server's, and gunicorn's sync
    worker lingers after each response until the client has closed its side: with
    http.client the workers waited there for the load process to be scheduled (about a tenth
    of their time, docs/benchmarks.md, session 9)."""
    method, path, body, headers = request
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    message = (
        f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        f"Content-Length: {len(body)}\r\n{head}\r\n"
    ).encode() + body
    received = bytearray()
    try:
        with socket.create_connection((host, port), timeout=30) as sock:
            sock.sendall(message)
            sock.shutdown(socket.SHUT_WR)
            while chunk := sock.recv(65536):
                received += chunk
    except OSError:
        return 0
    return whole_status(bytes(received))


def whole_status(response: bytes) -> int:
    """The status code of an HTTP/1.1 response read to the end of its connection, or 0 where
    it is not one or its body is shorter than its Content-Length."""
    head, sep, body = response.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not sep or not lines[0].startswith(b"HTTP/1.") or len(lines[0]) < 12:
        return 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and len(body) < int(value):
            return 0
    return int(lines[0][9:12])


def closed_loop(
    base: str, make: Callable[[int], Request], *, requests: int, workers: int, time_limit: float
) -> tuple[list[Outcome], float]:
    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    start = time.perf_counter()
    deadline = start + time_limit

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            t0 = time.perf_counter()
            status = send(host, port, make(i))
            with lock:
                outcomes.append(Outcome(status, time.perf_counter() - t0))

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes, time.perf_counter() - start


def open_loop(
    base: str, make: Callable[[int], Request], *, requests: int, rate: float, time_limit: float
) -> tuple[list[Outcome], float]:
    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    start = time.perf_counter()

    def one(i: int, scheduled: float) -> None:
        status = send(host, port, make(i))
        with lock:
            outcomes.append(Outcome(status, time.perf_counter() - scheduled))

    with ThreadPoolExecutor(max_workers=64) as pool:
        for i in range(requests):
            scheduled = start + i / rate
            if scheduled > start + time_limit:
                break
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, i, scheduled)
    return outcomes, time.perf_counter() - start


def summary(outcomes: list[Outcome], elapsed: float, expect: int) -> dict[str, Any]:
    ok = [o.latency for o in outcomes if o.status == expect]
    latencies = sorted(o.latency for o in outcomes)

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    statuses: dict[str, int] = {}
    for o in outcomes:
        statuses[str(o.status)] = statuses.get(str(o.status), 0) + 1
    return {
        "sent": len(outcomes),
        "created": len(ok),
        "errors": len(outcomes) - len(ok),
        "statuses": statuses,
        "elapsed_s": round(elapsed, 2),
        "created_per_s": round(len(ok) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else float("nan"),
    }


def combined(parts: list[dict[str, Any]], expect: int) -> dict[str, Any]:
    """One summary of several phases run with `raw` (slices of one closed loop)."""
    outcomes = [Outcome(status, latency) for p in parts for status, latency in p["outcomes"]]
    return summary(outcomes, sum(p["elapsed"] for p in parts), expect)


def main() -> None:
    """`python -m bench.load SPEC_JSON`: run one phase, print its summary as JSON."""
    from bench.targets import request_maker

    spec = json.loads(sys.argv[1])
    make = request_maker(spec)
    if spec["shape"] == "closed":
        outcomes, elapsed = closed_loop(
            spec["base"],
            make,
            requests=spec["requests"],
            workers=spec["workers"],
            time_limit=spec["time_limit"],
        )
    else:
        outcomes, elapsed = open_loop(
            spec["base"],
            make,
            requests=spec["requests"],
            rate=spec["rate"],
            time_limit=spec["time_limit"],
        )
    result = summary(outcomes, elapsed, spec["expect"])
    if spec.get("raw"):  # for combined(): every outcome and the unrounded time
        result.update(outcomes=[(o.status, o.latency) for o in outcomes], elapsed=elapsed)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
