"""Reads that may lag go to a read replica: dashboards, exports and searches.

With SANSHI_REPLICA_URL set (a PostgreSQL streaming standby), code inside `replica_reads()`
(or a view decorated with `reads_from_replica`) reads from it; every other read, and every
write, goes to the primary. Only what may be a second or two behind is marked: a page that
shows the caller's own change right after she made it reads the primary. Without a replica
everything reads the primary, and the marks cost nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings

REPLICA = "replica"
_reading: ContextVar[bool] = ContextVar("sanshi_replica_reads", default=False)
P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside this block may come from the replica."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """A view whose reads may lag (a dashboard, an export, a search)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Django's database router: the replica for marked reads, the primary for the rest."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the primary: same rows, same keys

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA
