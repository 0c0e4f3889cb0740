"""Who may take which lifecycle step: roles in the concern's org or above it, or assignment."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from sanshi.concerns.models import Assignment, Concern
from sanshi.orgs.models import Org, Role
from sanshi.orgs.selectors import roles_of_user

User = AbstractBaseUser | AnonymousUser

HANDLER_ROLES = frozenset(
    {
        Role.CHAIR,
        Role.VICE_CHAIR,
        Role.COMMITTEE_MEMBER,
        Role.STAFF,
        Role.DISPATCHER,
        Role.SOCIAL_WORKER,
        Role.PROTECTION_OFFICER,
    }
)
SUPERVISOR_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.STAFF, Role.DISPATCHER})
PROTECTION_ROLES = frozenset({Role.PROTECTION_OFFICER})


@dataclass(frozen=True)
class Grant:
    org_path: str
    role: str


def grants(user: User | None) -> list[Grant]:
    """The (org path, role) pairs the user holds today."""
    return [Grant(m.org.path, m.role) for m in roles_of_user(user)]


def holds_at(user_grants: list[Grant], org: Org, roles: frozenset[str]) -> bool:
    """A role in exactly this org."""
    return any(g.org_path == org.path and g.role in roles for g in user_grants)


def holds_at_or_above(user_grants: list[Grant], org: Org, roles: frozenset[str]) -> bool:
    """A role in this org or any org above it."""
    return any(org.path.startswith(g.org_path) and g.role in roles for g in user_grants)


def holds_above(user_grants: list[Grant], org: Org, roles: frozenset[str]) -> bool:
    """A role in an org strictly above this one."""
    return any(
        org.path.startswith(g.org_path) and g.org_path != org.path and g.role in roles
        for g in user_grants
    )


def is_assigned(user: User | None, concern: Concern) -> bool:
    """The user's person is an active handler of the concern."""
    if user is None or not user.is_authenticated:
        return False
    return Assignment.objects.filter(concern=concern, person__user_id=user.pk, active=True).exists()


def may_dispatch(user: User, concern: Concern, target: Org) -> bool:
    """Dispatchers and supervisors of the queue's org or above, to an org in their subtree."""
    g = grants(user)
    return holds_at_or_above(g, concern.org, SUPERVISOR_ROLES) and holds_at_or_above(
        g, target, SUPERVISOR_ROLES
    )


def may_handle(user: User, concern: Concern) -> bool:
    """Sign, return, contact, reply: an assigned handler or a handler role in the concern's org."""
    return is_assigned(user, concern) or holds_at(grants(user), concern.org, HANDLER_ROLES)


def may_supervise(user: User, concern: Concern) -> bool:
    """Approve extensions, follow up by phone, merge: supervisors at or above the concern's org."""
    return holds_at_or_above(grants(user), concern.org, SUPERVISOR_ROLES)


def may_reclassify(user: User, concern: Concern) -> bool:
    """Correct the category or urgency: handlers, supervisors and protection officers above."""
    g = grants(user)
    return (
        may_handle(user, concern)
        or holds_at_or_above(g, concern.org, SUPERVISOR_ROLES)
        or holds_at_or_above(g, concern.org, PROTECTION_ROLES)
    )


def may_decide_extension(user: User, concern: Concern) -> bool:
    """A supervisor at or above the concern's org who is not handling it herself."""
    return may_supervise(user, concern) and not is_assigned(user, concern)
