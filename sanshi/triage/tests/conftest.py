from __future__ import annotations

from collections.abc import Iterator

import pytest

from sanshi.triage.engine import forget_active_model


@pytest.fixture(autouse=True)
def _fresh_model_lookup() -> Iterator[None]:
    """Each test looks the active model version up again (tests create and drop versions)."""
    forget_active_model()
    yield
    forget_active_model()
