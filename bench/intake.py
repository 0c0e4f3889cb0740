"""Benchmark of concern intake: sanshi's JSON API and Open311 against django-helpdesk.

    .venv/bin/python bench/intake.py [--requests 3000] [--workers 4] [--rate 100]
                                     [--rate-seconds 20] [--time-limit 120] [--rounds 6]
                                     [--no-peer] [--threads 1]

Each system on a scratch PostgreSQL database on 127.0.0.1:5432 behind gunicorn with 2
workers on 127.0.0.1, both serving from the start; the load comes from a second process
(bench/load.py: a new connection per request, on a plain socket, half-closed once the request
is sent) on loopback:
  1. closed loop: `--workers` clients, `--requests` creates at most, `--time-limit` seconds
     at most: the most creates per second the server sustains. The loop is cut into
     `--rounds` slices and the targets take turns (API, Open311, peer, API, ...), so that a
     machine whose speed drifts during the run (a shared VM does) weighs on all alike;
  2. open loop: `--rate` creates per second for `--rate-seconds`: latency at that rate,
     counted from each request's scheduled start.
Before them, 10 creates per client warm the workers up (not measured, but counted).
Then the rows in the database are counted and must equal the 201s received. Around each
closed slice the script reads /proc for where the machine's CPU time went per create: the
gunicorn processes (the idle other system's included, which is next to nothing), PostgreSQL,
the load process, and the machine's busy and idle time. The peer is
django-helpdesk 2.6.1's ticket API (token auth), installed by bench/peer.py in a virtualenv
outside the repository. Rate limits are off for the run (SANSHI_API_RATE=0,
SANSHI_OPEN311_RATE=0): this measures the work, not the limiter.
"""

# ruff: noqa: S603 - these scripts start our own programs with fixed arguments
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import combined
from bench.peer import Peer
from bench.server import REPO, Site, drop_postgres, scratch_postgres


def run_phase(spec: dict[str, Any]) -> dict[str, Any]:
    """One bounded load from a second process; its summary."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.load", json.dumps(spec)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def count(database_url: str, sql: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute(sql).fetchone()
    return int(row[0]) if row else -1


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far (Linux /proc): gunicorn processes, PostgreSQL processes, this
    script's finished children (the load), and the whole machine's busy and idle time."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"server": 0.0, "postgres": 0.0}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        # Its own time and its reaped children's: a PostgreSQL backend that exits (a closed
        # connection) moves its time to the postmaster instead of vanishing from the sum.
        seconds = sum(int(f) for f in fields[11:15]) / tick
        if b"gunicorn" in cmd:
            used["server"] += seconds
        elif b"postgres" in cmd:
            used["postgres"] += seconds
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used["load"] = children.ru_utime + children.ru_stime
    times = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    used["idle"] = (times[3] + times[4]) / tick
    used["busy"] = sum(times) / tick - used["idle"]
    return used


def closed_slice(
    base: str, target: dict[str, Any], args: argparse.Namespace, r: int
) -> dict[str, Any]:
    """One round's share of the closed loop, with the CPU it cost."""
    before = cpu_seconds()
    part = run_phase(
        {
            **target,
            "base": base,
            "shape": "closed",
            "tag": f"closed{r}",
            "raw": True,
            "requests": args.requests // args.rounds,
            "workers": args.workers,
            "time_limit": args.time_limit / args.rounds,
            "expect": 201,
        }
    )
    after = cpu_seconds()
    part["cpu"] = {k: after[k] - before[k] for k in after}
    return part


def run_all(
    targets: dict[str, tuple[str, dict[str, Any]]], args: argparse.Namespace
) -> dict[str, Any]:
    """Warm every target, take turns at the closed loop, then the open loop one by one."""
    results: dict[str, Any] = {}
    for name, (base, target) in targets.items():
        # Not measured: each gunicorn worker builds the triage model on its first request.
        results[name] = {
            "warm": run_phase(
                {
                    **target,
                    "base": base,
                    "shape": "closed",
                    "tag": "warm",
                    "requests": 10 * args.workers,
                    "workers": args.workers,
                    "time_limit": 120,
                    "expect": 201,
                }
            )
        }
    slices: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
    for r in range(args.rounds):
        for name, (base, target) in targets.items():
            slices[name].append(closed_slice(base, target, args, r))
    for name in targets:
        closed = combined(slices[name], 201)
        cpu = {k: sum(p["cpu"][k] for p in slices[name]) for k in slices[name][0]["cpu"]}
        # Where the machine's time went per create in the closed loop, in ms.
        closed["cpu_ms_per_create"] = {
            k: round(1000 * v / max(closed["created"], 1), 2) for k, v in cpu.items()
        }
        closed["rounds_per_s"] = [p["created_per_s"] for p in slices[name]]
        results[name]["closed"] = closed
    for name, (base, target) in targets.items():
        results[name]["open"] = run_phase(
            {
                **target,
                "base": base,
                "shape": "open",
                "tag": "open",
                "requests": int(args.rate * args.rate_seconds),
                "rate": args.rate,
                "time_limit": args.rate_seconds + 5,
                "expect": 201,
            }
        )
    return results


def bench(args: argparse.Namespace) -> dict[str, Any]:
    """Serve sanshi (and the peer), run the load, count the rows each kept."""
    name = f"sanshi_bench_{os.getpid()}"
    peer_name = f"helpdesk_bench_{os.getpid()}"
    # SANSHI_TRIAGE_SEMANTIC=0 in the bench's own environment measures intake without the e5 check.
    semantic = os.environ.get("SANSHI_TRIAGE_SEMANTIC", "1")
    site = Site(
        scratch_postgres(name),
        extra_env={
            "SANSHI_API_RATE": "0",
            "SANSHI_OPEN311_RATE": "0",
            "SANSHI_TRIAGE_SEMANTIC": semantic,
        },
    )
    peer = None if args.no_peer else Peer(scratch_postgres(peer_name))
    try:
        site.prepare()
        token = site.token("dispatcher", "bench")
        key = site.sanshi("open311-key", "create", "bench").strip().splitlines()[-1]
        base = site.serve(workers=2, threads=args.threads)
        targets: dict[str, tuple[str, dict[str, Any]]] = {
            "sanshi-api": (base, {"target": "sanshi-api", "token": token}),
            "sanshi-open311": (base, {"target": "sanshi-open311", "token": key}),
        }
        if peer is not None:
            peer.install()
            queue, peer_token = peer.prepare()
            peer_base = peer.serve(workers=2, threads=args.threads)
            targets["helpdesk"] = (
                peer_base,
                {"target": "helpdesk", "token": peer_token, "queue": queue},
            )
        results = run_all(targets, args)
        site.stop()
        for target, channel in (("sanshi-api", "api"), ("sanshi-open311", "open311")):
            results[target]["rows"] = count(
                site.database_url,
                f"SELECT count(*) FROM concerns_concern WHERE channel = '{channel}'",  # noqa: S608
            )
        if peer is not None:
            peer.stop()
            results["helpdesk"]["rows"] = count(
                peer.database_url, "SELECT count(*) FROM helpdesk_ticket"
            )
    finally:
        site.stop()
        drop_postgres(name)
        if peer is not None:
            peer.stop()
            drop_postgres(peer_name)
    return results


def report(results: dict[str, Any], args: argparse.Namespace) -> int:
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; gunicorn 2 workers, {args.threads} thread(s) each; "
        "PostgreSQL on 127.0.0.1"
    )
    print(
        f"closed loop: {args.workers} clients, at most {args.requests} creates or "
        f"{args.time_limit} s in {args.rounds} rounds, targets taking turns; "
        f"open loop: {args.rate}/s for {args.rate_seconds} s"
    )
    header = (
        f"{'target':16} {'creates/s':>9} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>6} | "
        f"{'@rate':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>6} | {'201s':>5} {'rows':>5}"
    )
    print(header)
    failed = 0
    for target, r in results.items():
        c, o = r["closed"], r["open"]
        created = r["warm"]["created"] + c["created"] + o["created"]
        ok = "" if created == r["rows"] else "  MISMATCH"
        failed += bool(ok)
        print(
            f"{target:16} {c['created_per_s']:9.1f} {c['p50_ms']:7.1f} {c['p95_ms']:7.1f} "
            f"{c['p99_ms']:7.1f} {c['errors']:6d} | {o['created_per_s']:6.1f} {o['p50_ms']:7.1f} "
            f"{o['p95_ms']:7.1f} {o['p99_ms']:7.1f} {o['errors']:6d} | {created:5d} {r['rows']:5d}{ok}"
        )
    print("CPU ms per create in the closed loop (machine busy / idle; server, PostgreSQL, load):")
    for target, r in results.items():
        cpu = r["closed"].get("cpu_ms_per_create", {})
        if cpu:
            print(
                f"  {target:16} {cpu['busy']:5.2f} / {cpu['idle']:5.2f}; {cpu['server']:5.2f}, "
                f"{cpu['postgres']:5.2f}, {cpu['load']:5.2f}"
            )
    print("closed loop creates/s round by round:")
    for target, r in results.items():
        print(f"  {target:16} " + "  ".join(f"{x:6.1f}" for x in r["closed"]["rounds_per_s"]))
    peer = results.get("helpdesk")
    for target in ("sanshi-api", "sanshi-open311"):
        if peer and target in results:
            ratio = results[target]["closed"]["created_per_s"] / max(
                peer["closed"]["created_per_s"], 0.1
            )
            print(f"throughput ratio {target} / django-helpdesk: {ratio:.2f}x")
    print(json.dumps(results))
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=120)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--rate-seconds", type=float, default=20)
    parser.add_argument(
        "--rounds", type=int, default=6, help="slices of the closed loop; the targets take turns"
    )
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    args = parser.parse_args()
    if args.rounds < 1 or args.requests < args.rounds:
        parser.error("--rounds must be at least 1 and at most --requests")
    return report(bench(args), args)


if __name__ == "__main__":
    sys.exit(main())
