"""Access helpers for members' cards in the console: who manages whose card.

A chair or vice-chair manages the cards of her org's 执委 (and her own); federation staff
manage those of every org below them. Everyone else sees no card and no member: a member
outside the viewer's reach answers "not found", like a missing one.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from sanshi.concerns import permissions as perm
from sanshi.core import clock
from sanshi.core.errors import NotFound
from sanshi.core.types import User
from sanshi.intake.models import MemberCard
from sanshi.orgs.models import Membership, Org, Role

# Who holds a card: the committee (执委), its chair and vice-chairs.
CARD_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.CHAIR, Role.VICE_CHAIR})
CARD_MANAGER_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.STAFF})


def may_manage_cards(user: User, org: Org) -> bool:
    """The org's chair or vice-chair, or federation staff at or above it."""
    g = perm.grants(user)
    return perm.holds_at(g, org, frozenset({Role.CHAIR, Role.VICE_CHAIR})) or (
        perm.holds_at_or_above(g, org, frozenset({Role.STAFF}))
    )


def _managed_condition(user: User) -> Q:
    condition = Q(pk__in=[])
    for g in perm.grants(user):
        if g.role in (Role.CHAIR, Role.VICE_CHAIR):
            condition |= Q(org__path=g.org_path)
        elif g.role == Role.STAFF:
            condition |= Q(org__path__startswith=g.org_path)
    return condition


def card_memberships_for(user: User) -> QuerySet[Membership]:
    """The serving card holders whose cards the user manages, with their cards (newest first),
    by org then name."""
    if not user.is_authenticated:
        return Membership.objects.none()
    today = clock.now().date()
    return (
        Membership.objects.filter(_managed_condition(user), role__in=CARD_ROLES)
        .filter(term_start__lte=today)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
        .select_related("person", "org")
        .prefetch_related(
            Prefetch("cards", queryset=MemberCard.objects.order_by("-active", "-created_at"))
        )
        .order_by("org__path", "role", "person__name")
    )


def access_card_membership(user: User, membership_id: int) -> Membership:
    """One card holder the user manages; missing and out of reach both raise NotFound."""
    found = card_memberships_for(user).filter(pk=membership_id).first()
    if found is None:
        raise NotFound("no such member")
    return found


def access_card(user: User, card_id: int) -> MemberCard:
    """One card (active or not) of a member the user manages; else NotFound."""
    card = (
        MemberCard.objects.filter(pk=card_id, membership__in=card_memberships_for(user))
        .select_related("membership__person", "membership__org__parent")
        .first()
    )
    if card is None:
        raise NotFound("no such card")
    return card
