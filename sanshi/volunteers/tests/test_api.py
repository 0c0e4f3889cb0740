"""The volunteer's phone API: her record, hours and certificates; organisers recording hours."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from sanshi.api.tests.conftest import Api
from sanshi.audit.models import AuditEntry
from sanshi.core import clock
from sanshi.core.models import IdempotentResponse
from sanshi.testing import World, person_of
from sanshi.volunteers import actions
from sanshi.volunteers.models import ServiceRecord, Team, Volunteer
from sanshi.volunteers.tests.conftest import id_number

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def _sign_in_as(world: World, volunteer: Volunteer) -> Api:
    """World's volunteer login is the person who registered (same name and phone)."""
    person = person_of(world.volunteer)
    person.name, person.phone = volunteer.name, "139 0000 2222"
    person.save()
    return Api(world.volunteer)


def _served(
    world: World, volunteer: Volunteer, days_ago: int, hours: str, *, confirm: bool
) -> ServiceRecord:
    record = actions.record_service(
        volunteer,
        actor=world.member,
        activity=f"活动{days_ago}",
        served_on=_today() - dt.timedelta(days=days_ago),
        hours=hours,
    )
    return actions.confirm_service(record, actor=world.chair) if confirm else record


def test_she_sees_her_record_without_her_id_number(world: World, volunteer: Volunteer) -> None:
    team = actions.create_team(world.community, actor=world.chair, name="巾帼暖心服务队")
    actions.assign_team(volunteer, team, actor=world.chair)
    _served(world, volunteer, 1, "2.5", confirm=True)
    _served(world, volunteer, 2, "4", confirm=True)
    _served(world, volunteer, 3, "3", confirm=False)  # not counted until confirmed
    response = _sign_in_as(world, volunteer).get("/volunteers/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": volunteer.pk,
        "name": "黄丽萍",
        "org_id": world.community.pk,
        "org": "北部湾社区妇联",
        "teams": ["巾帼暖心服务队"],
        "status": "approved",
        "star_level": 0,
        "total_hours": "6.5",
        "hours_this_year": response.json()["hours_this_year"],
    }
    # Served in the last three days: this year's share is what was served since 1 January.
    this_year = sum(
        (
            Decimal(h)
            for d, h in ((1, "2.5"), (2, "4"))
            if (_today() - dt.timedelta(days=d)).year == _today().year
        ),
        Decimal("0"),
    )
    assert Decimal(response.json()["hours_this_year"]) == this_year
    text = response.content.decode()
    assert id_number(7) not in text
    assert "13900002222" not in text
    assert "id_number" not in text and "phone" not in text


def test_her_hours_come_newest_first_a_page_at_a_time(world: World, volunteer: Volunteer) -> None:
    records = [_served(world, volunteer, days, "1", confirm=days % 2 == 0) for days in (5, 1, 3)]
    api = _sign_in_as(world, volunteer)
    first = api.get("/volunteers/me/hours", {"limit": 2})
    assert first.status_code == 200
    page = first.json()
    assert [r["id"] for r in page["results"]] == [records[1].pk, records[2].pk]
    assert [r["status"] for r in page["results"]] == ["entered", "entered"]
    assert page["results"][0]["hours"] == "1.0"
    assert page["next_cursor"]
    second = api.get("/volunteers/me/hours", {"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [r["id"] for r in second["results"]] == [records[0].pk]
    assert second["next_cursor"] is None
    bad = api.get("/volunteers/me/hours", {"cursor": "bm9wZQ"})
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["cursor"])


def test_her_certificates_carry_number_and_verify_url(world: World, volunteer: Volunteer) -> None:
    _served(world, volunteer, 1, "3", confirm=True)
    certificate = actions.issue_certificate(volunteer, actor=world.chair)
    response = _sign_in_as(world, volunteer).get("/volunteers/me/certificates")
    assert response.status_code == 200
    [row] = response.json()
    assert (row["number"], row["hours"], row["records"], row["org"]) == (
        certificate.number,
        "3.0",
        1,
        "北部湾社区妇联",
    )
    assert row["verify_url"] == f"http://testserver/volunteers/verify/{certificate.token}/"
    assert Api(world.chair).client.get(row["verify_url"]).status_code == 200


@pytest.mark.parametrize("who", ["member", "chair", "leader", "volunteer"])
def test_a_login_without_her_registration_gets_not_found(
    world: World, volunteer: Volunteer, who: str
) -> None:
    api = Api(getattr(world, who))  # nobody's person carries her name and phone
    for path in ("/volunteers/me", "/volunteers/me/hours", "/volunteers/me/certificates"):
        assert api.get(path).status_code == 404, path


def test_a_shared_phone_is_not_someone_else_s_record(world: World, volunteer: Volunteer) -> None:
    actions.register_volunteer(
        org=world.community,
        name="黄丽萍",
        phone="13900002222",
        id_number=id_number(8),
        consent=True,
    )
    # Two registrations with her name and phone: the login cannot tell which is hers.
    assert _sign_in_as(world, volunteer).get("/volunteers/me").status_code == 404


def _body(volunteer: Volunteer, **changes: object) -> dict[str, object]:
    return {
        "volunteer_id": volunteer.pk,
        "activity": "儿童之家课业辅导",
        "served_on": (_today() - dt.timedelta(days=1)).isoformat(),
        "hours": 2.5,
        **changes,
    }


def test_an_organiser_records_hours_once_per_key(world: World, volunteer: Volunteer) -> None:
    api = Api(world.member)
    created = api.post("/volunteers/hours", _body(volunteer), **{"Idempotency-Key": "k-1"})
    assert created.status_code == 201
    record = ServiceRecord.objects.get()
    assert created.json() == {
        "id": record.pk,
        "volunteer_id": volunteer.pk,
        "org": "北部湾社区妇联",
        "activity": "儿童之家课业辅导",
        "served_on": (_today() - dt.timedelta(days=1)).isoformat(),
        "hours": "2.5",
        "status": "entered",
        "concern_id": None,
        "visit_id": None,
    }
    assert (record.entered_by_id, record.hours) == (world.member.pk, Decimal("2.5"))
    assert AuditEntry.objects.filter(action="volunteer.service_recorded").count() == 1
    again = api.post("/volunteers/hours", _body(volunteer), **{"Idempotency-Key": "k-1"})
    assert (again.status_code, again.json()) == (201, created.json())
    assert again["Idempotent-Replayed"] == "true"
    other = api.post("/volunteers/hours", _body(volunteer, hours=3), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert ServiceRecord.objects.count() == 1


def _state() -> tuple[int, int, int, int]:
    return (
        ServiceRecord.objects.count(),
        AuditEntry.objects.count(),
        IdempotentResponse.objects.count(),
        Team.objects.count(),
    )


@pytest.mark.parametrize("who", ["volunteer", "leader", "outside_member"])
def test_others_cannot_record_hours_and_change_nothing(
    world: World, volunteer: Volunteer, who: str
) -> None:
    api = Api(getattr(world, who))
    before = _state()
    denied = api.post("/volunteers/hours", _body(volunteer), **{"Idempotency-Key": "k-2"})
    assert (denied.status_code, denied.json()["error"]) == (404, "not_found")
    assert _state() == before


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"hours": 25}, 400, "hours"),
        ({"hours": 0}, 400, "hours"),
        ({"activity": ""}, 400, "activity"),
        ({"served_on": "2001-01-01"}, 400, "served_on"),
        ({"extra": 1}, 400, "extra"),
        ({"volunteer_id": 10**9}, 404, None),
        ({"concern_id": 10**9}, 404, None),
    ],
)
def test_bad_hours_write_nothing(
    world: World, volunteer: Volunteer, changes: dict[str, object], status: int, field: str | None
) -> None:
    api = Api(world.member)
    before = _state()
    response = api.post("/volunteers/hours", _body(volunteer, **changes))
    assert response.status_code == status
    if field is not None:
        assert field in response.json()["fields"]
    assert _state() == before


def test_a_pending_volunteer_gets_no_hours(world: World) -> None:
    pending = actions.register_volunteer(
        org=world.community,
        name="林小燕",
        phone="13900003333",
        id_number=id_number(9),
        consent=True,
    )
    api = Api(world.member)
    before = _state()
    response = api.post("/volunteers/hours", _body(pending))
    assert (response.status_code, response.json()["error"]) == (409, "conflict")
    assert _state() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_record_once(world: World, volunteer: Volunteer) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent connections")
    api = Api(world.member)
    results: list[int] = []

    def post() -> None:
        try:
            response = api.post(
                "/volunteers/hours", _body(volunteer), **{"Idempotency-Key": "race"}
            )
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [201, 201, 201, 201]
    assert ServiceRecord.objects.count() == 1
