"""The one clock actions read, so the demo loader can replay a year of history."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_fixed: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "sanshi_now", default=None
)


def now() -> dt.datetime:
    """The current time, or the time set by `at()`."""
    fixed = _fixed.get()
    return fixed if fixed is not None else timezone.now()


@contextlib.contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Run the block as if it were `moment` (for loaders that replay history)."""
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
