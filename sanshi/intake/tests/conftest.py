from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Org
from sanshi.testing import World


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings: Any) -> Iterator[None]:
    """Rate-limit counters live in the cache; every test starts from zero."""
    settings.SANSHI_INTAKE_AREA = "450500"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_townships(world: World, guangxi: None) -> dict[str, Org]:
    """The world's 东街街道 with its two communities, and 中街街道 with one of its own."""
    Org.objects.filter(pk=world.township.pk).update(division_code="450502002")
    zhongjie = create_org(
        name="中街街道妇联",
        level=Org.Level.TOWNSHIP,
        parent=world.county,
        division_code="450502001",
    )
    wudi = create_org(
        name="屋地社区妇联", level=Org.Level.COMMUNITY, kind=Org.Kind.RESIDENTS, parent=zhongjie
    )
    return {"zhongjie": zhongjie, "wudi": wudi}
