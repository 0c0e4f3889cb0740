"""Background tasks that belong to a write: they exist exactly when the write commits."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import connection, transaction
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend


def enqueue_on_commit(task: Task[Any, Any], *args: Any) -> None:
    """Enqueue `task(*args)` so that it exists exactly when the surrounding transaction commits.

    With django-tasks-db's backend (the default) `enqueue` writes the task row inside that
    transaction, an outbox: the write and its task commit or roll back together, and nothing
    is lost between the commit and the enqueue. Queues outside the database (Redis; the
    immediate backend in tests) get the task once the transaction has committed, so that a
    worker never looks for a row it cannot see yet.
    """
    if isinstance(task.get_backend(), DatabaseBackend) and connection.in_atomic_block:
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args))
