"""Members' cards from the console: a chair issues, reissues, revokes and prints her 执委's
cards; each change is audited; nobody else reaches them."""

from __future__ import annotations

import re

import segno
from django.test import Client

from sanshi.audit.models import AuditEntry
from sanshi.console.tests import helpers as h
from sanshi.intake.actions import issue_member_card
from sanshi.intake.models import MemberCard
from sanshi.orgs.models import Membership, Role
from sanshi.testing import World, make_user, person_of


def _membership(user: object, role: str = Role.COMMITTEE_MEMBER) -> Membership:
    return Membership.objects.get(person=person_of(user), role=role)  # type: ignore[arg-type]


def _cards() -> list[tuple[int, str, bool]]:
    return list(MemberCard.objects.order_by("pk").values_list("membership_id", "code", "active"))


def _audit(action: str) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(action=action)
        .order_by("seq")
        .values_list("actor_name", "object_id")
    )


def test_the_chair_sees_her_committee_and_only_hers(world: World) -> None:
    make_user("other_chair", role=Role.CHAIR, org=world.other_community)
    body = h.logged_in(world.chair).get("/console/cards/").content.decode()
    members = re.findall(r'data-member="(\d+)"', body)
    assert sorted(int(m) for m in members) == sorted(
        [_membership(world.chair, Role.CHAIR).pk, _membership(world.member).pk]
    )
    assert 'href="/console/cards/"' in body  # the menu offers the page to a chair


def test_a_member_manages_no_cards_and_is_not_offered_the_page(world: World) -> None:
    client = h.logged_in(world.member)
    body = client.get("/console/cards/").content.decode()
    assert re.findall(r'data-member="(\d+)"', body) == []
    assert 'href="/console/cards/"' not in client.get("/console/").content.decode()


def test_the_chair_issues_a_card_with_an_audit_row(world: World) -> None:
    member = _membership(world.member)
    response = h.logged_in(world.chair).post(f"/console/cards/member/{member.pk}/issue/")
    card = MemberCard.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/cards/{card.pk}/print/"
    assert (card.membership_id, card.active) == (member.pk, True)
    assert _audit("card.issued") == [("chair", str(card.pk))]


def test_issuing_again_keeps_the_one_card(world: World) -> None:
    member = _membership(world.member)
    client = h.logged_in(world.chair)
    client.post(f"/console/cards/member/{member.pk}/issue/")
    client.post(f"/console/cards/member/{member.pk}/issue/")
    assert MemberCard.objects.count() == 1
    assert len(_audit("card.issued")) == 1


def test_the_printable_card_in_a6_and_phone_size(world: World) -> None:
    card = issue_member_card(_membership(world.member))
    client = h.logged_in(world.chair)
    a6 = client.get(f"/console/cards/{card.pk}/print/?size=a6")
    phone = client.get(f"/console/cards/{card.pk}/print/?size=phone").content.decode()
    body = a6.content.decode()
    url = f"http://testserver/m/{card.code}/"
    assert a6.status_code == 200
    assert "@page{size:A6 portrait;margin:0}" in body
    assert 'class="sheet a6"' in body and 'class="sheet phone"' in phone
    assert "@page" not in phone
    assert f'data-url="{url}"' in body
    assert person_of(world.member).name in body
    # The QR code on the card is the one segno draws for the card's public address.
    assert segno.make(url, error="m").svg_inline(border=2, omitsize=True) in body
    assert client.get(f"/console/cards/{card.pk}/print/?size=poster").status_code == 200


def test_reissue_gives_a_new_code_and_the_old_qr_stops(world: World) -> None:
    member = _membership(world.member)
    old = issue_member_card(member)
    client = h.logged_in(world.chair)
    response = client.post(f"/console/cards/member/{member.pk}/reissue/", {"reason": "名片遗失"})
    new = MemberCard.objects.get(active=True)
    assert response.status_code == 302
    assert new.pk != old.pk and new.code != old.code
    assert _cards() == [(member.pk, old.code, False), (member.pk, new.code, True)]
    assert Client().get(f"/m/{old.code}/").status_code == 404
    assert Client().get(f"/m/{new.code}/").status_code == 200
    entry = AuditEntry.objects.get(action="card.reissued")
    assert (entry.object_id, entry.data["replaces"], entry.data["reason"]) == (
        str(new.pk),
        old.pk,
        "名片遗失",
    )


def test_reissue_needs_a_reason_and_changes_nothing_without_one(world: World) -> None:
    member = _membership(world.member)
    issue_member_card(member)
    before = _cards()
    response = h.logged_in(world.chair).post(
        f"/console/cards/member/{member.pk}/reissue/", {"reason": "  "}
    )
    assert response.status_code == 400
    assert _cards() == before
    assert _audit("card.reissued") == []


def test_reissue_without_a_card_is_a_conflict(world: World) -> None:
    member = _membership(world.member)
    response = h.logged_in(world.chair).post(
        f"/console/cards/member/{member.pk}/reissue/", {"reason": "名片遗失"}
    )
    assert response.status_code == 409
    assert _cards() == []


def test_revoke_stops_the_card_with_an_audit_row(world: World) -> None:
    card = issue_member_card(_membership(world.member))
    client = h.logged_in(world.chair)
    response = client.post(f"/console/cards/{card.pk}/revoke/", {"reason": "已卸任"})
    assert response.status_code == 302
    assert _cards() == [(card.membership_id, card.code, False)]
    assert Client().get(f"/m/{card.code}/").status_code == 404
    assert client.get(f"/console/cards/{card.pk}/print/").status_code == 404
    assert _audit("card.revoked") == [("chair", str(card.pk))]
    client.post(f"/console/cards/{card.pk}/revoke/", {"reason": "again"})
    assert len(_audit("card.revoked")) == 1  # revoking a revoked card writes nothing


def test_county_staff_manage_the_cards_below_them(world: World) -> None:
    member = _membership(world.member)
    response = h.logged_in(world.county_staff).post(f"/console/cards/member/{member.pk}/issue/")
    assert response.status_code == 302
    assert _audit("card.issued") == [("county_staff", str(MemberCard.objects.get().pk))]


def test_nobody_else_reaches_a_card_and_nothing_changes(world: World) -> None:
    other_chair = make_user("other_chair", role=Role.CHAIR, org=world.other_community)
    member = _membership(world.member)
    card = issue_member_card(member)
    before = _cards()
    for user in (
        world.member,
        world.volunteer,
        world.leader,
        world.dispatcher,
        other_chair,
        world.outside_member,
        world.protection,
    ):
        client = h.logged_in(user)
        assert client.post(f"/console/cards/member/{member.pk}/issue/").status_code == 404
        assert (
            client.post(f"/console/cards/member/{member.pk}/reissue/", {"reason": "x"}).status_code
            == 404
        )
        assert client.post(f"/console/cards/{card.pk}/revoke/").status_code == 404
        assert client.get(f"/console/cards/{card.pk}/print/").status_code == 404
    assert _cards() == before
    assert AuditEntry.objects.filter(action__startswith="card.").count() == 0


def test_cards_need_a_sign_in_and_posts(world: World) -> None:
    member = _membership(world.member)
    assert Client().post(f"/console/cards/member/{member.pk}/issue/").status_code == 302
    assert (
        h.logged_in(world.chair).get(f"/console/cards/member/{member.pk}/issue/").status_code == 405
    )
    assert _cards() == []
