"""On a phone: a social worker signs children in and out of the 儿童之家, and the page
refuses an adult who is not on the child's list; a child left after closing alerts the
place's manager, then the protection officer, in their notification centres.

Headless Chromium from Debian, driven by Playwright, against pytest-django's live server,
with the clock moved by time_machine (the live server runs in this process). Screenshots at
phone width go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import time_machine
from django.utils import timezone

from sanshi.childcare import actions
from sanshi.childcare.models import Attendance, Presence
from sanshi.childcare.sweep import run_pickup_sweep
from sanshi.childcare.tests.conftest import make_home
from sanshi.core import clock
from sanshi.testing import Phone, World, make_user

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def test_sign_in_out_refusal_and_the_alert_after_closing(
    live_server: Any, chromium: Any, world: World
) -> None:
    # Today at 16:00 in Beijing (a real date, so the browser keeps the session cookie).
    four_pm = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(16, 0)))
    with time_machine.travel(four_pm, tick=True) as traveller:
        manager = make_user("home_manager")
        place = make_home(world, manager)
        lili, made = actions.enroll_child(
            place,
            actor=world.social_worker,
            name="陈丽丽",
            first_name="丽丽",
            guardian=actions.Adult("陈美华", "母亲", "13900001111"),
            collectors=[actions.Adult("黄秀英", "外婆", "13900002222")],
            consent=True,
        )
        grandma, grandma_code = made[1]
        tao, _made = actions.enroll_child(
            place,
            actor=world.social_worker,
            name="林小涛",
            first_name="小涛",
            guardian=actions.Adult("林建国", "父亲", "13900003333"),
            consent=True,
        )
        path = f"/childcare/places/{place.pk}/"

        worker = Phone(chromium, live_server.url, shots="childcare")
        page = worker.login("social_worker", path)
        for child in (lili, tao):
            worker.submit(f"li[data-child='{child.pk}'] button.sign-in")
        assert page.get_attribute(f"li[data-child='{lili.pk}']", "data-status") == "in"
        worker.shot("signed-in")

        # Someone not on the list comes for 丽丽: refused, she stays.
        row = f"li[data-child='{lili.pk}']"
        page.select_option(f"{row} select[name=collector]", "other")
        worker.submit(f"{row} form.sign-out button")
        assert page.inner_text("#refusal") == "只能把孩子交给名单上的接送人"
        worker.shot("refused")
        # Her grandmother, with a wrong code: refused too.
        page.select_option(f"{row} select[name=collector]", str(grandma.pk))
        page.fill(f"{row} input[name=code]", "999999" if grandma_code != "999999" else "111111")
        worker.submit(f"{row} form.sign-out button")
        assert page.inner_text("#refusal") == "接送码不对，不能接走孩子"
        assert Attendance.objects.get(child=lili).status == Presence.IN
        # Her grandmother with her code: 丽丽 goes home.
        page.select_option(f"{row} select[name=collector]", str(grandma.pk))
        page.fill(f"{row} input[name=code]", grandma_code)
        worker.submit(f"{row} form.sign-out button")
        assert page.get_attribute(row, "data-status") == "out"
        assert "外婆" in page.inner_text(row)
        worker.shot("signed-out")
        collected = Attendance.objects.get(child=lili)
        assert (collected.collected_by_id, collected.signed_out_by_id) == (
            grandma.pk,
            world.social_worker.pk,
        )

        # 小涛 is still there after closing (18:00): the manager hears at once.
        traveller.move_to(four_pm + dt.timedelta(hours=2, minutes=1))
        assert run_pickup_sweep(clock.now()).managers_alerted == 1
        boss = Phone(chromium, live_server.url, shots="childcare")
        page = boss.login("home_manager", "/console/notifications/")
        assert page.inner_text("#unread-count") == "1"
        assert "北部湾社区儿童之家：有孩子闭馆后仍未被接走" in page.inner_text("#notification-list")
        boss.shot("manager-notified")

        # Half an hour later, nobody has come: the protection officer.
        traveller.move_to(four_pm + dt.timedelta(hours=2, minutes=31))
        assert run_pickup_sweep(clock.now()).officers_alerted == 1
        officer = Phone(chromium, live_server.url, shots="childcare")
        page = officer.login("protection", "/console/notifications/")
        assert "有孩子闭馆后仍未被接走" in page.inner_text("#notification-list")
        officer.submit("#notification-list button[type=submit]")
        assert page.url == live_server.url + path
        tao_row = page.inner_text(f"li[data-child='{tao.pk}']")
        assert "闭馆后未接走" in tao_row and "13900003333" in tao_row
        assert page.locator("form.sign-out").count() == 0
        officer.shot("officer-sees-place")
        for phone in (worker, boss, officer):
            phone.close()
