from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _plain_static(settings: Any) -> None:
    """Tests run without collectstatic: serve assets by name, not from the manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
