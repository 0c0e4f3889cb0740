"""Background work for messages: thin tasks that take ids and call one action."""

from __future__ import annotations

from django_tasks import task

from sanshi.concerns.models import ConcernEvent
from sanshi.messaging import rules
from sanshi.messaging.actions import send_about


@task()
def send_resident_message(concern_id: int, event_id: int, kind: str) -> str:
    """Send (or decide not to send) one message; again later when outside the safe window."""
    event = (
        ConcernEvent.objects.select_related("concern")
        .filter(pk=event_id, concern_id=concern_id)
        .first()
    )
    if event is None:  # rolled back, or the concern is gone
        return "gone"
    can_wait = send_resident_message.get_backend().supports_defer
    decision = send_about(event.concern, event, kind, can_wait=can_wait)
    if decision.action == rules.LATER and decision.at is not None:
        send_resident_message.using(run_after=decision.at).enqueue(concern_id, event_id, kind)
    return decision.action
