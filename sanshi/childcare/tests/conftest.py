"""A 儿童之家 in the world's community, open every day 15:00–18:00, with a manager, and
two enrolled children (one with her grandmother allowed to collect her)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from sanshi.childcare import actions
from sanshi.childcare.models import Child, Collector
from sanshi.places.models import OpeningHours, Place, PlaceKind
from sanshi.testing import World, make_user

# A Monday afternoon, Beijing time.
MONDAY_4PM = timezone.make_aware(dt.datetime(2026, 3, 2, 16, 0))
CLOSES = dt.time(18, 0)


def make_home(world: World, manager: Any, name: str = "北部湾社区儿童之家") -> Place:
    place = Place.objects.create(
        org=world.community,
        kind=PlaceKind.CHILDRENS_HOME,
        name=name,
        capacity=30,
        created_at=MONDAY_4PM,
    )
    place.managers.add(manager)
    for weekday in range(7):
        OpeningHours.objects.create(
            place=place, weekday=weekday, opens=dt.time(15, 0), closes=CLOSES
        )
    return place


@dataclass
class Home:
    place: Place
    manager: Any
    lili: Child
    grandma: Collector
    grandma_code: str
    mother: Collector
    mother_code: str
    tao: Child
    tao_code: str


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(MONDAY_4PM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def home(world: World, frozen: Any) -> Home:
    manager = make_user("home_manager")
    place = make_home(world, manager)
    lili, made = actions.enroll_child(
        place,
        actor=world.social_worker,
        name="陈丽丽",
        first_name="丽丽",
        birth_year=2017,
        guardian=actions.Adult("陈美华", "母亲", "13900001111"),
        collectors=[actions.Adult("黄秀英", "外婆", "13900002222")],
        consent=True,
    )
    (mother, mother_code), (grandma, grandma_code) = made
    tao, made_tao = actions.enroll_child(
        place,
        actor=world.social_worker,
        name="林小涛",
        first_name="小涛",
        guardian=actions.Adult("林建国", "父亲", "13900003333"),
        consent=True,
    )
    return Home(
        place, manager, lili, grandma, grandma_code, mother, mother_code, tao, made_tao[0][1]
    )
