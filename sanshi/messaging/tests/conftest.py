from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from sanshi.messaging.backends import MemoryBackend, _backend


@pytest.fixture(autouse=True)
def _memory_sms(settings: Any) -> Iterator[list[Any]]:
    settings.SANSHI_SMS_BACKEND = "sanshi.messaging.backends.MemoryBackend"
    settings.SANSHI_BASE_URL = "https://sanshi.example.cn"
    settings.SANSHI_INTAKE_AREA = "450500"
    MemoryBackend.outbox.clear()
    _backend.cache_clear()
    cache.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()
    _backend.cache_clear()


@pytest.fixture
def outbox(_memory_sms: list[Any]) -> list[Any]:
    return _memory_sms
