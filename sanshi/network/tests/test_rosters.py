"""Terms and rosters: joining and leaving with history, and a directory that shows only
what each member agreed to show."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sanshi.audit.models import AuditEntry
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.network import rosters
from sanshi.network.models import Office, Seat, Term
from sanshi.orgs.actions import create_person
from sanshi.orgs.models import Membership, Role
from sanshi.orgs.selectors import active_memberships
from sanshi.testing import World

pytestmark = pytest.mark.django_db
START = dt.date(2023, 1, 1)
END = dt.date(2027, 12, 31)


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def term(world: World) -> Term:
    return rosters.open_term(
        world.community, actor=world.chair, number=3, starts_on=START, ends_on=END
    )


def test_joining_gives_the_role_and_leaving_ends_it(world: World, term: Term) -> None:
    person = create_person(name="林秀珍")
    seat = rosters.seat_member(
        term,
        person,
        actor=world.chair,
        office=Office.PART_TIME_VICE_CHAIR,
        joined_on=dt.date(2024, 3, 1),
        sector="教育",
    )
    assert seat.membership.role == Role.VICE_CHAIR
    assert seat.membership.term_end == END
    assert [m.role for m in active_memberships(person, dt.date(2025, 1, 1))] == [Role.VICE_CHAIR]
    rosters.leave_seat(seat, actor=world.chair, left_on=dt.date(2025, 6, 30), reason="工作调动")
    assert active_memberships(person, dt.date(2025, 7, 1)).count() == 0
    seat.refresh_from_db()
    assert (seat.left_on, seat.left_reason) == (dt.date(2025, 6, 30), "工作调动")
    with pytest.raises(Conflict):
        rosters.leave_seat(seat, actor=world.chair, left_on=dt.date(2025, 7, 1), reason="再离")


@pytest.mark.parametrize(
    "who", ["member", "volunteer", "leader", "outside_member", "social_worker"]
)
def test_only_the_chair_and_staff_keep_the_roster(world: World, term: Term, who: str) -> None:
    person = create_person(name="林秀珍")
    before = (Seat.objects.count(), Membership.objects.count())
    with pytest.raises(NotAllowed):
        rosters.seat_member(
            term, person, actor=getattr(world, who), office=Office.COMMITTEE_MEMBER, joined_on=START
        )
    with pytest.raises(NotAllowed):
        rosters.open_term(
            world.community,
            actor=getattr(world, who),
            number=4,
            starts_on=END,
            ends_on=END + dt.timedelta(days=1800),
        )
    assert (Seat.objects.count(), Membership.objects.count()) == before
    assert Term.objects.count() == 1


def test_bad_roster_input_writes_nothing(world: World, term: Term) -> None:
    person = create_person(name="林秀珍")
    with pytest.raises(InvalidInput):
        rosters.seat_member(term, person, actor=world.chair, office="queen", joined_on=START)
    with pytest.raises(InvalidInput):
        rosters.seat_member(
            term,
            person,
            actor=world.chair,
            office=Office.COMMITTEE_MEMBER,
            joined_on=dt.date(2030, 1, 1),
        )
    with pytest.raises(InvalidInput):
        rosters.open_term(
            world.community, actor=world.chair, number=3, starts_on=START, ends_on=END
        )
    assert Seat.objects.count() == 0
    assert Membership.objects.filter(person=person).count() == 0


def test_the_directory_shows_only_what_each_member_agreed_to(world: World, term: Term) -> None:
    shy = rosters.seat_member(
        term,
        create_person(name="赵静"),
        actor=world.chair,
        office=Office.COMMITTEE_MEMBER,
        joined_on=START,
        helps_with="婚姻家庭",
    )
    open_ = rosters.seat_member(
        term,
        create_person(name="周丽"),
        actor=world.chair,
        office=Office.CHAIR,
        joined_on=START,
        sector="社区",
        helps_with="儿童托管、就业",
    )
    rosters.set_directory_consent(open_, actor=world.chair, show={"show_name", "show_helps_with"})
    page = Client().get(f"/network/directory/{world.community.pk}/").content.decode()
    assert "周丽" in page
    assert "儿童托管、就业" in page
    assert "社区</p>" not in page  # sector not agreed
    assert "赵静" not in page
    assert "婚姻家庭" not in page
    assert rosters.directory(world.community) == [
        {"name": "周丽", "office": "主席", "sector": "", "helps_with": "儿童托管、就业", "card": ""}
    ]
    del shy


def test_a_member_sets_her_own_directory_consent(world: World, term: Term) -> None:
    from sanshi.testing import person_of

    seat = rosters.seat_member(
        term,
        person_of(world.member),
        actor=world.chair,
        office=Office.COMMITTEE_MEMBER,
        joined_on=dt.date(2023, 2, 1),
    )
    client = _as(world.member)
    response = client.post("/network/directory/consent/", {"show": ["show_name", "show_card"]})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert (seat.show_name, seat.show_card, seat.show_helps_with) == (True, True, False)
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.data) == (
        "roster.directory_consent",
        {"show": ["show_card", "show_name"]},
    )
    with pytest.raises(NotAllowed):
        rosters.set_directory_consent(seat, actor=world.outside_member, show=set())


def test_the_chair_keeps_the_roster_on_its_page(world: World, term: Term) -> None:
    client = _as(world.chair)
    response = client.post(
        f"/network/roster/terms/{term.pk}/seats/",
        {
            "name": "吴梅",
            "office": "committee_member",
            "joined_on": "2024-05-01",
            "sector": "",
            "helps_with": "法律",
        },
    )
    assert response.status_code == 302
    seat = Seat.objects.get()
    page = client.get("/network/roster/").content.decode()
    assert "吴梅" in page
    client.post(
        f"/network/roster/seats/{seat.pk}/leave/", {"left_on": "2025-01-31", "reason": "搬离社区"}
    )
    page = client.get("/network/roster/").content.decode()
    assert "搬离社区" in page.split('id="past"')[1]
    assert _as(world.member).get("/network/roster/").status_code == 404
    assert (
        _as(world.volunteer)
        .post(f"/network/roster/seats/{seat.pk}/leave/", {"left_on": "2025-02-01", "reason": "x"})
        .status_code
        == 404
    )
