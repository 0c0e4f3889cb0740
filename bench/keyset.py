"""Benchmark: a page of the concern list far back, by OFFSET (as the console search was) and by
keyset (as it is now), on a database filled with `sanshi generate-volume` (a script, not a test).

    DATABASE_URL=postgres://... .venv/bin/python bench/keyset.py [--runs 10]

As a staff member of the province (made here once, `bench-keyset-province`), through the console's own
visibility (`concerns_visible_to`) and order (received_at, id newest first), 50 rows a page:
OFFSET pages with the exact count the old pager made (Django's Paginator), keyset pages from a
cursor pointing at the same position. Prints one JSON object, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanshi.settings")
PAGE = 50


def _median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.paginator import Paginator
    from django.db import connection

    from sanshi.concerns.access import concerns_visible_to
    from sanshi.concerns.models import Concern
    from sanshi.concerns.permissions import grants
    from sanshi.core import keyset
    from sanshi.orgs.models import Org, Role
    from sanshi.testing import make_user

    province = Org.objects.filter(level=Org.Level.PROVINCE).order_by("pk").first()
    if province is None:
        sys.exit("needs the Guangxi tree (sanshi import-divisions) and generate-volume's concerns")
    user = get_user_model().objects.filter(username="bench-keyset-province").first()
    if user is None:
        user = make_user("bench-keyset-province", role=Role.STAFF, org=province)
    grants(user)
    order = ("-received_at", "-pk")
    qs = concerns_visible_to(user).order_by(*order)
    visible = qs.count()
    out: dict[str, object] = {
        "database": connection.vendor,
        "concerns": Concern.objects.count(),
        "visible": visible,
        "load_average": os.getloadavg(),
    }
    # The same pages without the visibility condition: what the paging alone costs.
    everything = Concern.objects.order_by(*order)
    for name, rows in (("pages", qs), ("pages_without_visibility", everything)):
        found = []
        for position in sorted({p for p in (0, 1_000, 10_000, visible - PAGE) if p >= 0}):
            number = position // PAGE + 1
            offset_ms = _median_ms(
                lambda n=number, r=rows: list(Paginator(r, PAGE).page(n).object_list), args.runs
            )
            cursor = ""
            if position:
                cursor = keyset.encode(rows[position - 1 : position].get(), order, "bench")
            keyset_ms = _median_ms(
                lambda c=cursor, r=rows: keyset.page(r, order, c, PAGE, scope="bench"), args.runs
            )
            found.append(
                {"rows_before": position, "offset_and_count_ms": offset_ms, "keyset_ms": keyset_ms}
            )
        out[name] = found
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
