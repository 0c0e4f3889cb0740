"""Benchmark of same-event detection (a script, not a test).

    .venv/bin/python bench/duplicates.py [--concerns 100000] [--checks 30] [--postgres]

Builds a scratch database (a SQLite file in a temporary directory, or with --postgres a
database on BENCH_PG_ADMIN's server, default postgresql://postgres@127.0.0.1:5432/postgres),
migrates it, fills it in bulk with N concerns spread over a year and 100 townships of one
county, then times `likely_duplicates` for new concerns in three places:

- `township`: an ordinary township (about N/100 concerns a year, a few dozen open in 30 days);
- `busy_township`: one township holding a fifth of all concerns;
- `org_only`: concerns with no township, compared with everything the county org received in
  30 days (capped at MAX_CANDIDATES, newest first).

One in ten concerns is protected (no search index). Every candidate's sealed text is opened. Each scenario is
timed once with the schema as migrated (its index on (division_id, received_at), migration
concerns 0007, since 0008 the only index on division_id) and once after dropping that index,
to show what it is worth. The scratch database is removed at the end.
Times are wall clock per check, the load average is printed with them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanshi.settings")
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
TOWNSHIPS = 100
BUSY_SHARE = 0.2
PROTECTED_SHARE = 0.1
NO_TOWNSHIP_SHARE = 0.1
OPENERS = ("", "您好，", "你好，", "我想反映一下，", "麻烦问一下，", "我是本村的，", "求助：")
CLOSERS = ("", "", "谢谢。", "请尽快处理。", "希望妇联帮帮忙。", "急！", "已经好几天了。")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concerns", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=30, help="checks timed per scenario")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    with scratch_database(postgres=args.postgres) as url:
        os.environ["DATABASE_URL"] = url
        report = run(args.concerns, args.checks)
        report["database"] = "postgresql" if args.postgres else "sqlite"
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


@contextmanager
def scratch_database(*, postgres: bool) -> Iterator[str]:
    """A fresh, empty database's URL; the database is removed afterwards."""
    if not postgres:
        folder = tempfile.mkdtemp(prefix="sanshi-dup-")
        try:
            yield f"sqlite:///{folder}/bench.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    name = f"sanshi_bench_dup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(n: int, checks: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from sanshi.triage.duplicates import MAX_CANDIDATES

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started
    started = time.perf_counter()
    scenarios = build(n, checks)
    build_s = time.perf_counter() - started
    report: dict[str, Any] = {
        "concerns": n,
        "max_candidates": MAX_CANDIDATES,
        "migrate_seconds": round(migrate_s, 1),
        "build_seconds": round(build_s, 1),
        "build_concerns_per_s": round(n / build_s),
    }
    for label in ("with_index", "without_index"):
        with connection.cursor() as cursor:
            if label == "without_index":
                cursor.execute(f'DROP INDEX "{division_index()}"')
            cursor.execute("ANALYZE")  # as autovacuum would have done by then
        report[label] = {name: time_checks(new) for name, new in scenarios.items()}
        report[label]["load_average_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    return report


def division_index() -> str:
    """The name of the concerns app's (division, received_at) index."""
    from sanshi.concerns.models import Concern

    [index] = [i for i in Concern._meta.indexes if i.fields == ["division", "received_at"]]
    return str(index.name)


def build(n: int, checks: int) -> dict[str, list[Any]]:
    """N stored concerns in bulk, then `checks` new ones per scenario (not yet compared)."""
    from sanshi.concerns.models import Concern
    from sanshi.concerns.search import index_terms
    from sanshi.orgs.actions import create_org
    from sanshi.orgs.models import Division, Org
    from sanshi.triage.corpus import corpus

    rng = random.Random(4)  # noqa: S311 (synthetic data, not secrets)
    province = Division.objects.create(code="450000", name="广西壮族自治区", level=1)
    city = Division.objects.create(code="450500", name="北海市", level=2, parent=province)
    county = Division.objects.create(code="450521", name="合浦县", level=3, parent=city)
    townships = Division.objects.bulk_create(
        Division(code=f"450521{i:03d}", name=f"第{i}镇", level=4, parent=county)
        for i in range(1, TOWNSHIPS + 1)
    )
    root = create_org(name="广西壮族自治区妇联", level=Org.Level.PROVINCE, parent=None)
    org = create_org(name="合浦县妇联", level=Org.Level.COUNTY, parent=root)
    examples = [(e.text, e.subcategory) for e in corpus()]
    now = dt.datetime.now(dt.UTC)
    busy = townships[0]

    def concern(i: int, age_days: float, division: Any, open_: bool) -> Concern:
        text, sub = rng.choice(examples)
        text = rng.choice(OPENERS) + text + rng.choice(CLOSERS)
        protected = rng.random() < PROTECTED_SHARE
        received = now - dt.timedelta(days=age_days)
        status = rng.choice(["received", "dispatched", "in_progress"]) if open_ else "closed"
        return Concern(
            tracking_code=f"B{i:011d}",
            channel="web",
            text=text,
            search_text="" if protected else index_terms(text),
            protected=protected,
            division=division,
            org=org,
            category=sub.split(".")[0],
            subcategory=sub,
            status=status,
            received_at=received,
            updated_at=received,
        )

    def place() -> Any:
        if rng.random() < NO_TOWNSHIP_SHARE:
            return None
        return busy if rng.random() < BUSY_SHARE else rng.choice(townships[1:])

    def stored(i: int, age: float) -> Concern:
        return concern(i, age, place(), age < 30 or rng.random() < 0.05)

    # Oldest first, as concerns arrive: rows of the same weeks lie together on disk.
    ages = sorted((rng.uniform(0, 365) for _ in range(n)), reverse=True)
    batch = 2_000
    for first in range(0, n, batch):
        rows = [stored(i, ages[i]) for i in range(first, min(n, first + batch))]
        Concern.objects.bulk_create(rows)
    places: dict[str, Callable[[], Any]] = {
        "township": lambda: townships[1 + rng.randrange(TOWNSHIPS - 1)],
        "busy_township": lambda: busy,
        "org_only": lambda: None,
    }
    scenarios: dict[str, list[Any]] = {}
    for s, (name, where) in enumerate(places.items()):
        # Stored (so they are real rows) as closed: no check sees another as a candidate.
        new = [concern(n + s * checks + i, 0, where(), False) for i in range(checks)]
        scenarios[name] = Concern.objects.bulk_create(new)
    return scenarios


def time_checks(new: list[Any]) -> dict[str, Any]:
    from sanshi.triage.duplicates import candidate_texts, likely_duplicates

    likely_duplicates(new[0])  # warm up (connection, imports)
    times, found = [], []
    for c in new:
        t0 = time.perf_counter()
        found.append(len(likely_duplicates(c)))
        times.append((time.perf_counter() - t0) * 1000)
    candidates = [len(candidate_texts(c)[0]) for c in new]
    return {
        "candidates_mean": round(statistics.mean(candidates)),
        "suggested_mean": round(statistics.mean(found), 1),
        "ms_median": round(statistics.median(times), 1),
        "ms_p90": round(statistics.quantiles(times, n=10)[8], 1),
        "ms_max": round(max(times), 1),
    }


if __name__ == "__main__":
    main()
