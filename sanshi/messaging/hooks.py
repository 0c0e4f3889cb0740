"""Which timeline events message the resident: her receipt, a reply, and the rating (回访)
invitation a while after the reply. Called by concerns.actions for every event it writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings

from sanshi.concerns.models import Concern, ConcernEvent, EventKind
from sanshi.core import clock
from sanshi.core.outbox import enqueue_on_commit
from sanshi.messaging.tasks import send_resident_message
from sanshi.messaging.templates import RATING, RECEIPT, REPLY

MESSAGES: dict[str, tuple[str, ...]] = {
    EventKind.RECEIVED: (RECEIPT,),
    EventKind.REPLIED: (REPLY, RATING),
}


def rating_delay() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "SANSHI_SMS_RATING_DELAY_HOURS", 24)))


def message_events(concern: Concern, events: Iterable[ConcernEvent]) -> None:
    """Enqueue, on commit, one task per message the events call for (the task applies the
    safe-contact rules when it runs)."""
    wanted = [(event, kind) for event in events for kind in MESSAGES.get(event.kind, ())]
    # The number is sealed: opened only for the few events that may message anyone.
    if not wanted or concern.anonymous or not concern.reporter_phone:
        return
    for event, kind in wanted:
        task = send_resident_message
        if kind == RATING and task.get_backend().supports_defer:
            task = task.using(run_after=clock.now() + rating_delay())
        enqueue_on_commit(task, concern.pk, event.pk, kind)
