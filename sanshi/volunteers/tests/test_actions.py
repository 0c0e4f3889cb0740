"""Registration, review, records, confirmation, corrections, certificates and stars."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from sanshi.audit.models import AuditEntry
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.testing import World
from sanshi.volunteers import actions
from sanshi.volunteers.idcard import is_valid_id_number, mask_id_number
from sanshi.volunteers.models import Certificate, ServiceCorrection, ServiceRecord, Volunteer
from sanshi.volunteers.selectors import (
    confirmed_hours,
    next_star,
    star_level,
    totals,
    verify,
)
from sanshi.volunteers.tests.conftest import id_number

pytestmark = pytest.mark.django_db
YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def test_id_numbers_are_checked() -> None:
    assert is_valid_id_number("11010519491231002X") is True
    assert is_valid_id_number("110105194912310021") is False  # wrong check character
    assert is_valid_id_number("110105194913310025") is False  # month 13
    assert mask_id_number("11010519491231002X") == "1101**********002X"


@pytest.mark.parametrize(
    ("hours", "stars", "next_at"),
    [
        (0, 0, 100),
        (99.9, 0, 100),
        (100, 1, 300),
        (300, 2, 600),
        (600, 3, 1000),
        (1000, 4, 1500),
        (1500, 5, None),
        (2000, 5, None),
    ],
)
def test_star_levels_follow_cumulative_hours(hours: float, stars: int, next_at: int | None) -> None:
    assert star_level(Decimal(str(hours))) == stars
    assert next_star(Decimal(str(hours))) == next_at


def test_phone_and_id_number_are_sealed(world: World, volunteer: Volunteer) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, id_number FROM volunteers_volunteer WHERE id = %s", [volunteer.pk]
        )
        phone, number = cursor.fetchone()
    assert "13900002222" not in phone
    assert id_number(7) not in number
    assert Volunteer.objects.get(pk=volunteer.pk).id_number == id_number(7)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"id_number": "450502199003011234"}, "id_number"),
        ({"consent": False}, "consent"),
    ],
)
def test_bad_registrations_write_nothing(
    world: World, changes: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "org": world.community,
        "name": "李华",
        "phone": "13900003333",
        "id_number": id_number(3),
        "consent": True,
        **changes,
    }
    with pytest.raises(InvalidInput) as err:
        actions.register_volunteer(**values)  # type: ignore[arg-type]
    assert list(err.value.fields) == [field]
    assert Volunteer.objects.count() == 0


def test_one_registration_per_id_number(world: World, volunteer: Volunteer) -> None:
    with pytest.raises(InvalidInput) as err:
        actions.register_volunteer(
            org=world.other_community,
            name="黄丽萍",
            phone="13900004444",
            id_number=id_number(7).lower(),
            consent=True,
        )
    assert err.value.fields == {"id_number": "registered"}
    assert Volunteer.objects.count() == 1


@pytest.mark.parametrize(
    "who", ["member", "volunteer", "leader", "outside_member", "social_worker"]
)
def test_only_the_federation_reviews(world: World, who: str) -> None:
    v = actions.register_volunteer(
        org=world.community, name="李华", phone="13900003333", id_number=id_number(3), consent=True
    )
    with pytest.raises(NotAllowed):
        actions.review_volunteer(v, actor=getattr(world, who), approve=True)
    v.refresh_from_db()
    assert v.status == Volunteer.Status.PENDING


def test_hours_count_once_confirmed_by_someone_else(world: World, volunteer: Volunteer) -> None:
    record = actions.record_service(
        volunteer, actor=world.member, activity="儿童之家课业辅导", served_on=YESTERDAY, hours="2.5"
    )
    assert confirmed_hours(volunteer) == Decimal("0")
    with pytest.raises(NotAllowed):
        actions.confirm_service(record, actor=world.member)  # not a reviewer
    actions.confirm_service(record, actor=world.chair)
    assert confirmed_hours(volunteer) == Decimal("2.5")
    with pytest.raises(Conflict):
        actions.confirm_service(record, actor=world.county_staff)


def test_the_one_who_entered_does_not_confirm(world: World, volunteer: Volunteer) -> None:
    record = actions.record_service(
        volunteer, actor=world.chair, activity="敬老院探访", served_on=YESTERDAY, hours=3
    )
    with pytest.raises(NotAllowed):
        actions.confirm_service(record, actor=world.chair)
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.ENTERED


@pytest.mark.parametrize(
    ("hours", "day", "field"),
    [
        ("0", YESTERDAY, "hours"),
        ("25", YESTERDAY, "hours"),
        ("abc", YESTERDAY, "hours"),
        ("2", dt.date.today() + dt.timedelta(days=2), "served_on"),
    ],
)
def test_bad_records_write_nothing(
    world: World, volunteer: Volunteer, hours: str, day: dt.date, field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        actions.record_service(
            volunteer, actor=world.member, activity="活动", served_on=day, hours=hours
        )
    assert list(err.value.fields) == [field]
    assert ServiceRecord.objects.count() == 0


def test_outsiders_cannot_record_service(world: World, volunteer: Volunteer) -> None:
    for who in ("outside_member", "volunteer", "leader"):
        with pytest.raises(NotAllowed):
            actions.record_service(
                volunteer, actor=getattr(world, who), activity="活动", served_on=YESTERDAY, hours=1
            )
    assert ServiceRecord.objects.count() == 0


def test_a_correction_keeps_the_old_figure_and_is_audited(
    world: World, volunteer: Volunteer
) -> None:
    record = actions.record_service(
        volunteer, actor=world.member, activity="活动", served_on=YESTERDAY, hours=4
    )
    actions.confirm_service(record, actor=world.chair)
    actions.correct_service(record, actor=world.chair, hours="3.5", reason="含路途时间，扣除半小时")
    correction = ServiceCorrection.objects.get()
    assert (correction.hours_before, correction.hours_after) == (Decimal("4.0"), Decimal("3.5"))
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.data) == (
        "volunteer.service_corrected",
        {"before": "4.0", "after": "3.5", "reason": "含路途时间，扣除半小时"},
    )
    with pytest.raises(InvalidInput):
        actions.correct_service(record, actor=world.chair, hours="2", reason="")
    record.refresh_from_db()
    assert record.hours == Decimal("3.5")


def test_a_certificate_stamps_the_record_and_verifies_against_it(
    world: World, volunteer: Volunteer
) -> None:
    with pytest.raises(Conflict):
        actions.issue_certificate(volunteer, actor=world.chair)
    for hours in ("2", "3.5"):
        r = actions.record_service(
            volunteer, actor=world.member, activity="课业辅导", served_on=YESTERDAY, hours=hours
        )
        actions.confirm_service(r, actor=world.chair)
    certificate = actions.issue_certificate(volunteer, actor=world.chair)
    assert (certificate.hours, certificate.records) == (Decimal("5.5"), 2)
    assert certificate.number.startswith("JG")
    assert verify(certificate).matches is True
    actions.correct_service(r, actor=world.chair, hours="1", reason="记错了")
    verdict = verify(Certificate.objects.get(pk=certificate.pk))
    assert (verdict.matches, verdict.record_hours) == (False, Decimal("3.0"))


def test_totals_per_person_team_and_org_count_confirmed_hours_of_the_year(
    world: World, volunteer: Volunteer
) -> None:
    team = actions.create_team(world.community, actor=world.chair, name="北部湾巾帼志愿服务队")
    actions.assign_team(volunteer, team, actor=world.chair)
    other = actions.review_volunteer(
        actions.register_volunteer(
            org=world.community,
            name="陈敏",
            phone="13900005555",
            id_number=id_number(9),
            consent=True,
        ),
        actor=world.chair,
        approve=True,
    )
    for v, hours in ((volunteer, "2"), (volunteer, "3"), (other, "1.5")):
        r = actions.record_service(
            v, actor=world.member, activity="活动", served_on=YESTERDAY, hours=hours
        )
        actions.confirm_service(r, actor=world.chair)
    actions.record_service(
        other, actor=world.member, activity="未确认", served_on=YESTERDAY, hours=9
    )
    everyone = Volunteer.objects.all()
    year = YESTERDAY.year
    people = {t.label: (t.hours, t.records) for t in totals(everyone, year=year, by="person")}
    assert people == {"黄丽萍": (Decimal("5.0"), 2), "陈敏": (Decimal("1.5"), 1)}
    teams = {t.label: t.hours for t in totals(everyone, year=year, by="team")}
    assert teams == {"北部湾巾帼志愿服务队": Decimal("5.0"), "—": Decimal("1.5")}
    orgs = [(t.label, t.hours, t.people) for t in totals(everyone, year=year, by="org")]
    assert orgs == [("北部湾社区妇联", Decimal("6.5"), 2)]
    assert totals(everyone, year=year - 1, by="org") == []
