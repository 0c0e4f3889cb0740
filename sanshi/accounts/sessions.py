"""Sessions end after SANSHI_SESSION_IDLE_MINUTES without a request.

The last-activity time is written at most once a minute (TOUCH_SECONDS), not on every
request, so reading pages does not write the session table each time.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from sanshi.core import clock

LAST_SEEN = "sanshi_last_seen"
TOUCH_SECONDS = 60


def idle_limit_seconds() -> int:
    """0 turns the idle timeout off (only for tests that travel in time with a session open)."""
    minutes: int = getattr(settings, "SANSHI_SESSION_IDLE_MINUTES", 30) or 0
    return minutes * 60


def mark_active(request: HttpRequest) -> None:
    request.session[LAST_SEEN] = int(clock.now().timestamp())


def idle_too_long(request: HttpRequest) -> bool:
    """True when the session's last request is older than the idle limit."""
    limit = idle_limit_seconds()
    last = request.session.get(LAST_SEEN)
    if not limit or not isinstance(last, int):
        return False
    return clock.now().timestamp() - last > limit


def touch(request: HttpRequest) -> None:
    """Record activity, at most once per TOUCH_SECONDS."""
    last = request.session.get(LAST_SEEN)
    if not isinstance(last, int) or clock.now().timestamp() - last >= TOUCH_SECONDS:
        mark_active(request)
