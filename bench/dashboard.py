"""Benchmark of the dashboard read from the rollups (a script, not a test).

    DATABASE_URL=postgres://... .venv/bin/python bench/dashboard.py [--runs 30] [--day 9000]

Against a database already filled with `sanshi generate-volume --concerns N` (and the demo):
1. folds every event past the watermark into the rollups (`sanshi rollup`; the first run is the
   backfill) and times it;
2. times the dashboard's reads (`analytics.dashboard.build`: every query the page makes for its
   figures, without the session and login queries) for the whole city of Beihai and for one of
   its townships over the 12 months to the current month, --runs times each, median and p95;
3. times the live computation of the six rates for the same city once, for comparison;
4. with --day N, generates N more concerns (about one day's events at 10 million over three
   years is 9,000 concerns' worth) and times the refresh that folds them in.
Prints one JSON object. The load average is printed with the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanshi.settings")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--day", type=int, default=0)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from sanshi.analytics import dashboard, rollups
    from sanshi.analytics.selectors import rates_for_org
    from sanshi.analytics.volume import generate
    from sanshi.concerns.models import Concern, ConcernEvent
    from sanshi.orgs.models import Org

    out: dict[str, object] = {
        "database": connection.vendor,
        "concerns": Concern.objects.count(),
        "events": ConcernEvent.objects.count(),
    }
    began = time.perf_counter()
    refreshed = rollups.refresh()
    out["refresh"] = {"events": refreshed.events, "seconds": round(time.perf_counter() - began, 2)}
    city = Org.objects.get(division_code="450500")
    township = (
        Org.objects.filter(level=Org.Level.TOWNSHIP, path__startswith=city.path)
        .order_by("pk")
        .first()
    )
    if township is None:
        sys.exit("no township under Beihai: run `sanshi generate-volume` first")
    start, end = dashboard.period_of_months(timezone.localdate())
    for label, org in (("city", city), ("township", township)):
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            board = dashboard.build(org, start, end, deidentify=False)
            board.chart_data()
            times.append((time.perf_counter() - t) * 1000)
        out[label] = {
            "org": org.name,
            "received": board.received,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(_p95(times), 1),
        }
    t = time.perf_counter()
    rates_for_org(
        city,
        *(
            dt.datetime.combine(d, dt.time(), tzinfo=timezone.get_current_timezone())
            for d in (start, end)
        ),
    )
    out["live_rates_city_ms"] = round((time.perf_counter() - t) * 1000, 1)
    if args.day:
        generate(args.day, seed=9999, say=lambda _: None)
        t = time.perf_counter()
        day = rollups.refresh()
        out["day_refresh"] = {
            "concerns": args.day,
            "events": day.events,
            "seconds": round(time.perf_counter() - t, 2),
        }
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
