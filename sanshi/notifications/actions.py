"""Turn timeline events into notifications for the people who must act."""

from __future__ import annotations

import logging
from functools import partial

from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction

from sanshi.concerns.models import ConcernEvent, EventKind, Urgency
from sanshi.core import clock
from sanshi.notifications.delivery import deliver
from sanshi.notifications.models import Notification
from sanshi.notifications.policy import recipients_for

logger = logging.getLogger(__name__)


def notify_for_event(event: ConcernEvent, told: set[int] | None = None) -> int:
    """Create one notification per recipient; safe to run twice for the same event.

    `told`: users already notified about this concern by an earlier event of the same write
    (a danger received and dispatched at once alerts its officer once); updated in place."""
    kind = (
        "critical"
        if event.concern.urgency == Urgency.CRITICAL
        and event.kind
        in (EventKind.RECEIVED, EventKind.URGENCY_CHANGED, EventKind.DANGER_CONFIRMED)
        else event.kind
    )
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
                    Notification.objects.create(
                        user_id=user_id,
                        concern=event.concern,
                        event=event,
                        kind=kind,
                        created_at=clock.now(),
                    )
                )
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


def notify_users(user_ids: set[int], *, kind: str, subject: str, link: str) -> int:
    """Tell users about something that is not a concern (a child not collected): one
    notification each, mailed after commit. The caller makes it happen once (a conditional
    update it won), so this does not deduplicate."""
    now = clock.now()
    made = [
        Notification.objects.create(
            user_id=user_id, kind=kind, subject=subject[:200], link=link[:200], created_at=now
        )
        for user_id in sorted(user_ids)
    ]
    transaction.on_commit(partial(deliver, made))
    return len(made)
