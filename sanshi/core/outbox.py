"""Background tasks that belong to a write: they exist exactly when the write commits."""

from __future__ import annotations

import logging
from typing import Any

import redis
from django.db import connection, transaction
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task[Any, Any], *args: Any) -> None:
    """Enqueue `task(*args)` so that it exists exactly when the surrounding transaction commits.

    With django-tasks-db's backend (the default) `enqueue` writes the task row inside that
    transaction, an outbox: the write and its task commit or roll back together, and nothing
    is lost between the commit and the enqueue. Queues outside the database (Redis; the
    immediate backend in tests) get the task once the transaction has committed, so that a
    worker never looks for a row it cannot see yet; if that queue cannot be reached, the task
    runs at once in this process (`run_if_queue_away`).
    """
    if isinstance(task.get_backend(), DatabaseBackend) and connection.in_atomic_block:
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: run_if_queue_away(task, *args))


def run_if_queue_away(task: Task[Any, Any], *args: Any) -> None:
    """Enqueue the task; while Redis is away, run it here instead.

    The write it belongs to has committed and its caller is about to be told so: raising now
    would answer a stored concern with an error, and dropping the task would lose the alert
    of a danger concern. Running it in the request is slower, and it happens only while the
    queue is down.
    """
    try:
        task.enqueue(*args)
    except redis.RedisError:
        logger.warning("task queue unreachable: %s runs in this process", task.name)
        task.call(*args)
