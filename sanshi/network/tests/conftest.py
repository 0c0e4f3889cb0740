from __future__ import annotations

from typing import Any

import pytest

from sanshi.network import actions
from sanshi.network.models import CareFlag, Household
from sanshi.testing import World


@pytest.fixture(autouse=True)
def _receive_at_the_county(settings: Any, world: World) -> None:
    """Concerns raised from visits with no recognisable address are received at the county."""
    settings.TRIAGE_DEFAULT_ORG_ID = world.county.pk


@pytest.fixture
def household(world: World) -> Household:
    """A household the community's member keeps: a woman with a history of violence."""
    return actions.add_household(
        actor=world.member,
        address="北部湾社区 3栋 2单元 501",
        people=[actions.PersonEntry("王秀英", "本人", "13800001111")],
        consent=True,
        flags=[CareFlag.DV_HISTORY, CareFlag.SINGLE_PARENT],
    )
