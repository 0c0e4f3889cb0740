"""Duties: the yearly figures counted from a committee member's records, the chair's
evaluation, point rules, trainings, the export; every denial changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from sanshi.audit.models import AuditEntry
from sanshi.concerns import actions as concerns
from sanshi.concerns.models import ConcernEvent, EventKind
from sanshi.core import clock
from sanshi.duties import actions
from sanshi.duties.models import Attendance, Evaluation, PointRule, Training
from sanshi.duties.selectors import figures_for, points, rule_for
from sanshi.network import actions as network
from sanshi.network.models import CareFlag, Visit
from sanshi.orgs.models import Role
from sanshi.testing import World, make_user, person_of
from sanshi.volunteers import actions as volunteering
from sanshi.volunteers.models import ServiceRecord
from sanshi.volunteers.tests.conftest import id_number

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 15, 4, 0, tzinfo=dt.UTC)  # noon in Beihai
YEAR = 2026


def _at(day: str) -> Any:
    return clock.at(dt.datetime.fromisoformat(f"{day}T04:00:00+00:00"))


@pytest.fixture(autouse=True)
def _june() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _state() -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    return (
        list(Evaluation.objects.values_list("pk", "grade", "reason")),
        list(PointRule.objects.values_list("pk", "base", "per_visit", "minus_overdue")),
        Training.objects.count(),
        Attendance.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def year_of_work(world: World) -> dict[str, Any]:
    """A year of the community member's records: three visits (one late, one missed since),
    one concern answered, one returned, two activities, one training this year and one last."""
    member = world.member
    with _at("2026-01-05"):
        household = network.add_household(
            actor=member, address="北部湾社区 3栋 501", flags=[CareFlag.DV_HISTORY]
        )
    for day in ("2026-01-10", "2026-02-01", "2026-02-10"):  # due 01-19, 01-24 (late), 02-15
        with _at(day):
            network.log_visit(
                household, actor=member, found="一切正常", visited_on=dt.date.fromisoformat(day)
            )
    me = person_of(member)
    answered, returned = world.concern(), world.concern()
    for c in (answered, returned):
        concerns.dispatch_concern(c, world.community, actor=world.dispatcher, handlers=[me])
    concerns.sign_concern(answered, actor=member)
    concerns.reply_concern(answered, actor=member, reply="已联系儿童之家，每天下午开放")
    concerns.return_concern(returned, actor=member, reason="不是本社区的事")
    first = volunteering.review_volunteer(
        volunteering.register_volunteer(
            org=world.community,
            name="黄丽萍",
            phone="13900002222",
            id_number=id_number(7),
            consent=True,
        ),
        actor=world.chair,
        approve=True,
    )
    second = volunteering.review_volunteer(
        volunteering.register_volunteer(
            org=world.community,
            name="李娟",
            phone="13900003333",
            id_number=id_number(8),
            consent=True,
        ),
        actor=world.chair,
        approve=True,
    )
    for v in (first, second):  # one activity, two volunteers
        volunteering.record_service(
            v, actor=member, activity="亲子阅读会", served_on=dt.date(2026, 3, 1), hours="2"
        )
    volunteering.record_service(
        first, actor=member, activity="反家暴宣讲", served_on=dt.date(2026, 4, 1), hours="1.5"
    )
    this_year = actions.create_training(
        world.community,
        actor=world.chair,
        title="执委履职能力培训",
        held_on=dt.date(2026, 5, 10),
        hours="3",
    )
    last_year = actions.create_training(
        world.community,
        actor=world.chair,
        title="反家暴法培训",
        held_on=dt.date(2025, 11, 2),
        hours="2",
    )
    for t in (this_year, last_year):
        actions.record_attendance(t, [me], actor=world.chair)
    return {"person": me, "household": household}


def _counted(world: World, person: Any) -> dict[str, Any]:
    """Her figures, counted here straight from the records."""
    user = world.member
    mine = ConcernEvent.objects.filter(actor=user, at__year=YEAR)
    return {
        "visits": Visit.objects.filter(visitor=person, visited_on__year=YEAR).count(),
        "concerns_handled": mine.filter(kind=EventKind.REPLIED)
        .values("concern")
        .distinct()
        .count(),
        "returned": mine.filter(kind=EventKind.RETURNED).values("concern").distinct().count(),
        "activities": ServiceRecord.objects.filter(entered_by=user, served_on__year=YEAR)
        .values("activity", "served_on")
        .distinct()
        .count(),
        "trainings": Attendance.objects.filter(person=person, training__held_on__year=YEAR).count(),
    }


def test_the_report_shows_the_figures_counted_from_her_records(
    world: World, year_of_work: dict[str, Any]
) -> None:
    me = year_of_work["person"]
    counted = _counted(world, me)
    assert counted == {
        "visits": 3,
        "concerns_handled": 1,
        "returned": 1,
        "activities": 2,
        "trainings": 1,
    }
    figures = figures_for(me, world.community, YEAR)
    assert {k: getattr(figures, k) for k in counted} == counted
    # Late on 02-01 (due 01-24); not visited since 02-10 (due 02-24).
    assert figures.overdue == 2
    assert figures.training_hours == Decimal("3.0")
    total, _lines = points(figures, rule_for(world.community))
    assert total == Decimal("60") + 3 + 2 * 1 + 3 * 2 + 2 * 1 - 1 * 2 - 2 * 1
    page = _as(world.member).get(f"/duties/orgs/{world.community.pk}/members/{me.pk}/?year=2026")
    assert page.status_code == 200
    html = page.content.decode()
    for key, value in (
        ("visits", 3),
        ("concerns", 1),
        ("activities", 2),
        ("overdue", 2),
        ("returned", 1),
    ):
        assert f'id="f-{key}">{value}</dd>' in html
    assert '<span id="total">69.0</span>' in html
    # Last year: only last year's training.
    last = figures_for(me, world.community, 2025)
    assert (last.visits, last.trainings, last.overdue) == (0, 1, 0)


def test_the_chair_sets_rules_and_the_points_follow(
    world: World, year_of_work: dict[str, Any]
) -> None:
    client = _as(world.chair)
    values = {
        "base": "50",
        "per_visit": "2",
        "per_concern": "5",
        "per_activity": "1",
        "per_training": "4",
        "minus_overdue": "3",
        "minus_returned": "0",
    }
    response = client.post(f"/duties/orgs/{world.community.pk}/rules/", values)
    assert response.status_code == 302
    rule = PointRule.objects.get(org=world.community)
    assert (rule.base, rule.per_visit, rule.minus_overdue) == (Decimal("50.0"), 2, 3)
    assert AuditEntry.objects.filter(action="duties.point_rule_set").count() == 1
    me = year_of_work["person"]
    page = client.get(f"/duties/orgs/{world.community.pk}/?year=2026").content.decode()
    # 50 + 3*2 + 1*5 + 2*1 + 1*4 - 2*3 - 1*0
    assert f'<tr data-person="{me.pk}">' in page
    assert '<td class="points">61.0</td>' in page


def test_bad_rules_write_nothing(world: World) -> None:
    client = _as(world.chair)
    before = _state()
    bad = {
        "base": "-1",
        "per_visit": "1",
        "per_concern": "1",
        "per_activity": "1",
        "per_training": "1",
        "minus_overdue": "1",
        "minus_returned": "x",
    }
    response = client.post(f"/duties/orgs/{world.community.pk}/rules/", bad)
    assert response.status_code == 400
    assert _state() == before


def test_the_chair_evaluates_and_can_change_her_mind(
    world: World, year_of_work: dict[str, Any]
) -> None:
    me = year_of_work["person"]
    url = f"/duties/orgs/{world.community.pk}/members/{me.pk}/evaluate/?year=2026"
    client = _as(world.chair)
    assert client.post(url, {"grade": "competent", "reason": "走访及时"}).status_code == 302
    assert (
        client.post(url, {"grade": "excellent", "reason": "走访及时，办结诉求"}).status_code == 302
    )
    evaluation = Evaluation.objects.get()
    assert (evaluation.grade, evaluation.reason, evaluation.year) == (
        "excellent",
        "走访及时，办结诉求",
        2026,
    )
    assert evaluation.figures["visits"] == 3
    assert evaluation.figures["points"] == "69.0"
    audits = AuditEntry.objects.filter(action="duties.member_evaluated").order_by("pk")
    assert [a.data["grade"] for a in audits] == ["competent", "excellent"]
    assert [a.data["replaced"] for a in audits] == [None, "competent"]
    page = client.get(f"/duties/orgs/{world.community.pk}/members/{me.pk}/?year=2026")
    assert '<strong id="grade">优秀</strong>' in page.content.decode()


def test_bad_evaluations_write_nothing(world: World, year_of_work: dict[str, Any]) -> None:
    me = year_of_work["person"]
    url = f"/duties/orgs/{world.community.pk}/members/{me.pk}/evaluate/"
    client = _as(world.chair)
    before = _state()
    assert client.post(url, {"grade": "great", "reason": "好"}).status_code == 400
    assert client.post(url, {"grade": "excellent", "reason": "  "}).status_code == 400
    assert (
        client.post(url + "?year=2031", {"grade": "excellent", "reason": "好"}).status_code == 400
    )
    assert _state() == before


@pytest.mark.parametrize(
    "who", ["member", "outside_member", "volunteer", "leader", "social_worker", "dispatcher"]
)
def test_only_the_chair_evaluates_and_sets_rules(
    world: World, year_of_work: dict[str, Any], who: str
) -> None:
    me = year_of_work["person"]
    org = world.community.pk
    client = _as(getattr(world, who))
    before = _state()
    evaluate = client.post(
        f"/duties/orgs/{org}/members/{me.pk}/evaluate/", {"grade": "excellent", "reason": "好"}
    )
    rules = client.post(
        f"/duties/orgs/{org}/rules/",
        {
            "base": "100",
            "per_visit": "9",
            "per_concern": "9",
            "per_activity": "9",
            "per_training": "9",
            "minus_overdue": "0",
            "minus_returned": "0",
        },
    )
    assert (evaluate.status_code, rules.status_code) == (404, 404)
    assert _state() == before
    with pytest.raises(Exception) as refused:
        actions.evaluate_member(
            world.community,
            me,
            actor=getattr(world, who),
            year=YEAR,
            grade="excellent",
            reason="好",
        )
    assert type(refused.value).__name__ == "NotAllowed"
    assert _state() == before


def test_the_county_above_evaluates_too(world: World, year_of_work: dict[str, Any]) -> None:
    me = year_of_work["person"]
    evaluation = actions.evaluate_member(
        world.community, me, actor=world.county_staff, year=YEAR, grade="basic", reason="逾期两次"
    )
    assert evaluation.grade == "basic"


@pytest.mark.parametrize("who", ["outside_member", "volunteer", "leader", "social_worker"])
def test_others_do_not_see_a_members_report(
    world: World, year_of_work: dict[str, Any], who: str
) -> None:
    me = year_of_work["person"]
    client = _as(getattr(world, who))
    before = _state()
    assert client.get(f"/duties/orgs/{world.community.pk}/members/{me.pk}/").status_code == 404
    assert client.get(f"/duties/orgs/{world.community.pk}/").status_code == 404
    assert client.get(f"/duties/orgs/{world.community.pk}/export.xlsx").status_code == 404
    assert _state() == before


def test_a_member_does_not_see_another_members_report(world: World) -> None:
    other = make_user("member_two", role=Role.COMMITTEE_MEMBER, org=world.community)
    client = _as(world.member)
    response = client.get(f"/duties/orgs/{world.community.pk}/members/{person_of(other).pk}/")
    assert response.status_code == 404


def test_the_export_has_one_row_per_member_and_no_formulas(
    world: World, year_of_work: dict[str, Any]
) -> None:
    make_user('=HYPERLINK("http://x")', role=Role.COMMITTEE_MEMBER, org=world.community)
    actions.evaluate_member(
        world.community,
        year_of_work["person"],
        actor=world.chair,
        year=YEAR,
        grade="excellent",
        reason="+走访及时",
    )
    before = AuditEntry.objects.filter(action="export").count()
    response = _as(world.chair).get(f"/duties/orgs/{world.community.pk}/export.xlsx?year=2026")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 2
    by_name = {r[0]: r for r in rows}
    assert by_name["member"] == ("member", 3, 1, 2, 1, 3, 2, 1, 69, "优秀", "+走访及时")
    assert by_name['=HYPERLINK("http://x")'][8] == 60
    for row in sheet.iter_rows(min_row=3):
        assert row[0].data_type == "s"
    assert AuditEntry.objects.filter(action="export").count() == before + 1


def test_trainings_take_only_cadres_and_members_of_the_federation(world: World) -> None:
    client = _as(world.chair)
    response = client.post(
        "/duties/trainings/",
        {
            "org": world.community.pk,
            "title": "素质提升培训",
            "audience": "all",
            "held_on": "2026-06-01",
            "hours": "2.5",
        },
    )
    assert response.status_code == 302
    training = Training.objects.get()
    assert (training.title, training.hours) == ("素质提升培训", Decimal("2.5"))
    before = _state()
    for outsider in (world.outside_member, world.volunteer):
        response = client.post(
            f"/duties/trainings/{training.pk}/attendance/",
            {"person": [person_of(world.member).pk, person_of(outsider).pk]},
        )
        assert response.status_code == 400
    assert _state() == before
    response = client.post(
        f"/duties/trainings/{training.pk}/attendance/", {"person": [person_of(world.member).pk]}
    )
    assert response.status_code == 302
    assert list(Attendance.objects.values_list("person__name", flat=True)) == ["member"]
    # A member cannot run a training or record attendance.
    member = _as(world.member)
    before = _state()
    assert (
        member.post(
            f"/duties/trainings/{training.pk}/attendance/", {"person": [person_of(world.member).pk]}
        ).status_code
        == 404
    )
    response = member.post(
        "/duties/trainings/",
        {
            "org": world.community.pk,
            "title": "x",
            "audience": "all",
            "held_on": "2026-06-01",
            "hours": "1",
        },
    )
    assert response.status_code == 400
    assert _state() == before


def test_her_phone_reads_her_yearly_report(world: World, year_of_work: dict[str, Any]) -> None:
    from sanshi.api.tests.conftest import Api

    actions.evaluate_member(
        world.community,
        year_of_work["person"],
        actor=world.chair,
        year=YEAR,
        grade="competent",
        reason="按时走访",
    )
    [report] = Api(world.member).get("/duties/me", {"year": 2026}).json()
    assert (
        report["org_id"],
        report["visits"],
        report["concerns_handled"],
        report["activities"],
        report["trainings"],
        report["overdue"],
        report["returned"],
        report["points"],
        report["grade"],
    ) == (world.community.pk, 3, 1, 2, 1, 2, 1, "69.0", "competent")
    assert Api(world.volunteer).get("/duties/me").json() == []
    assert Api(world.member).get("/duties/me", {"year": 2031}).status_code == 400
