from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _files_in_tmp(settings: Any, tmp_path: Path) -> Path:
    """Every test keeps its files in its own folder, and starts with fresh rate limits."""
    folder = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    settings.SANSHI_SMS_BACKEND = "sanshi.messaging.backends.MemoryBackend"
    settings.SANSHI_INTAKE_AREA = "450500"
    cache.clear()
    return folder


@pytest.fixture
def stored(_files_in_tmp: Path) -> Path:
    return _files_in_tmp
