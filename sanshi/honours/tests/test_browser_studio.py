"""In a browser: a chair keeps a studio's page from the staff side (desktop screenshot to
screenshots/, git-ignored)."""

from __future__ import annotations

from typing import Any

from sanshi.honours.models import Studio, StudioMember
from sanshi.honours.tests.test_staff_studio import _studio
from sanshi.places.tests.test_browser_places import Device
from sanshi.testing import World


def test_a_chair_keeps_the_studio_page_in_a_browser(
    live_server: Any, chromium: Any, world: World
) -> None:
    studio = _studio(world)
    staff = Device(chromium, live_server.url, phone=False)
    url = f"/honours/staff/studios/{studio.place_id}/"
    staff.login("chair", url)
    page = staff.page
    page.fill("#id_leader_title", "广西三八红旗手")
    staff.submit("#studio-form button[type=submit]")
    page.fill("#id_name", "覃秀梅")
    page.fill("#id_role", "巾帼志愿者")
    staff.submit("#member-form button[type=submit]")
    page.select_option("#id_kind", "activity")
    page.fill("#id_title", "反家暴宣传进社区")
    page.fill("#id_held_on", "2020-08-01")
    staff.submit("#work-form button[type=submit]")
    assert page.inner_text("#studio-team ul").count("覃秀梅") == 1
    assert "反家暴宣传进社区" in page.inner_text("#studio-works")
    staff.shot("studio-staff-desktop")
    staff.close()
    assert Studio.objects.get(pk=studio.pk).leader_title == "广西三八红旗手"
    assert list(StudioMember.objects.order_by("pk").values_list("name", flat=True)) == [
        "黄丽萍",
        "覃秀梅",
    ]
