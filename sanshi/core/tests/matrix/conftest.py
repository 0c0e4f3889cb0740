from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _matrix_settings(settings: Any) -> None:
    """Console pages without collectstatic; no API rate limit (hundreds of calls a minute)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SANSHI_API_RATE = 0
    cache.clear()  # the public track page counts lookups per address
