"""The phone pages over HTTP: who sees which household, and denials that change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from sanshi.audit.models import AuditEntry
from sanshi.concerns.models import Concern
from sanshi.network import actions
from sanshi.network.models import CareFlag, Household, Visit
from sanshi.testing import World

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC)


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _state() -> tuple[int, int, int, int, list[Any]]:
    """Everything a denied request must leave as it was."""
    return (
        Household.objects.count(),
        Visit.objects.count(),
        Concern.objects.count(),
        AuditEntry.objects.count(),
        list(Household.objects.values_list("pk", "last_visited_on", "next_visit_due", "active")),
    )


def test_member_sees_only_her_households(world: World, household: Household) -> None:
    other = actions.add_household(actor=world.outside_member, address="侨中社区 8栋 303")
    client = _as(world.member)
    page = client.get("/network/").content.decode()
    assert "3栋 2单元 501" in page
    assert "8栋 303" not in page
    assert "家暴史" in page
    before = _state()
    assert client.get(f"/network/households/{other.pk}/").status_code == 404
    assert _state() == before


@pytest.mark.parametrize(
    "who",
    [
        "volunteer",
        "leader",
        "outside_member",
        "social_worker",
        "dispatcher",
        "county_staff",
        "protection",
        "city_staff",
    ],
)
def test_nobody_else_sees_a_household_or_its_flags(
    world: World, household: Household, who: str
) -> None:
    visit = actions.log_visit(household, actor=world.member, found="丈夫又动手了")
    client = _as(getattr(world, who))
    before = _state()
    home = client.get("/network/").content.decode()
    assert "3栋" not in home
    assert "家暴史" not in home
    for url in (
        f"/network/households/{household.pk}/",
        f"/network/households/{household.pk}/edit/",
        f"/network/visits/{visit.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "家暴史" not in response.content.decode()
        assert "3栋" not in response.content.decode()
    writes = [
        (f"/network/households/{household.pk}/edit/", {"address": "改了", "flags": []}),
        (f"/network/households/{household.pk}/close/", {"reason": "搬走"}),
        (f"/network/visits/{visit.pk}/concern/", {"text": "报", "consent": "on"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 404
    response = client.post(
        "/network/visits/new/",
        {"household": household.pk, "visited_on": "2026-03-01", "found": "好"},
    )
    assert response.status_code == 400
    assert _state() == before
    console = client.get("/console/").content.decode()
    assert "家暴史" not in console


def test_the_chair_sees_her_members_households_with_their_flags(
    world: World, household: Household
) -> None:
    response = _as(world.chair).get(f"/network/households/{household.pk}/")
    assert response.status_code == 200
    assert "家暴史" in response.content.decode()
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.actor_id, last.object_id) == (
        "network.household_read",
        world.chair.pk,
        str(household.pk),
    )


def test_overdue_visits_show_on_the_member_and_chair_home_pages(
    world: World, household: Household
) -> None:
    fresh = actions.add_household(
        actor=world.member, address="6栋 102", flags=[CareFlag.DISABILITY]
    )
    with time_machine.travel(NOON + dt.timedelta(days=400), tick=False):
        # 家暴史: 14 days; 残疾: 30 days. Both are long past due; visit one today.
        actions.log_visit(fresh, actor=world.member, found="好")
        mine = _as(world.member).get("/network/").content.decode()
        chair = _as(world.chair).get("/network/").content.decode()
        console = _as(world.member).get("/console/").content.decode()
        chair_console = _as(world.chair).get("/console/").content.decode()
    overdue_mine = mine.split('id="overdue-mine"')[1].split("</section>")[0]
    assert "3栋 2单元 501" in overdue_mine
    assert "6栋 102" not in overdue_mine
    overdue_org = chair.split('id="overdue-org"')[1].split("</section>")[0]
    assert "3栋 2单元 501" in overdue_org
    assert "member" in overdue_org  # whose household it is
    assert 'id="network-overdue"' in console
    assert "3栋 2单元 501" in console.split('id="network-overdue"')[1]
    assert "3栋 2单元 501" in chair_console.split('id="network-overdue"')[1]


def test_a_member_logs_a_visit_and_raises_a_concern(world: World, household: Household) -> None:
    client = _as(world.member)
    form = client.get(f"/network/visits/new/?household={household.pk}").content.decode()
    assert f'<option value="{household.pk}" selected>' in form
    response = client.post(
        "/network/visits/new/",
        {
            "household": household.pk,
            "visited_on": dt.date.today().isoformat(),
            "found": "孩子晚上没人照看",
            "follow_up": "联系儿童之家",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/network/visits/{visit.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "孩子晚上没人照看\n联系儿童之家</textarea>" in page
    refused = client.post(f"/network/visits/{visit.pk}/concern/", {"text": "孩子晚上没人照看"})
    assert refused.status_code == 400
    assert Concern.objects.count() == 0
    done = client.post(
        f"/network/visits/{visit.pk}/concern/", {"text": "孩子晚上没人照看", "consent": "on"}
    )
    assert done.status_code == 302
    concern = Concern.objects.get()
    visit.refresh_from_db()
    assert visit.concern_id == concern.pk
    assert 'id="concern-code"' in client.get(f"/network/visits/{visit.pk}/").content.decode()


def test_bad_input_on_the_household_form_says_why_and_writes_nothing(world: World) -> None:
    client = _as(world.member)
    response = client.post(
        "/network/households/new/", {"address": "7栋", "people": "张三 母亲 13800002222"}
    )
    assert response.status_code == 400
    assert "record people only with their consent" in response.content.decode()
    assert Household.objects.count() == 0
    ok = client.post(
        "/network/households/new/",
        {
            "address": "7栋",
            "people": "张三 母亲 13800002222",
            "consent": "on",
            "flags": ["elder_alone"],
        },
    )
    assert ok.status_code == 302
    h = Household.objects.get()
    assert h.people == [{"name": "张三", "relation": "母亲", "phone": "13800002222"}]
    assert h.flags == ["elder_alone"]


def test_the_pages_speak_english_when_asked(world: World, household: Household) -> None:
    client = _as(world.member)
    page = client.get("/network/", headers={"Accept-Language": "en"}).content.decode()
    assert "My households" in page
    assert "History of domestic violence" in page
    assert "Log a visit" in page
