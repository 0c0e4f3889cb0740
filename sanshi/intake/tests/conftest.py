from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings: Any) -> Iterator[None]:
    """Rate-limit counters live in the cache; every test starts from zero."""
    settings.SANSHI_INTAKE_AREA = "450500"
    cache.clear()
    yield
    cache.clear()
