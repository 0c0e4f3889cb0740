"""The 儿童之家 pages over HTTP: who sees what of a child, and every denial changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sanshi.audit.models import AuditEntry
from sanshi.childcare import actions
from sanshi.childcare.models import Attendance, Child, Collector, Presence
from sanshi.childcare.tests.conftest import Home
from sanshi.testing import World


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _state() -> tuple[Any, ...]:
    return (
        list(Attendance.objects.order_by("pk").values_list("status", "collected_by_id")),
        Collector.objects.filter(active=True).count(),
        Child.objects.count(),
        AuditEntry.objects.filter(action__startswith="childcare.")
        .exclude(action="childcare.child_read")
        .count(),
    )


def test_carer_sees_the_day_list_with_names_and_collectors(world: World, home: Home) -> None:
    actions.sign_in(home.lili, actor=world.social_worker)
    response = _client(world.social_worker).get(f"/childcare/places/{home.place.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-child="') == 2
    assert "陈丽丽" in body and "黄秀英（外婆）" in body
    read = AuditEntry.objects.get(action="childcare.child_read")
    assert read.data == {"ids": [home.lili.pk, home.tao.pk], "how": "day_list"}


def test_volunteer_sees_only_first_names_of_children_present(world: World, home: Home) -> None:
    actions.sign_in(home.lili, actor=world.social_worker)
    response = _client(world.volunteer).get(f"/childcare/places/{home.place.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "丽丽" in body
    for hidden in ("陈丽丽", "小涛", "陈美华", "13900001111", "黄秀英", "外婆", "data-child"):
        assert hidden not in body
    assert AuditEntry.objects.filter(action="childcare.child_read").count() == 0


@pytest.mark.parametrize(
    "persona",
    ["volunteer", "protection", "member", "leader", "outside_member", "county_staff", "city_staff"],
)
def test_child_page_and_every_write_are_not_found_to_others(
    world: World, home: Home, persona: str
) -> None:
    actions.sign_in(home.lili, actor=world.social_worker)
    before = _state()
    client = _client(getattr(world, persona))
    answers = [
        client.get(f"/childcare/children/{home.lili.pk}/").status_code,
        client.post(f"/childcare/children/{home.tao.pk}/sign-in/").status_code,
        client.post(
            f"/childcare/children/{home.lili.pk}/sign-out/",
            {"collector": home.grandma.pk, "code": home.grandma_code},
        ).status_code,
        client.post(f"/childcare/children/{home.tao.pk}/excuse/", {"reason": "病"}).status_code,
        client.post(
            f"/childcare/children/{home.lili.pk}/collectors/",
            {"name": "张三", "relation": "邻居", "phone": "13900005555"},
        ).status_code,
        client.post(f"/childcare/collectors/{home.grandma.pk}/remove/").status_code,
        client.get(f"/childcare/places/{home.place.pk}/enroll/").status_code,
    ]
    assert answers == [404] * 7
    assert _state() == before
    assert AuditEntry.objects.filter(action="childcare.child_read").count() == 0


@pytest.mark.parametrize("persona", ["member", "leader", "outside_member", "county_staff"])
def test_place_page_is_not_found_to_others(world: World, home: Home, persona: str) -> None:
    response = _client(getattr(world, persona)).get(f"/childcare/places/{home.place.pk}/")
    assert response.status_code == 404
    assert "丽丽" not in response.content.decode()


def test_protection_officer_reads_the_list_to_act_but_cannot_sign_out(
    world: World, home: Home
) -> None:
    actions.sign_in(home.lili, actor=world.social_worker)
    client = _client(world.protection)
    body = client.get(f"/childcare/places/{home.place.pk}/").content.decode()
    assert "陈丽丽" in body and "13900001111" in body
    assert 'class="actions-inline sign-out"' not in body
    assert AuditEntry.objects.get(action="childcare.child_read").actor_id == world.protection.pk


def test_anonymous_is_sent_to_login(world: World, home: Home) -> None:
    response = Client().get(f"/childcare/places/{home.place.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_refused_sign_out_answers_403_and_says_why(world: World, home: Home) -> None:
    actions.sign_in(home.lili, actor=world.social_worker)
    client = _client(world.social_worker)
    response = client.post(
        f"/childcare/children/{home.lili.pk}/sign-out/", {"collector": "other", "code": ""}
    )
    assert response.status_code == 403
    assert "只能把孩子交给名单上的接送人" in response.content.decode()
    assert Attendance.objects.get(child=home.lili).status == Presence.IN


def test_enrol_over_http_shows_each_code_once(world: World, home: Home) -> None:
    client = _client(world.social_worker)
    response = client.post(
        f"/childcare/places/{home.place.pk}/enroll/",
        {
            "name": "王小明",
            "first_name": "小明",
            "birth_year": "2016",
            "guardian_name": "王芳",
            "guardian_relation": "母亲",
            "guardian_phone": "139 0000 4444",
            "c1_name": "王大山",
            "c1_relation": "父亲",
            "c1_phone": "13900006666",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    child = Child.objects.get(pk=max(Child.objects.values_list("pk", flat=True)))
    assert child.guardian_phone == "13900004444"
    assert body.count('data-collector="') == 2
    assert client.get(f"/childcare/children/{child.pk}/").content.decode().count("王大山") == 1


def test_enrol_without_consent_says_so_and_writes_nothing(world: World, home: Home) -> None:
    response = _client(world.social_worker).post(
        f"/childcare/places/{home.place.pk}/enroll/",
        {
            "name": "王小明",
            "first_name": "小明",
            "guardian_name": "王芳",
            "guardian_relation": "母亲",
            "guardian_phone": "13900004444",
        },
    )
    assert response.status_code == 400
    assert "须经监护人同意" in response.content.decode()
    assert Child.objects.count() == 2


def test_the_notice_opens_the_place_page(world: World, home: Home, frozen: Any) -> None:
    import datetime as dt

    from sanshi.childcare.sweep import run_pickup_sweep
    from sanshi.childcare.tests.conftest import MONDAY_4PM
    from sanshi.core import clock
    from sanshi.notifications.models import Notification

    actions.sign_in(home.lili, actor=world.social_worker)
    frozen.move_to(MONDAY_4PM + dt.timedelta(hours=2, minutes=1))
    run_pickup_sweep(clock.now())
    client = _client(home.manager)
    centre = client.get("/console/notifications/").content.decode()
    assert "北部湾社区儿童之家：有孩子闭馆后仍未被接走" in centre
    notice = Notification.objects.get(user=home.manager)
    opened = client.post(f"/console/notifications/{notice.pk}/open/")
    assert (opened.status_code, opened["Location"]) == (303, f"/childcare/places/{home.place.pk}/")
    page = client.get(opened["Location"]).content.decode()
    assert "闭馆后未接走" in page
