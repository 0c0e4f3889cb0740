"""A committee member on her phone: add a household, log a visit, raise a concern from it.

Headless Chromium from Debian, driven by Playwright, against pytest-django's live server.
Screenshots of every page at phone width go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
from typing import Any

from sanshi.concerns.models import Channel, Concern
from sanshi.network.models import Household, Visit
from sanshi.testing import Phone, World, person_of

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def test_a_member_logs_a_visit_and_raises_a_concern_on_her_phone(
    live_server: Any, chromium: Any, world: World
) -> None:
    phone = Phone(chromium, live_server.url, shots="network")
    phone.login("member", "/network/")
    page = phone.page
    assert page.locator("#households .count").inner_text() == "0"
    phone.shot("home-empty")

    page.click("text=添加联系户")
    page.fill("#id_address", "北部湾社区 3栋 2单元 501")
    page.fill("#id_people", "王秀英 本人 13800001111")
    page.check("#id_consent")
    page.check("input[name=flags][value=dv_history]")
    phone.shot("household-new")
    phone.submit("#household-form button[type=submit]")
    household = Household.objects.get()
    assert page.url == f"{live_server.url}/network/households/{household.pk}/"
    assert "家暴史" in page.inner_text("#household-facts")

    page.click("#household-facts >> text=记录走访")
    assert page.locator("#id_household").input_value() == str(household.pk)
    page.fill("#id_found", "她说丈夫上周又动手了，孩子很害怕")
    page.fill("#id_follow_up", "帮她联系社工，申请保护令")
    phone.shot("visit-new")
    phone.submit("#visit-form button[type=submit]")
    visit = Visit.objects.get()
    assert page.url == f"{live_server.url}/network/visits/{visit.pk}/"
    assert page.locator("#id_text").input_value() == (
        "她说丈夫上周又动手了，孩子很害怕\n帮她联系社工，申请保护令"
    )
    phone.shot("visit")

    page.check("#id_consent")
    phone.submit("#raise button[type=submit]")
    concern = Concern.objects.get()
    shown = re.sub(r"[^0-9A-Z]", "", page.inner_text("#concern-code").upper())
    assert shown == concern.tracking_code
    assert concern.channel == Channel.VISIT
    assert concern.address == "北部湾社区 3栋 2单元 501"
    assert concern.member == person_of(world.member)
    assert concern.protected is True
    phone.shot("visit-raised")

    phone.go(f"/network/households/{household.pk}/")
    assert page.locator("#visits li").count() == 1
    phone.shot("household")
    phone.go("/network/")
    assert page.locator("#households .count").inner_text() == "1"
    phone.shot("home")
    phone.close()


def test_overdue_visits_on_the_chair_phone(live_server: Any, chromium: Any, world: World) -> None:
    import datetime as dt

    from sanshi.network import actions
    from sanshi.network.models import CareFlag

    h = actions.add_household(
        actor=world.member, address="北部湾社区 6栋 102", flags=[CareFlag.ELDER_ALONE]
    )
    Household.objects.filter(pk=h.pk).update(next_visit_due=dt.date(2020, 1, 1))
    phone = Phone(chromium, live_server.url, shots="network")
    phone.login("chair", "/network/")
    page = phone.page
    assert "北部湾社区 6栋 102" in page.inner_text("#overdue-org")
    phone.shot("home-chair")
    phone.go("/console/")
    assert "北部湾社区 6栋 102" in page.inner_text("#network-overdue")
    phone.shot("console-home-chair")
    phone.close()
