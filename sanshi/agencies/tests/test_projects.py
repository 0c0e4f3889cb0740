"""Projects of a social-work agency: outputs against promises, counted from the records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from sanshi.agencies import actions
from sanshi.agencies.models import Activity, Project, ProjectConcern
from sanshi.agencies.selectors import project_report
from sanshi.console.tests import helpers as h
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Org, Role
from sanshi.testing import World, make_user

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture
def agency(world: World) -> Org:
    return create_org(
        name="北海益众社会工作服务中心",
        level=Org.Level.DOMAIN,
        kind=Org.Kind.SOCIAL_ORG,
        parent=world.county,
    )


@pytest.fixture
def worker(agency: Org) -> Any:
    return make_user("yizhong_worker", role=Role.SOCIAL_WORKER, org=agency)


@pytest.fixture
def project(world: World, agency: Org, worker: Any) -> Project:
    return actions.create_project(
        agency,
        actor=worker,
        serves=world.community,
        name="北部湾社区妇女儿童关爱项目",
        funder="海城区民政局",
        starts_on=START,
        ends_on=END,
        target_groups="留守儿童、困境妇女",
        promises={"activities": 4, "participants": 100, "concerns": 2, "hours": 10},
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_report_counts_outputs_from_the_records(
    world: World, project: Project, worker: Any
) -> None:
    for title, people, hours in [
        ("亲子阅读", 20, "2"),
        ("反家暴讲座", 35, "1.5"),
        ("暑期托管", 12, "3"),
    ]:
        actions.record_activity(
            project,
            actor=worker,
            title=title,
            held_on=dt.date(2026, 7, 1),
            participants=people,
            hours=hours,
        )
    handled = h.replied(world)  # replied: counts
    waiting = h.dispatched(world)  # not handled yet: linked, does not count
    actions.link_concern(project, handled.pk, actor=world.chair)
    actions.link_concern(project, waiting.pk, actor=world.chair)
    lines = {
        line.metric: (line.target, line.actual, line.percent) for line in project_report(project)
    }
    assert lines == {
        "concerns": (2, Decimal(1), 50),
        "activities": (4, Decimal(3), 75),
        "participants": (100, Decimal(67), 67),
        "hours": (10, Decimal("6.5"), 65),
    }
    page = _client(world.chair).get(f"/agencies/projects/{project.pk}/").content.decode()
    assert '<td class="actual">67</td>' in page


def test_a_concern_counts_for_one_project_and_only_inside_its_area(
    world: World, project: Project, agency: Org, worker: Any
) -> None:
    concern = h.dispatched(world)
    actions.link_concern(project, concern.pk, actor=world.chair)
    other = actions.create_project(
        agency,
        actor=worker,
        serves=world.community,
        name="另一个项目",
        funder="区妇联",
        starts_on=START,
        ends_on=END,
    )
    with pytest.raises(Conflict):
        actions.link_concern(other, concern.pk, actor=world.chair)
    far = world.concern()  # received at the county: outside the community the project serves
    with pytest.raises(InvalidInput):
        actions.link_concern(project, far.pk, actor=world.dispatcher)
    assert ProjectConcern.objects.count() == 1


@pytest.mark.parametrize("who", ["volunteer", "member", "outside_member", "leader"])
def test_others_cannot_record_and_nothing_changes(world: World, project: Project, who: str) -> None:
    user = getattr(world, who)
    with pytest.raises(NotAllowed):
        actions.record_activity(
            project, actor=user, title="x", held_on=START, participants=1, hours=1
        )
    with pytest.raises(NotAllowed):
        actions.link_concern(project, h.dispatched(world).pk, actor=user)
    assert (Activity.objects.count(), ProjectConcern.objects.count()) == (0, 0)


def test_who_sees_a_project(world: World, project: Project, worker: Any) -> None:
    assert _client(world.leader).get(f"/agencies/projects/{project.pk}/").status_code == 200
    assert _client(worker).get(f"/agencies/projects/{project.pk}/").status_code == 200
    for who in ("volunteer", "member", "outside_member"):
        assert (
            _client(getattr(world, who)).get(f"/agencies/projects/{project.pk}/").status_code == 404
        )
    from sanshi.agencies.access import access_project

    with pytest.raises(NotFound):
        access_project(world.outside_member, project.pk)


def test_bad_input_writes_nothing(world: World, agency: Org, project: Project, worker: Any) -> None:
    with pytest.raises(InvalidInput):
        actions.create_project(
            agency,
            actor=worker,
            serves=world.community,
            name="x",
            funder="y",
            starts_on=END,
            ends_on=START,
        )
    with pytest.raises(InvalidInput):
        actions.create_project(
            world.community,
            actor=world.chair,
            serves=world.community,
            name="x",
            funder="y",
            starts_on=START,
            ends_on=END,
        )
    with pytest.raises(InvalidInput):
        actions.record_activity(
            project, actor=worker, title="x", held_on=dt.date(2027, 3, 1), participants=3, hours=1
        )
    assert (Project.objects.count(), Activity.objects.count()) == (1, 0)


def test_the_page_records_an_activity_and_links_a_concern(
    world: World, project: Project, worker: Any
) -> None:
    concern = h.replied(world)
    client = _client(world.chair)
    response = client.post(
        f"/agencies/projects/{project.pk}/activities/",
        {"title": "妇女议事会", "held_on": "2026-05-04", "participants": 18, "hours": "2"},
    )
    assert response.status_code == 302
    client.post(f"/agencies/projects/{project.pk}/concerns/", {"code": concern.tracking_code})
    assert ProjectConcern.objects.get().concern_id == concern.pk
    assert (
        client.post(f"/agencies/projects/{project.pk}/concerns/", {"code": "XXXX"}).status_code
        == 400
    )


def test_the_agency_creates_a_project_on_its_page_and_sees_its_people(
    world: World, agency: Org, worker: Any
) -> None:
    from sanshi.orgs.actions import add_membership
    from sanshi.testing import TERM_START, person_of

    add_membership(
        person_of(worker), world.community, role=Role.SOCIAL_WORKER, term_start=TERM_START
    )
    client = _client(worker)
    page = client.get("/agencies/").content.decode()
    assert "北部湾社区妇联" in page.split('id="people"')[1]  # where she serves
    bad = client.post(
        "/agencies/",
        {
            "name": "项目",
            "funder": "民政局",
            "serves": world.community.pk,
            "starts_on": "2026-12-31",
            "ends_on": "2026-01-01",
        },
    )
    assert bad.status_code == 400
    assert Project.objects.count() == 0
    ok = client.post(
        "/agencies/",
        {
            "name": "家庭教育指导项目",
            "funder": "区妇联",
            "serves": world.community.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "activities": "12",
        },
    )
    assert ok.status_code == 302
    created = Project.objects.get()
    assert (created.agency, created.serves, created.name) == (
        agency,
        world.community,
        "家庭教育指导项目",
    )
    assert dict(created.promises.values_list("metric", "target")) == {"activities": 12}
    refused = _client(world.member).post(
        "/agencies/",
        {
            "name": "x",
            "funder": "y",
            "serves": world.community.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert refused.status_code == 403
    assert Project.objects.count() == 1
