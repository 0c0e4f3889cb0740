"""Who hears of what: which timeline events notify anyone, and whom.

`notifies` decides whether an event writes a notification task at all (concerns.actions asks
it for every event); `recipients_for` answers whom the task notifies. Keep the two agreed:
an event `notifies` lets through has someone in `recipients_for`.
"""

from __future__ import annotations

from sanshi.concerns.models import Concern, ConcernEvent, EventKind, Urgency
from sanshi.orgs.models import Org, Role
from sanshi.orgs.selectors import ancestor_ids, people_with_role

# Events that someone must hear about; the rest only go on the timeline.
NOTIFY_KINDS = frozenset(
    {
        EventKind.BREAK_GLASS,
        EventKind.DISPATCHED,
        EventKind.ASSIGNED,
        EventKind.RETURNED,
        EventKind.REMINDER,
        EventKind.OVERDUE,
        EventKind.ESCALATED,
        EventKind.REOPENED,
        EventKind.EXTENSION_REQUESTED,
        EventKind.FOLLOWED_UP,
        # Danger triage was unsure of, and a person's confirmation of it: the duty officers.
        EventKind.DANGER_CHECK,
        EventKind.DANGER_CONFIRMED,
    }
)
# A receipt or a change of urgency concerns someone only when the concern is critical (the
# duty officers); otherwise the dispatch board shows it and no task is written for it.
NOTIFY_KINDS_WHEN_CRITICAL = frozenset({EventKind.RECEIVED, EventKind.URGENCY_CHANGED})


def notifies(kind: str, urgency: str) -> bool:
    """Whether an event of this kind, on a concern of this urgency, goes to anyone
    (`recipients_for` answers whom; keep the two agreed)."""
    return kind in NOTIFY_KINDS or (
        kind in NOTIFY_KINDS_WHEN_CRITICAL and urgency == Urgency.CRITICAL
    )


DISPATCH_ROLES = (Role.DISPATCHER,)
DUTY_ROLES = (Role.PROTECTION_OFFICER,)


def _handler_user_ids(concern: Concern) -> set[int]:
    return set(
        concern.assignments.filter(active=True, person__user__isnull=False).values_list(
            "person__user_id", flat=True
        )
    )


def _role_user_ids(org: Org | None, roles: tuple[str, ...]) -> set[int]:
    if org is None:
        return set()
    return set(
        people_with_role(org, roles).filter(user__isnull=False).values_list("user_id", flat=True)
    )


def _duty_officers(concern: Concern, start: Org | None = None) -> set[int]:
    """Protection officers of the concern's org (or `start`) and every org above it; where an
    org has none, its chair is the duty officer."""
    ids: set[int] = set()
    for org in Org.objects.filter(pk__in=ancestor_ids(start or concern.org)):
        ids |= _role_user_ids(org, DUTY_ROLES) or _role_user_ids(org, (Role.CHAIR,))
    return ids


def recipients_for(event: ConcernEvent) -> set[int]:
    """Who hears about an event: handlers, dispatchers, or the duty officers."""
    concern = event.concern
    kind = event.kind
    danger = concern.urgency == Urgency.CRITICAL
    if kind in (EventKind.DANGER_CHECK, EventKind.DANGER_CONFIRMED):
        return _handler_user_ids(concern) | _duty_officers(concern)
    if (event.data or {}).get("deadline") == "check":
        # The check for danger is late: remind the duty officers, then tell those above.
        above = event.org if kind == EventKind.ESCALATED else None
        return _duty_officers(concern, above)
    if danger and kind in (EventKind.REMINDER, EventKind.OVERDUE):
        return _handler_user_ids(concern) | _duty_officers(concern)
    if kind in (EventKind.ASSIGNED, EventKind.REMINDER, EventKind.OVERDUE, EventKind.REOPENED):
        found = _handler_user_ids(concern)
        return found or _role_user_ids(concern.org, (Role.CHAIR, Role.STAFF))
    if kind == EventKind.BREAK_GLASS:
        return _role_user_ids(concern.org, (Role.CHAIR,))
    if kind == EventKind.DISPATCHED and concern.urgency == Urgency.CRITICAL:
        return _handler_user_ids(concern) | _duty_officers(concern)
    if kind == EventKind.DISPATCHED:
        return _handler_user_ids(concern) or _role_user_ids(
            concern.org, (Role.CHAIR, Role.STAFF, Role.DISPATCHER)
        )
    if kind in (EventKind.RETURNED, EventKind.EXTENSION_REQUESTED):
        return _role_user_ids(concern.dispatching_org or concern.org, DISPATCH_ROLES)
    if kind == EventKind.ESCALATED:
        return _role_user_ids(event.org, (*DISPATCH_ROLES, Role.CHAIR))
    if kind == EventKind.FOLLOWED_UP:
        return _handler_user_ids(concern)
    if kind in NOTIFY_KINDS_WHEN_CRITICAL and concern.urgency == Urgency.CRITICAL:
        return _duty_officers(concern) | _role_user_ids(concern.org, DISPATCH_ROLES)
    # Nobody else: notifies() writes no task for these.
    return set()
