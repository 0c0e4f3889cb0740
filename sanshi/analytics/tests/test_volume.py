"""The volume generator: rows across the Guangxi tree, lives that the rates can read."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.management import CommandError, call_command

from sanshi.analytics import rollups
from sanshi.analytics.selectors import rates_for_org, rollup_rates
from sanshi.analytics.volume import COMMUNITIES_PER_TOWNSHIP, generate
from sanshi.concerns.models import Concern, ConcernEvent, EventKind
from sanshi.orgs.models import Division, Org

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
UNTIL = dt.datetime(2026, 12, 1, tzinfo=TZ)


@pytest.mark.django_db
def test_generated_concerns_cover_the_tree_and_agree_with_the_rollups(guangxi: None) -> None:
    result = generate(400, until=UNTIL, batch=150, say=lambda _: None)
    townships = Division.objects.filter(code__startswith="45", level=4).count()
    assert Org.objects.filter(level="community").count() == townships * COMMUNITIES_PER_TOWNSHIP
    assert (result.concerns, Concern.objects.count()) == (400, 400)
    assert result.events == ConcernEvent.objects.count()
    assert ConcernEvent.objects.filter(kind=EventKind.RECEIVED).count() == 400
    assert Concern.objects.filter(received_at__lt=UNTIL - dt.timedelta(days=365 * 3)).count() == 0
    rollups.refresh()
    province = Org.objects.get(division_code="450000")
    for start, end in [
        (dt.date(2023, 12, 1), dt.date(2026, 12, 1)),
        (dt.date(2026, 1, 1), dt.date(2026, 7, 1)),
    ]:
        lo = dt.datetime.combine(start, dt.time(), tzinfo=TZ)
        hi = dt.datetime.combine(end, dt.time(), tzinfo=TZ)
        assert rollup_rates(province, start, end) == rates_for_org(province, lo, hi)
    assert (
        rollup_rates(province, dt.date(2023, 12, 1), dt.date(2026, 12, 1)).response.denominator
        > 350
    )
    # a second run adds concerns, not orgs
    orgs = Org.objects.count()
    generate(10, until=UNTIL, say=lambda _: None)
    assert (Org.objects.count(), Concern.objects.count()) == (orgs, 410)


@pytest.mark.django_db
def test_the_command_refuses_nonsense() -> None:
    with pytest.raises(CommandError, match="must be positive"):
        call_command("generate_volume", "--concerns", "0")
    with pytest.raises(CommandError, match="import-divisions"):
        call_command("generate_volume", "--concerns", "5")
