"""Faults while concerns come in: nothing acknowledged is lost, nothing is stored twice, and
no client ever gets a 500.

    .venv/bin/python bench/faults.py [--fault kill|terminate|both|redis|disk] [--creates 400]
                                     [--clients 4] [--kill-every 2] [--terminate-every 1.5]
                                     [--outage-every 3] [--outage-seconds 2]

`--fault kill` SIGKILLs a gunicorn worker every `--kill-every` seconds; `--fault terminate` ends
every PostgreSQL backend of the site's database (pg_terminate_backend, as a restart or a
failover does) every `--terminate-every` seconds; `both` does the two at once.
`--fault redis` serves with the RQ task backend and Redis as the shared cache, on a Redis of
the script's own (redis-server on a free port), and stops that Redis for `--outage-seconds`
every `--outage-every` seconds. `--fault disk` serves from SQLite on a small tmpfs of its own
(root only: it mounts one) and fills that disk up for `--outage-seconds` every
`--outage-every` seconds.

sanshi on a scratch PostgreSQL database (SQLite for `disk`) behind gunicorn (2 workers). `--clients` threads send
`--creates` concerns in all, half through the JSON API and half through Open311, each with its
own Idempotency-Key. A request that gets no whole answer (its worker was killed) or a 5xx is
sent again with the same key until it is answered 201 (created) or 200 (the first answer,
replayed). Meanwhile a SIGKILL hits one gunicorn worker every `--kill-every` seconds (the
master starts a new one). At the end the database is read: every acknowledged concern must be
there, and no key may have made two. Prints acknowledged / stored / duplicated / missing and
exits 1 if any concern is missing or duplicated.
"""

# ruff: noqa: S311, S603, S607 - random only picks which worker to kill; the commands are fixed
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import Request
from bench.server import Site, drop_postgres, free_port, scratch_postgres
from bench.targets import request_maker


def say(line: str) -> None:
    """Progress, on standard error."""
    print(line, file=sys.stderr, flush=True)


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


class Redis:
    """A redis-server of our own on a free port, stopped and started again on demand."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        import redis

        for _ in range(100):
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def redis_outages(
    redis: Redis, every: float, seconds: float, stop: threading.Event, outages: list[int]
) -> None:
    while not stop.wait(every):
        redis.stop()
        outages.append(1)
        stop.wait(seconds)
        redis.start()


class SmallDisk:
    """A tmpfs of a few megabytes for the SQLite file, filled up and freed on demand."""

    def __init__(self, megabytes: int) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="sanshi-disk-"))
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(self.path)],
            check=True,
        )
        self.filler = self.path / "filler"

    def fill(self) -> None:
        with self.filler.open("wb") as out:
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError:  # ENOSPC: the disk is full
                pass

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def remove(self) -> None:
        subprocess.run(["umount", str(self.path)], check=False)
        self.path.rmdir()


def disk_outages(
    disk: SmallDisk, every: float, seconds: float, stop: threading.Event, outages: list[int]
) -> None:
    while not stop.wait(every):
        disk.fill()
        outages.append(1)
        stop.wait(seconds)
        disk.free()


def make_site(args: argparse.Namespace, name: str) -> tuple[Site, Redis | None, SmallDisk | None]:
    env = {"SANSHI_API_RATE": "0", "SANSHI_OPEN311_RATE": "0"}
    if args.fault == "disk":
        if os.geteuid() != 0:
            raise SystemExit("--fault disk mounts a tmpfs: run it as root")
        disk = SmallDisk(args.disk_megabytes)
        return Site(f"sqlite:///{disk.path}/db.sqlite3", extra_env=env), None, disk
    redis = None
    if args.fault == "redis":
        redis = Redis()
        redis.start()
        env.update(SANSHI_TASKS_BACKEND="rq", REDIS_URL=redis.url)
    return Site(scratch_postgres(name), extra_env=env), redis, None


def stored_concerns(site: Site) -> dict[int, str]:
    """id -> channel of the concerns that came in through the API and Open311."""
    query = "SELECT id, channel FROM concerns_concern WHERE channel IN ('api', 'open311')"
    if site.database_url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(site.database_url.removeprefix("sqlite:///"))
        try:
            return dict(conn.execute(query).fetchall())
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(site.database_url) as conn:
        return dict(conn.execute(query).fetchall())


def run(args: argparse.Namespace) -> dict[str, Any]:
    name = f"sanshi_faults_{os.getpid()}"
    site, redis, disk = make_site(args, name)
    try:
        say(f"faults: preparing {site.database_url.split('/')[-1]} (migrate and seed)")
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
                        if len(acknowledged) % 50 == 0:
                            say(f"faults: {len(acknowledged)}/{args.creates} acknowledged")
                    return
                if 400 <= status < 500:
                    raise RuntimeError(f"{target} {i}: {status} {body[:300]!r}")
                with lock:
                    retries[0] += 1
                    if status >= 500:
                        errors[status] = errors.get(status, 0) + 1
                time.sleep(0.05)

        stop = threading.Event()
        killed: list[int] = []
        ended: list[int] = []
        outages: list[int] = []
        threads = []
        if redis is not None:
            threads.append(
                threading.Thread(
                    target=redis_outages,
                    args=(redis, args.outage_every, args.outage_seconds, stop, outages),
                )
            )
        if disk is not None:
            threads.append(
                threading.Thread(
                    target=disk_outages,
                    args=(disk, args.outage_every, args.outage_seconds, stop, outages),
                )
            )
        if args.fault in ("kill", "both"):
            threads.append(
                threading.Thread(target=killer, args=(site.proc.pid, args.kill_every, stop, killed))
            )
        if args.fault in ("terminate", "both"):
            threads.append(
                threading.Thread(target=terminator, args=(name, args.terminate_every, stop, ended))
            )
        for thread in threads:
            thread.start()
        try:
            with ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(create, range(args.creates)))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        health = answer(base, ("GET", "/healthz", b"", {}))[1].decode() if redis else ""
        site.stop()
        stored = stored_concerns(site)
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
            "outages": len(outages),
            **({"healthz_after": health} if health else {}),
        }
    finally:
        site.stop()
        if redis is not None:
            redis.stop()
        if disk is not None:
            disk.remove()
        else:
            drop_postgres(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--creates", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=2.0)
    parser.add_argument("--terminate-every", type=float, default=1.5)
    parser.add_argument(
        "--fault", choices=("kill", "terminate", "both", "redis", "disk"), default="kill"
    )
    parser.add_argument("--outage-every", type=float, default=3.0)
    parser.add_argument("--outage-seconds", type=float, default=2.0)
    parser.add_argument("--disk-megabytes", type=int, default=40)
    args = parser.parse_args()
    result = run(args)
    print(f"fault={args.fault} " + " ".join(f"{k}={v}" for k, v in result.items()))
    ok = result["acknowledged"] == result["sent"] and result["missing"] == 0
    return 0 if ok and result["duplicated"] == 0 and "500:" not in result["answers_5xx"] else 1


if __name__ == "__main__":
    sys.exit(main())
