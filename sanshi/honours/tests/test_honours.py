"""Studios, honours and typical cases: what reaches the public site, and only by its rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sanshi.audit.models import AuditEntry
from sanshi.concerns.models import Concern, Status
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.honours import actions
from sanshi.honours.models import CaseStatus, Nomination, NominationStatus, TypicalCase
from sanshi.places.models import Place, PlaceKind
from sanshi.testing import World

CASE_BODY = (
    "一位母亲反映孩子放学后无人照看。社区妇联执委上门了解情况，联系儿童之家为孩子安排了"
    "课后托管，社工每天辅导作业。一个月后，母亲说孩子成绩进步了，自己也安心上班了。"
)


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _closed_concern(world: World) -> Concern:
    concern = world.concern(
        reporter_name="陈美华", reporter_phone="13900001111", address="北部湾路 8 号 3 栋 201"
    )
    # Test setup: the concern's lifecycle has its own tests; here it is simply resolved.
    Concern.objects.filter(pk=concern.pk).update(status=Status.CLOSED)
    concern.refresh_from_db()
    return concern


def _awarded(world: World, *, consent: bool, name: str = "许海鸥") -> Nomination:
    n = actions.nominate(
        world.county,
        actor=world.county_staff,
        kind="red_banner",
        level="region",
        year=2020,
        nominee=name,
        unit="北海益众社会工作服务中心",
        deeds="带领社工开展儿童之家志愿服务",
    )
    actions.start_review(n, actor=world.city_staff)
    actions.award(n, actor=world.city_staff, on=dt.date(2020, 7, 17))
    if consent:
        actions.record_roll_consent(n, actor=world.county_staff, consent=True)
    return n


def test_the_roll_shows_only_the_consenting(world: World) -> None:
    _awarded(world, consent=True)
    _awarded(world, consent=False, name="王秀兰")
    pending = actions.nominate(
        world.county,
        actor=world.county_staff,
        kind="finest_family",
        level="city",
        year=2020,
        nominee="林家",
    )
    body = _client().get("/honours/").content.decode()
    assert body.count('data-nomination="') == 1
    assert "许海鸥" in body and "自治区级“三八红旗手”" in body
    assert "王秀兰" not in body and "林家" not in body
    assert pending.status == NominationStatus.NOMINATED


def test_withdrawn_consent_leaves_the_roll(world: World) -> None:
    n = _awarded(world, consent=True)
    actions.record_roll_consent(n, actor=world.county_staff, consent=False)
    assert "许海鸥" not in _client().get("/honours/").content.decode()


def test_nominator_cannot_award_her_own_nomination(world: World) -> None:
    n = actions.nominate(
        world.county,
        actor=world.county_staff,
        kind="red_banner",
        level="city",
        year=2020,
        nominee="许海鸥",
    )
    actions.start_review(n, actor=world.county_staff)
    with pytest.raises(NotAllowed):
        actions.award(n, actor=world.county_staff)
    n.refresh_from_db()
    assert (n.status, n.awarded_on, n.reviewed_by) == (NominationStatus.IN_REVIEW, None, None)


@pytest.mark.parametrize(
    "persona", ["volunteer", "member", "social_worker", "leader", "outside_member", "protection"]
)
def test_only_staff_and_chairs_nominate(world: World, persona: str) -> None:
    with pytest.raises(NotAllowed):
        actions.nominate(
            world.community,
            actor=getattr(world, persona),
            kind="red_banner",
            level="city",
            year=2020,
            nominee="某人",
        )
    assert Nomination.objects.count() == 0


def test_the_staff_page_is_not_found_to_others_and_steps_change_nothing(world: World) -> None:
    n = actions.nominate(
        world.county,
        actor=world.county_staff,
        kind="red_banner",
        level="city",
        year=2020,
        nominee="许海鸥",
    )
    client = _client(world.volunteer)
    assert client.get("/honours/staff/").status_code == 404
    assert client.post(f"/honours/staff/nominations/{n.pk}/review/").status_code == 404
    other = _client(world.chair)  # a community chair: the county's nomination is above her
    assert other.post(f"/honours/staff/nominations/{n.pk}/review/").status_code == 404
    n.refresh_from_db()
    assert n.status == NominationStatus.NOMINATED
    assert AuditEntry.objects.filter(action="honours.review_started").count() == 0


def test_nominate_and_award_over_http(world: World) -> None:
    staff = _client(world.county_staff)
    response = staff.post(
        "/honours/staff/",
        {
            "org": world.county.pk,
            "kind": "model_post",
            "level": "nation",
            "year": "2020",
            "nominee": "北部湾社区",
            "unit": "",
            "deeds": "全国巾帼文明岗",
        },
    )
    assert response.status_code == 303
    n = Nomination.objects.get()
    city = _client(world.city_staff)
    for step in ("review", "award"):
        assert city.post(f"/honours/staff/nominations/{n.pk}/{step}/").status_code == 303
    assert staff.post(f"/honours/staff/nominations/{n.pk}/consent/").status_code == 303
    n.refresh_from_db()
    assert (n.status, n.public_consent, n.reviewed_by) == (
        NominationStatus.AWARDED,
        True,
        world.city_staff,
    )
    assert "全国“巾帼文明岗”" in _client().get("/honours/").content.decode()


def test_a_case_is_published_after_consent_and_a_second_persons_approval(world: World) -> None:
    concern = _closed_concern(world)
    case = actions.write_case(
        concern,
        actor=world.county_staff,
        title="托管解了母亲的心事",
        body=CASE_BODY,
        reporter_consented=True,
    )
    assert _client().get(f"/honours/cases/{case.pk}/").status_code == 404
    with pytest.raises(NotAllowed):
        actions.approve_case(case, actor=world.county_staff)
    actions.approve_case(case, actor=world.city_staff)
    page = _client().get(f"/honours/cases/{case.pk}/")
    assert page.status_code == 200
    assert "托管解了母亲的心事" in page.content.decode()
    case.refresh_from_db()
    assert (case.status, case.written_by, case.approved_by) == (
        CaseStatus.PUBLISHED,
        world.county_staff,
        world.city_staff,
    )


def test_a_case_without_consent_is_never_published(world: World) -> None:
    case = actions.write_case(
        _closed_concern(world),
        actor=world.county_staff,
        title="托管",
        body=CASE_BODY,
        reporter_consented=False,
    )
    with pytest.raises(Conflict):
        actions.approve_case(case, actor=world.city_staff)
    case.refresh_from_db()
    assert (case.status, case.approved_by) == (CaseStatus.DRAFT, None)


def test_a_case_only_from_a_resolved_concern(world: World) -> None:
    open_concern = world.concern()
    with pytest.raises(Conflict):
        actions.write_case(
            open_concern,
            actor=world.county_staff,
            title="托管",
            body=CASE_BODY,
            reporter_consented=True,
        )
    assert TypicalCase.objects.count() == 0


@pytest.mark.parametrize(
    "leak",
    [
        "陈美华",
        "13900001111",
        "139 0000 1111",
        "北部湾路 8 号 3 栋 201",
        "13812345678",
        "450502199003011234",
    ],
)
def test_a_case_that_identifies_anyone_is_refused(world: World, leak: str) -> None:
    with pytest.raises(InvalidInput):
        actions.write_case(
            _closed_concern(world),
            actor=world.county_staff,
            title="托管",
            body=CASE_BODY + leak,
            reporter_consented=True,
        )
    assert TypicalCase.objects.count() == 0


def test_studio_page_shows_leader_team_projects_and_activities(world: World) -> None:
    place = Place.objects.create(
        org=world.county,
        kind=PlaceKind.STUDIO,
        name="许海鸥工作室",
        created_at=dt.datetime(2020, 7, 16, tzinfo=dt.UTC),
    )
    studio = actions.set_up_studio(
        place, actor=world.county_staff, leader_name="许海鸥", leader_title="广西三八红旗手"
    )
    actions.add_team_member(studio, actor=world.county_staff, name="黄丽萍", role="社工")
    actions.add_work(
        studio,
        actor=world.county_staff,
        kind="project",
        title="儿童之家志愿服务",
        summary="",
        held_on=dt.date(2020, 7, 1),
    )
    actions.add_work(
        studio,
        actor=world.county_staff,
        kind="activity",
        title="反家暴宣传进社区",
        summary="",
        held_on=dt.date(2020, 8, 1),
    )
    body = _client().get(f"/honours/studios/{place.pk}/").content.decode()
    for text in ("许海鸥", "广西三八红旗手", "黄丽萍", "儿童之家志愿服务", "反家暴宣传进社区"):
        assert text in body
    with pytest.raises(NotAllowed):
        actions.add_team_member(studio, actor=world.volunteer, name="某人")
    assert studio.team.count() == 1


def test_only_a_studio_place_gets_a_studio_page(world: World) -> None:
    place = Place.objects.create(
        org=world.community,
        kind=PlaceKind.CHILDRENS_HOME,
        name="儿童之家",
        created_at=dt.datetime(2020, 7, 16, tzinfo=dt.UTC),
    )
    with pytest.raises(InvalidInput):
        actions.set_up_studio(place, actor=world.chair, leader_name="某人")
    assert _client().get(f"/honours/studios/{place.pk}/").status_code == 404


def test_an_id_beyond_any_row_is_not_found(world: World) -> None:
    huge = "99999999999999999999999999"
    assert _client().get(f"/honours/studios/{huge}/").status_code == 404
    assert _client().get(f"/honours/cases/{huge}/").status_code == 404
