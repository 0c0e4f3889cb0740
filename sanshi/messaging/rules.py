"""The safe-contact rules: whether a message about a concern may go now, later, or never.

- Nothing to a resident without a number, an anonymous one, one who said no, or one who stopped.
- For a danger or protected concern (critical, protected, or danger awaiting or confirmed by a
  person) nothing unless the resident chose SMS and a safe time window (when reporting, or
  staff recorded it on the concern), and only inside that window.
- A window, once chosen, holds for every concern.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from sanshi.concerns.models import Concern, DangerCheck, Status, Urgency
from sanshi.messaging.models import ContactPreference, SafeChannel
from sanshi.messaging.templates import RATING

SEND, SKIP, LATER = "send", "skip", "later"


@dataclass(frozen=True)
class Decision:
    action: str
    reason: str = ""
    at: dt.datetime | None = None  # LATER: when the window opens


def sensitive(concern: Concern) -> bool:
    """Danger or protection: someone else reading the phone could put her at risk."""
    return (
        concern.protected
        or concern.urgency == Urgency.CRITICAL
        or concern.danger_check in (DangerCheck.PENDING, DangerCheck.CONFIRMED)
    )


def decide(
    concern: Concern, preference: ContactPreference | None, kind: str, now: dt.datetime
) -> Decision:
    if concern.anonymous or not concern.reporter_phone:
        return Decision(SKIP, "no_phone")
    if preference is not None and preference.stopped_at is not None:
        return Decision(SKIP, "stopped")
    if preference is not None and preference.channel != SafeChannel.SMS:
        return Decision(SKIP, "declined")
    if sensitive(concern) and (preference is None or not preference.has_window):
        return Decision(SKIP, "no_safe_channel")
    if kind == RATING and (concern.rated_at is not None or concern.status != Status.REPLIED):
        return Decision(SKIP, "not_to_rate")
    if preference is not None and preference.has_window:
        opens = next_opening(preference, now)
        if opens is not None:
            return Decision(LATER, "outside_window", opens)
    return Decision(SEND)


def next_opening(preference: ContactPreference, now: dt.datetime) -> dt.datetime | None:
    """None while the window is open; else when it next opens (local time)."""
    start, end = preference.window_start, preference.window_end
    assert start is not None and end is not None  # noqa: S101 - callers check has_window
    local = timezone.localtime(now)
    t = local.time()
    inside = start <= t < end if start <= end else (t >= start or t < end)
    if inside:
        return None
    opening = local.replace(hour=start.hour, minute=start.minute, second=0, microsecond=0)
    return opening if opening > local else opening + dt.timedelta(days=1)
