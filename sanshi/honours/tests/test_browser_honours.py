"""On a phone: the public honour roll, a studio's page and a typical case (screenshots to
screenshots/, git-ignored); the roll shows only those who agreed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from sanshi.honours import actions
from sanshi.honours.tests.test_honours import CASE_BODY, _awarded, _closed_concern
from sanshi.places.models import Place, PlaceKind
from sanshi.testing import World

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PHONE = {"width": 375, "height": 812}

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def test_roll_studio_and_case_on_a_phone(live_server: Any, chromium: Any, world: World) -> None:
    _awarded(world, consent=True)
    _awarded(world, consent=False, name="王秀兰")
    place = Place.objects.create(
        org=world.community,
        kind=PlaceKind.STUDIO,
        name="许海鸥工作室",
        created_at=dt.datetime(2020, 7, 16, tzinfo=dt.UTC),
    )
    studio = actions.set_up_studio(
        place,
        actor=world.county_staff,
        leader_name="许海鸥",
        leader_title="广西三八红旗手",
        opened_on=dt.date(2020, 7, 16),
        intro="北海首家“广西三八红旗手工作室”。",
    )
    actions.add_team_member(studio, actor=world.county_staff, name="黄丽萍", role="社工")
    actions.add_work(
        studio,
        actor=world.county_staff,
        kind="project",
        title="“儿童之家”志愿服务",
        summary="社工和巾帼志愿者每天下午辅导孩子功课",
        held_on=dt.date(2020, 7, 1),
    )
    case = actions.write_case(
        _closed_concern(world),
        actor=world.county_staff,
        title="放学后有人管",
        body=CASE_BODY,
        reporter_consented=True,
    )
    actions.approve_case(case, actor=world.city_staff)

    context = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    SHOTS.mkdir(exist_ok=True)
    page.goto(live_server.url + "/honours/")
    roll = page.inner_text("#roll")
    assert "许海鸥" in roll and "王秀兰" not in roll
    page.screenshot(path=str(SHOTS / "honours-roll-phone.png"), full_page=True)
    page.click("#studios a")
    assert page.inner_text("#leader").startswith("领办人：许海鸥")
    assert "黄丽萍" in page.inner_text("#team")
    page.screenshot(path=str(SHOTS / "honours-studio-phone.png"), full_page=True)
    page.goto(live_server.url + "/honours/")
    page.click("#cases a")
    assert "托管" in page.inner_text("#case-body")
    page.screenshot(path=str(SHOTS / "honours-case-phone.png"), full_page=True)
    context.close()
