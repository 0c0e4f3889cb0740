"""Background work for concerns: thin tasks that take ids and call one action (the SLA
sweep's task is `sanshi.concerns.sweep.sla_sweep`)."""

from __future__ import annotations

from django_tasks import task

from sanshi.concerns.models import ConcernEvent
from sanshi.notifications.actions import notify_for_event


@task()
def notify_event(event_id: int) -> int:
    """Notify the people an event concerns (run after the event's transaction commits)."""
    return _notify_about([event_id])


@task()
def notify_events(event_ids: list[int]) -> int:
    """Notify about several events of one write, in the order they happened."""
    return _notify_about(event_ids)


def _notify_about(event_ids: list[int]) -> int:
    """Notifications made for the events; one that no longer exists (rolled back with its
    savepoint) is skipped."""
    events = ConcernEvent.objects.select_related("concern__org").filter(pk__in=event_ids)
    told: dict[int, set[int]] = {}  # per concern: who has heard of it from this write
    return sum(
        notify_for_event(event, told.setdefault(event.concern_id, set()))
        for event in events.order_by("pk")
    )
