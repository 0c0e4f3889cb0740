from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sanshi.core.errors import InvalidInput
from sanshi.intake.actions import CARD_ALPHABET, issue_member_card, revoke_member_card
from sanshi.intake.models import MemberCard
from sanshi.orgs.models import Membership, Role
from sanshi.testing import World, person_of

pytestmark = pytest.mark.django_db


def _membership(world: World) -> Membership:
    membership = Membership.objects.get(person=person_of(world.member), role=Role.COMMITTEE_MEMBER)
    Membership.objects.filter(pk=membership.pk).update(helps_with="家庭矛盾调解、儿童之家")
    membership.refresh_from_db()
    return membership


def test_issuing_twice_gives_the_same_unguessable_card(world: World) -> None:
    membership = _membership(world)
    card = issue_member_card(membership)
    assert issue_member_card(membership).pk == card.pk
    assert MemberCard.objects.count() == 1
    assert len(card.code) == 10
    assert set(card.code) <= set(CARD_ALPHABET)
    other = issue_member_card(Membership.objects.get(person=person_of(world.outside_member)))
    assert other.code != card.code


def test_only_committee_roles_get_cards(world: World) -> None:
    dispatcher = Membership.objects.get(person=person_of(world.dispatcher))
    with pytest.raises(InvalidInput):
        issue_member_card(dispatcher)
    assert MemberCard.objects.count() == 0


def test_card_page_shows_member_community_and_help(client: Client, world: World) -> None:
    card = issue_member_card(_membership(world))
    response = client.get(f"/m/{card.code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>member</h1>" in page
    assert "北部湾社区妇联 · 东街街道妇联 · 执委" in page
    assert "家庭矛盾调解、儿童之家" in page
    assert f'href="/report/?card={card.code}"' in page
    assert '<svg class="avatar"' in page


def test_card_opens_the_form_pre_tagged(client: Client, world: World) -> None:
    card = issue_member_card(_membership(world))
    page = client.get(f"/report/?card={card.code}").content.decode()
    assert f'name="card" value="{card.code}"' in page
    assert f'<option value="{world.community.pk}" selected>北部湾社区妇联</option>' in page
    assert page.count(f'<option value="{world.community.pk}"') == 1
    assert "您正在通过 北部湾社区妇联 执委 member 的名片反映" in page


def test_printable_qr_code_is_svg_pointing_at_the_card(client: Client, world: World) -> None:
    card = issue_member_card(_membership(world))
    svg = client.get(f"/m/{card.code}/qr.svg")
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert b"<svg" in svg.content
    printable = client.get(f"/m/{card.code}/print/").content.decode()
    assert f"http://testserver/m/{card.code}/" in printable
    assert "<svg" in printable


def test_revoked_expired_and_unknown_cards_are_404(client: Client, world: World) -> None:
    membership = _membership(world)
    card = issue_member_card(membership)
    assert client.get("/m/nosuchcard/").status_code == 404
    Membership.objects.filter(pk=membership.pk).update(term_end=dt.date(2021, 1, 1))
    assert client.get(f"/m/{card.code}/").status_code == 404
    Membership.objects.filter(pk=membership.pk).update(term_end=None)
    assert client.get(f"/m/{card.code}/").status_code == 200
    revoke_member_card(card)
    assert client.get(f"/m/{card.code}/").status_code == 404
    assert client.get(f"/m/{card.code}/qr.svg").status_code == 404
    assert issue_member_card(membership).code != card.code  # a new card after revoking


def test_admin_creates_cards_through_the_action(
    client: Client, world: World, settings: Any
) -> None:
    from django.contrib.auth import get_user_model

    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if "SecondFactor" not in m
    ]  # not under test

    admin = get_user_model().objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(admin)
    membership = _membership(world)
    response = client.post("/admin/intake/membercard/add/", {"membership": membership.pk})
    assert response.status_code == 302
    card = MemberCard.objects.get()
    assert (card.membership_id, card.active, len(card.code)) == (membership.pk, True, 10)


def test_unknown_card_in_the_form_is_ignored(client: Client, world: World) -> None:
    response = client.get("/report/?card=nosuchcard")
    assert response.status_code == 200
    assert 'name="card" value=""' not in response.content.decode()
    assert "的名片反映" not in response.content.decode()
