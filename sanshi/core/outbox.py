"""Background tasks that belong to a write: enqueued only if the write commits."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import connection, transaction
from django_tasks.base import Task


def enqueue_with_write(task: Task[Any, Any], *args: Any) -> None:
    """Enqueue `task(*args)` so that it exists exactly when the surrounding transaction commits.

    With the database backend (the default) the task row is written inside that transaction,
    as an outbox: the write and its task commit or roll back together, nothing is lost
    between the commit and the enqueue, and the write costs one transaction, not two.
    Backends outside the database (a Redis queue; immediate in tests) get the task once the
    transaction has committed, so that a worker never looks for a row it cannot see yet.
    """
    from django_tasks_db import DatabaseBackend

    if isinstance(task.get_backend(), DatabaseBackend) and connection.in_atomic_block:
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args))
