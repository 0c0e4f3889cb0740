from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanshi.triage.engine import forget_active_model

# The labelled real texts live beside the repository (../shared), never inside it.
SHARED_TRIAGE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "triage"


@pytest.fixture(autouse=True)
def _fresh_model_lookup() -> Iterator[None]:
    """Each test looks the active model version up again (tests create and drop versions)."""
    forget_active_model()
    yield
    forget_active_model()


@pytest.fixture
def shared_triage() -> Path:
    """../shared/data/triage (train.jsonl, dev.jsonl), or skip: the product never needs it."""
    if not (SHARED_TRIAGE / "dev.jsonl").is_file():
        pytest.skip(f"no labelled real texts at {SHARED_TRIAGE}")
    return SHARED_TRIAGE
