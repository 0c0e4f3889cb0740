"""The rollups agree with the live computation on the demo's data (Beihai, a year of concerns)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from sanshi.analytics import rollups
from sanshi.analytics.selectors import rates_for_org, rollup_rates, rollup_sums
from sanshi.demo.loader import load_demo
from sanshi.orgs.models import Org

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
UNTIL = dt.datetime(2026, 11, 1, tzinfo=TZ)


@pytest.mark.django_db
def test_rollups_agree_with_live_on_the_demo(guangxi: None) -> None:
    load_demo(concerns=300, until=UNTIL)
    rollups.refresh()
    city = Org.objects.get(name="北海市妇联")
    orgs = [city, *city.children.order_by("pk"), *Org.objects.filter(level="township")[:5]]
    periods = [(dt.date(2025, 10, 1), dt.date(2026, 11, 1))]
    periods += [(dt.date(2026, m, 1), dt.date(2026, m + 1, 1)) for m in range(1, 11)]
    for org in orgs:
        for start, end in periods:
            lo = dt.datetime.combine(start, dt.time(), tzinfo=TZ)
            hi = dt.datetime.combine(end, dt.time(), tzinfo=TZ)
            assert rollup_rates(org, start, end) == rates_for_org(org, lo, hi), (org.name, start)
    # 300 of the plan and 8 of the last day's work (sanshi/demo/today.py: every home has some)
    assert rollup_sums(city, *periods[0])[None]["received"] == 308
    assert rollups.check(*periods[0]) == {}
