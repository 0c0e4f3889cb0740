"""Faults while concerns come in: nothing acknowledged is lost, nothing is stored twice, and
no client ever gets a 500.

    .venv/bin/python bench/faults.py [--fault kill|terminate|both] [--creates 400] [--clients 4]
                                     [--kill-every 2] [--terminate-every 1.5]

`--fault kill` SIGKILLs a gunicorn worker every `--kill-every` seconds; `--fault terminate` ends
every PostgreSQL backend of the site's database (pg_terminate_backend, as a restart or a
failover does) every `--terminate-every` seconds; `both` does the two at once.

sanshi on a scratch PostgreSQL database behind gunicorn (2 workers). `--clients` threads send
`--creates` concerns in all, half through the JSON API and half through Open311, each with its
own Idempotency-Key. A request that gets no whole answer (its worker was killed) or a 5xx is
sent again with the same key until it is answered 201 (created) or 200 (the first answer,
replayed). Meanwhile a SIGKILL hits one gunicorn worker every `--kill-every` seconds (the
master starts a new one). At the end the database is read: every acknowledged concern must be
there, and no key may have made two. Prints acknowledged / stored / duplicated / missing and
exits 1 if any concern is missing or duplicated.
"""

# ruff: noqa: S311 - random only picks which worker to kill
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import Request
from bench.server import Site, drop_postgres, scratch_postgres
from bench.targets import request_maker


def answer(base: str, request: Request) -> tuple[int, bytes]:
    """Send one request on a new connection; (status, body), status 0 if cut short."""
    import http.client

    url = urlsplit(base)
    method, path, body, headers = request
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        conn.close()


def concern_id(target: str, body: bytes) -> int:
    data = json.loads(body)
    if target == "sanshi-api":
        return int(data["concern"]["id"])
    return int(data[0]["service_request_id"])


def with_key(make: Callable[[int], Request], target: str, tag: str) -> Callable[[int], Request]:
    """Every request with its own Idempotency-Key (the API's maker sets one already)."""
    if target == "sanshi-api":
        return make

    def keyed(i: int) -> Request:
        method, path, body, headers = make(i)
        return method, path, body, {**headers, "Idempotency-Key": f"{tag}-{i}"}

    return keyed


def workers_of(master: int) -> list[int]:
    """The gunicorn master's child processes (its workers)."""
    children = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(proc.name))
    return children


def killer(master: int, every: float, stop: threading.Event, killed: list[int]) -> None:
    while not stop.wait(every):
        workers = workers_of(master)
        if workers:
            victim = random.choice(workers)
            try:
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
            except ProcessLookupError:
                pass


def terminator(dbname: str, every: float, stop: threading.Event, ended: list[int]) -> None:
    """End every backend connected to the site's database, again and again."""
    import psycopg

    from bench.server import PG_ADMIN_URL

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        while not stop.wait(every):
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [dbname],
            ).fetchall()
            ended.append(len(rows))


def run(args: argparse.Namespace) -> dict[str, Any]:
    name = f"sanshi_faults_{os.getpid()}"
    site = Site(
        scratch_postgres(name), extra_env={"SANSHI_API_RATE": "0", "SANSHI_OPEN311_RATE": "0"}
    )
    try:
        site.prepare()
        token = site.token("dispatcher", "faults")
        key = site.sanshi("open311-key", "create", "faults").strip().splitlines()[-1]
        base = site.serve(workers=2)
        assert site.proc is not None  # noqa: S101 - serve() started it
        makers = {
            target: with_key(
                request_maker({"target": target, "tag": "kill", "token": secret}), target, "kill"
            )
            for target, secret in (("sanshi-api", token), ("sanshi-open311", key))
        }
        acknowledged: dict[tuple[str, int], int] = {}
        retries = [0]
        errors: dict[int, int] = {}  # 5xx answers by status (503 expected, 500 never)
        lock = threading.Lock()

        def create(i: int) -> None:
            target = "sanshi-api" if i % 2 else "sanshi-open311"
            request = makers[target](i)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                status, body = answer(base, request)
                if status in (200, 201):
                    with lock:
                        acknowledged[(target, i)] = concern_id(target, body)
                    return
                if 400 <= status < 500:
                    raise RuntimeError(f"{target} {i}: {status} {body[:300]!r}")
                with lock:
                    retries[0] += 1
                    if status >= 500:
                        errors[status] = errors.get(status, 0) + 1
                time.sleep(0.05)

        stop, killed, ended = threading.Event(), [], []
        threads = []
        if args.fault in ("kill", "both"):
            threads.append(
                threading.Thread(target=killer, args=(site.proc.pid, args.kill_every, stop, killed))
            )
        if args.fault in ("terminate", "both"):
            threads.append(threading.Thread(
                target=terminator, args=(name, args.terminate_every, stop, ended)))  # fmt: skip
        for thread in threads:
            thread.start()
        try:
            with ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(create, range(args.creates)))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        site.stop()
        import psycopg

        with psycopg.connect(site.database_url) as conn:
            stored = dict(
                conn.execute(
                    "SELECT id, channel FROM concerns_concern WHERE channel IN ('api', 'open311')"
                ).fetchall()
            )
        ids = list(acknowledged.values())
        return {
            "sent": args.creates,
            "acknowledged": len(acknowledged),
            "stored": len(stored),
            "missing": len([i for i in ids if i not in stored]),
            "duplicated": len(stored) - len(set(ids)),
            "retries": retries[0],
            "answers_5xx": ",".join(f"{k}:{v}" for k, v in sorted(errors.items())) or "none",
            "workers_killed": len(killed),
            "backends_terminated": sum(ended),
        }
    finally:
        site.stop()
        drop_postgres(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--creates", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=2.0)
    parser.add_argument("--terminate-every", type=float, default=1.5)
    parser.add_argument("--fault", choices=("kill", "terminate", "both"), default="kill")
    args = parser.parse_args()
    result = run(args)
    print(f"fault={args.fault} " + " ".join(f"{k}={v}" for k, v in result.items()))
    ok = result["acknowledged"] == result["sent"] and result["missing"] == 0
    return 0 if ok and result["duplicated"] == 0 and "500:" not in result["answers_5xx"] else 1


if __name__ == "__main__":
    sys.exit(main())
