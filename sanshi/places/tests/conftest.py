from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sanshi.core import clock
from sanshi.places import actions
from sanshi.places.models import Activity, Audience, Place, PlaceKind
from sanshi.testing import World


def local(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def soon(days: int = 3, hour: int = 15) -> dt.datetime:
    """A moment `days` days from now at a round hour (local time)."""
    day = timezone.localdate(clock.now()) + dt.timedelta(days=days)
    return local(day.year, day.month, day.day, hour)


@pytest.fixture
def place(world: World) -> Place:
    return actions.create_place(
        world.community,
        actor=world.chair,
        kind=PlaceKind.CHILDRENS_HOME,
        name="北部湾社区儿童之家",
        address="广西北海市海城区东街街道北部湾社区",
        phone="0779-2021234",
        capacity=30,
        facilities="图书角、作业桌",
    )


def make_activity(world: World, place: Place, **kwargs: Any) -> Activity:
    start = kwargs.pop("starts_at", soon())
    values: dict[str, Any] = {
        "title": "周六绘本共读",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "capacity": 3,
        "audience": Audience.EVERYONE,
    }
    values.update(kwargs)
    return actions.create_activity(actor=world.chair, place=place, **values)


@pytest.fixture
def activity(world: World, place: Place) -> Activity:
    return make_activity(world, place)
