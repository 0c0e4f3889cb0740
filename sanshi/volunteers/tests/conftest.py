from __future__ import annotations

import pytest

from sanshi.testing import World
from sanshi.volunteers import actions
from sanshi.volunteers.idcard import check_character
from sanshi.volunteers.models import Volunteer


def id_number(serial: int = 1) -> str:
    """A well-formed (fictional) ID number: Beihai's area code, a 1990 birthday."""
    first17 = f"450502199003{serial % 28 + 1:02d}{serial % 1000:03d}"
    return first17 + check_character(first17)


@pytest.fixture
def volunteer(world: World) -> Volunteer:
    """An approved volunteer of the community."""
    v = actions.register_volunteer(
        org=world.community,
        name="黄丽萍",
        phone="13900002222",
        id_number=id_number(7),
        consent=True,
        skills="tutoring",
        availability="weekend",
    )
    return actions.review_volunteer(v, actor=world.chair, approve=True)
