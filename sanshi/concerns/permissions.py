"""Who may take which lifecycle step: roles in the concern's org or above it, or assignment."""

from __future__ import annotations

from dataclasses import dataclass

from sanshi.concerns.models import Assignment, Concern, DangerCheck, Status, Urgency
from sanshi.core import clock
from sanshi.core.types import User
from sanshi.orgs.models import Org, Role
from sanshi.orgs.selectors import roles_of_user

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
# The duty officers for danger: protection officers, and the chair where an org has none
# (the same people notifications.actions tells about danger).
DUTY_ROLES = frozenset({Role.PROTECTION_OFFICER, Role.CHAIR})


@dataclass(frozen=True)
class Grant:
    org_path: str
    role: str


GRANTS_CACHE = "_sanshi_grants"


def grants(user: User | None) -> list[Grant]:
    """The (org path, role) pairs the user holds today.

    Kept on the user object for the day: a request loads its user afresh, so one request
    reads the roles once however many checks it makes. Code that changes roles and keeps
    using the same user object calls forget_grants(user).
    """
    if user is None or not user.is_authenticated:
        return []
    today = clock.now().date()
    cached = getattr(user, GRANTS_CACHE, None)
    if cached is not None and cached[0] == today:
        return list(cached[1])
    found = [Grant(m.org.path, m.role) for m in roles_of_user(user)]
    setattr(user, GRANTS_CACHE, (today, tuple(found)))
    return found


def forget_grants(user: User | None) -> None:
    """Drop the cached roles of this user object (after a role change)."""
    if user is not None and hasattr(user, GRANTS_CACHE):
        delattr(user, GRANTS_CACHE)


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


def sees_content(user: User, concern: Concern) -> bool:
    """Whether the user may read the concern's text and reporter (access.sees_in_full)."""
    if not concern.protected:
        return True
    from sanshi.concerns.access import sees_in_full  # access imports this module

    return sees_in_full(user, concern)


def may_handle(user: User, concern: Concern) -> bool:
    """Sign, return, contact, note, refer, reply: an assigned handler, a handler role in the
    concern's org, or for a protected concern (danger, a child) a protection officer of the
    org or above; never someone who cannot see what the concern says."""
    g = grants(user)
    by_role = (
        is_assigned(user, concern)
        or holds_at(g, concern.org, HANDLER_ROLES)
        or (concern.protected and holds_at_or_above(g, concern.org, PROTECTION_ROLES))
    )
    return by_role and sees_content(user, concern)


def may_take(user: User, concern: Concern) -> bool:
    """Take a protected concern waiting for dispatch into one's own hands: its protection
    officers (of the org or above)."""
    return (
        concern.protected
        and concern.status in UNDISPATCHED
        and holds_at_or_above(grants(user), concern.org, PROTECTION_ROLES)
    )


def may_check_danger(user: User, concern: Concern) -> bool:
    """Confirm or clear a danger triage was unsure of: the duty officers of the org or above."""
    return concern.danger_check == DangerCheck.PENDING and holds_at_or_above(
        grants(user), concern.org, DUTY_ROLES
    )


def may_unprotect(user: User, concern: Concern) -> bool:
    """Lift protection: protection officers of the org or above and the org's chair, never
    while the concern is critical or about a child under 14 (the rule would protect it)."""
    g = grants(user)
    return (
        concern.protected
        and concern.urgency != Urgency.CRITICAL
        and not concern.minor_under_14
        and (
            holds_at_or_above(g, concern.org, PROTECTION_ROLES)
            or holds_at(g, concern.org, frozenset({Role.CHAIR}))
        )
    )


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


# Status groups shared by the actions and by allowed_actions.
UNDISPATCHED = (Status.RECEIVED, Status.RETURNED)
OPEN_HANDLING = (Status.SIGNED, Status.IN_PROGRESS, Status.REOPENED)
MERGEABLE = (*UNDISPATCHED, Status.DISPATCHED, *OPEN_HANDLING)
ESCALATABLE = (Status.DISPATCHED, Status.RETURNED, *OPEN_HANDLING)


def may_act_on_legal_steps(user: User, concern: Concern) -> bool:
    """Handlers, and protection officers of the org or above."""
    return may_handle(user, concern) or holds_at_or_above(
        grants(user), concern.org, PROTECTION_ROLES
    )


def allowed_actions(user: User, concern: Concern) -> set[str]:
    """The lifecycle steps this user may take on this concern now (for showing buttons).

    The actions check the same rules again when called; this only saves a round trip.
    """
    if not user.is_authenticated:
        return set()
    status = concern.status
    handle = may_handle(user, concern)
    supervise = may_supervise(user, concern)
    allowed: set[str] = set()
    if status in UNDISPATCHED and supervise:
        allowed |= {"dispatch"}
    if may_take(user, concern):
        allowed |= {"take"}
    if may_check_danger(user, concern):
        allowed |= {"check_danger"}
    if may_unprotect(user, concern):
        allowed |= {"unprotect"}
    if status == Status.DISPATCHED and handle:
        allowed |= {"sign"}
    if status in (Status.DISPATCHED, Status.SIGNED) and handle:
        allowed |= {"return"}
    if status in OPEN_HANDLING and handle:
        allowed |= {"contact", "refer", "reply"}
        if concern.extension_requested_until is None:
            allowed |= {"request_extension"}
    if (
        status in OPEN_HANDLING
        and concern.extension_requested_until is not None
        and may_decide_extension(user, concern)
    ):
        allowed |= {"decide_extension"}
    if status == Status.REPLIED and supervise:
        allowed |= {"follow_up"}
    if status in (Status.REPLIED, *UNDISPATCHED) and supervise:
        allowed |= {"close"}
    if status in MERGEABLE and supervise:
        allowed |= {"merge"}
    if status in ESCALATABLE and (handle or supervise):
        allowed |= {"escalate"}
    if may_record_escalation_response(user, concern):
        allowed |= {"escalation_response"}
    if concern.is_open:
        if handle or supervise:
            allowed |= {"note", "assign"}
        if may_reclassify(user, concern):
            allowed |= {"reclassify", "change_urgency"}
        if may_act_on_legal_steps(user, concern):
            allowed |= {"legal_step"}
    return allowed


def may_record_escalation_response(user: User, concern: Concern) -> bool:
    """On an escalated concern: its supervisors, or supervisors at or above the org it was
    escalated to."""
    if concern.escalated_to_id is None and not concern.escalated_department:
        return False
    target = concern.escalated_to
    return may_supervise(user, concern) or (
        target is not None and holds_at_or_above(grants(user), target, SUPERVISOR_ROLES)
    )


def may_break_glass(user: User, concern: Concern) -> bool:
    """Staff, dispatchers, chairs and protection officers who can see the concern's org."""
    roles = SUPERVISOR_ROLES | PROTECTION_ROLES | {Role.SOCIAL_WORKER}
    return is_assigned(user, concern) or holds_at_or_above(
        grants(user), concern.org, frozenset(roles)
    )
