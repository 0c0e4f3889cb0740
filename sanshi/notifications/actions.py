"""Turn timeline events into notifications for the people who must act."""

from __future__ import annotations

import logging
from functools import partial

from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction

from sanshi.concerns.actions import NOTIFY_KINDS_WHEN_CRITICAL
from sanshi.concerns.models import Concern, ConcernEvent, EventKind, Urgency
from sanshi.core import clock
from sanshi.notifications.delivery import deliver
from sanshi.notifications.models import Notification
from sanshi.orgs.models import Org, Role
from sanshi.orgs.selectors import ancestor_ids, people_with_role

logger = logging.getLogger(__name__)

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
    # Nobody else: concerns.actions.notifies() writes no task for these (keep the two agreed).
    return set()


def notify_for_event(event: ConcernEvent, told: set[int] | None = None) -> int:
    """Create one notification per recipient; safe to run twice for the same event.

    `told`: users already notified about this concern by an earlier event of the same write
    (a danger received and dispatched at once alerts its officer once); updated in place."""
    kind = "critical" if event.concern.urgency == Urgency.CRITICAL and event.kind in (
        EventKind.RECEIVED, EventKind.URGENCY_CHANGED, EventKind.DANGER_CONFIRMED
    ) else event.kind  # fmt: skip
    recipients = recipients_for(event)
    if not recipients and kind == "critical":
        # Nobody in the org tree can be reached about danger: the administrators must hear of
        # it (the message carries only the kind, the tracking code and a link).
        logger.error(
            "critical concern %s at org %s has no duty officer, chair or dispatcher to tell; "
            "telling the administrators",
            event.concern.tracking_code,
            event.concern.org_id,
        )
        recipients = set(
            AuthUser.objects.filter(is_superuser=True, is_active=True).values_list("pk", flat=True)
        )
    made: list[Notification] = []
    for user_id in sorted(recipients):
        if event.actor_id == user_id or (told is not None and user_id in told):
            continue
        if told is not None:
            told.add(user_id)
        try:
            with transaction.atomic():
                made.append(
                    Notification.objects.create(user_id=user_id, concern=event.concern,
                                                event=event, kind=kind, created_at=clock.now())
                )  # fmt: skip
        except IntegrityError:
            continue
    # Only what was new is mailed, so running twice for one event sends nothing twice.
    transaction.on_commit(partial(deliver, made))
    return len(made)


def mark_read(user_id: int, notification_id: int) -> int:
    """Mark one of the user's own notifications read; 0 when it is not hers or already read."""
    return Notification.objects.filter(
        pk=notification_id, user_id=user_id, read_at__isnull=True
    ).update(read_at=clock.now())


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).update(
        read_at=clock.now()
    )
