"""A 三八红旗手工作室's page kept from the staff pages: leader, team, projects and activities,
each through an action with its audit row; only its keepers may, and a refusal changes
nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sanshi.audit.models import AuditEntry
from sanshi.core.errors import InvalidInput, NotAllowed
from sanshi.honours import actions
from sanshi.honours.models import Studio, StudioMember, StudioWork
from sanshi.places.models import Place, PlaceKind
from sanshi.testing import World

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _place(world: World, kind: str = PlaceKind.STUDIO, name: str = "许海鸥工作室") -> Place:
    return Place.objects.create(
        org=world.community,
        kind=kind,
        name=name,
        created_at=dt.datetime(2020, 7, 16, tzinfo=dt.UTC),
    )


def _studio(world: World) -> Studio:
    studio = actions.set_up_studio(_place(world), actor=world.chair, leader_name="许海鸥")
    actions.add_team_member(studio, actor=world.chair, name="黄丽萍", role="社工")
    actions.add_work(
        studio,
        actor=world.chair,
        kind="project",
        title="儿童之家志愿服务",
        summary="",
        held_on=dt.date(2020, 7, 1),
    )
    return studio


def _snapshot(studio: Studio) -> tuple[Any, ...]:
    row = Studio.objects.get(pk=studio.pk)
    return (
        row.leader_name,
        row.leader_title,
        row.intro,
        row.opened_on,
        list(StudioMember.objects.order_by("pk").values_list("name", "role")),
        list(StudioWork.objects.order_by("pk").values_list("kind", "title")),
    )


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_staff_set_up_and_edit_a_studio_from_the_staff_page(world: World) -> None:
    place = _place(world)
    client = _client(world.chair)
    url = f"/honours/staff/studios/{place.pk}/"
    first = client.get(url)
    assert first.status_code == 200
    assert "建立工作室页面" in first.content.decode()
    made = client.post(
        url,
        {
            "leader_name": "许海鸥",
            "leader_title": "广西三八红旗手",
            "intro": "北海首家工作室",
            "opened_on": "2020-07-16",
        },
    )
    assert (made.status_code, made["Location"]) == (303, url)
    studio = Studio.objects.get(place=place)
    assert (studio.leader_name, studio.opened_on) == ("许海鸥", dt.date(2020, 7, 16))
    edited = client.post(
        url,
        {
            "leader_name": "许海鸥",
            "leader_title": "北海益众社会工作服务中心主任",
            "intro": "北海首家工作室",
            "opened_on": "2020-07-16",
        },
    )
    assert edited.status_code == 303
    studio.refresh_from_db()
    assert studio.leader_title == "北海益众社会工作服务中心主任"
    entry = AuditEntry.objects.get(action="honours.studio_updated")
    assert (entry.actor_id, entry.data) == (world.chair.pk, {"fields": ["leader_title"]})
    assert client.post(f"{url}team/", {"name": "覃秀梅", "role": "巾帼志愿者"}).status_code == 303
    assert (
        client.post(
            f"{url}works/",
            {
                "kind": "activity",
                "title": "反家暴宣传进社区",
                "summary": "",
                "held_on": "2020-08-01",
            },
        ).status_code
        == 303
    )
    member = StudioMember.objects.get()
    work = StudioWork.objects.get()
    page = client.get(url).content.decode()
    assert f'data-member="{member.pk}"' in page and f'data-work="{work.pk}"' in page
    public = Client().get(f"/honours/studios/{place.pk}/").content.decode()
    assert "北海益众社会工作服务中心主任" in public and "覃秀梅" in public
    assert client.post(f"{url}team/{member.pk}/remove/").status_code == 303
    assert client.post(f"{url}works/{work.pk}/remove/").status_code == 303
    assert (StudioMember.objects.count(), StudioWork.objects.count()) == (0, 0)
    assert "覃秀梅" not in Client().get(f"/honours/studios/{place.pk}/").content.decode()
    assert _actions()[-6:] == [
        "honours.studio_set_up",
        "honours.studio_updated",
        "honours.studio_member_added",
        "honours.studio_work_added",
        "honours.studio_member_removed",
        "honours.studio_work_removed",
    ]


def test_the_place_manager_keeps_her_studio_page(world: World) -> None:
    studio = _studio(world)
    studio.place.managers.add(world.member)
    actions.update_studio(studio, actor=world.member, leader_name="许海鸥", intro="新的介绍")
    assert Studio.objects.get(pk=studio.pk).intro == "新的介绍"


def test_a_bad_edit_is_refused_and_changes_nothing(world: World) -> None:
    studio = _studio(world)
    client = _client(world.chair)
    before, audits = _snapshot(studio), AuditEntry.objects.count()
    with pytest.raises(InvalidInput):
        actions.update_studio(studio, actor=world.chair, leader_name="  ")
    with pytest.raises(InvalidInput):
        actions.update_studio(
            studio, actor=world.chair, leader_name="许海鸥", opened_on=dt.date(2999, 1, 1)
        )
    refused = client.post(
        f"/honours/staff/studios/{studio.place_id}/", {"leader_name": ""}, follow=True
    )
    assert refused.status_code == 200
    assert "领办人" in refused.content.decode()
    assert (_snapshot(studio), AuditEntry.objects.count()) == (before, audits)


@pytest.mark.parametrize("who", ["outside_member", "volunteer", "leader", "member", "dispatcher"])
def test_others_cannot_edit_a_studio_and_change_nothing(world: World, who: str) -> None:
    studio = _studio(world)
    user = getattr(world, who)
    member, work = StudioMember.objects.get(), StudioWork.objects.get()
    client = _client(user)
    before, audits = _snapshot(studio), AuditEntry.objects.count()
    with pytest.raises(NotAllowed):
        actions.update_studio(studio, actor=user, leader_name="别人")
    with pytest.raises(NotAllowed):
        actions.remove_team_member(member, actor=user)
    with pytest.raises(NotAllowed):
        actions.remove_work(work, actor=user)
    url = f"/honours/staff/studios/{studio.place_id}/"
    assert client.get(url).status_code == 404
    posts = {
        url: {"leader_name": "别人"},
        f"{url}team/": {"name": "别人"},
        f"{url}team/{member.pk}/remove/": {},
        f"{url}works/": {"kind": "project", "title": "x", "held_on": "2020-01-01"},
        f"{url}works/{work.pk}/remove/": {},
    }
    for target, data in posts.items():
        assert client.post(target, data).status_code == 404, target
    assert (_snapshot(studio), AuditEntry.objects.count()) == (before, audits)


def test_a_place_that_is_not_a_studio_or_a_huge_id_is_not_found(world: World) -> None:
    other = _place(world, kind=PlaceKind.CHILDRENS_HOME, name="北部湾社区儿童之家")
    client = _client(world.chair)
    assert client.get(f"/honours/staff/studios/{other.pk}/").status_code == 404
    assert (
        client.post(f"/honours/staff/studios/{other.pk}/", {"leader_name": "某"}).status_code == 404
    )
    huge = "99999999999999999999999999"
    assert client.get(f"/honours/staff/studios/{huge}/").status_code == 404
    studio = _studio(world)
    assert (
        client.post(f"/honours/staff/studios/{studio.place_id}/team/{huge}/remove/").status_code
        == 404
    )
    assert Studio.objects.filter(place=other).count() == 0


def test_the_place_page_and_the_honours_page_link_to_the_studio_form(world: World) -> None:
    studio = _studio(world)
    client = _client(world.chair)
    link = f'href="/honours/staff/studios/{studio.place_id}/"'
    assert link in client.get(f"/places/staff/{studio.place_id}/").content.decode()
    assert link in client.get("/honours/staff/").content.decode()
