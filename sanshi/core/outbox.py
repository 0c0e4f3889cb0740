"""Background tasks that belong to a write: enqueued only if the write commits."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import connection, transaction
from django_tasks.base import Task
from django_tasks.signals import task_enqueued
from django_tasks_db import DatabaseBackend as _DatabaseBackend
from django_tasks_db.compat import normalize_json


class DatabaseBackend(_DatabaseBackend):
    """django-tasks-db's backend (SANSHI_TASKS_BACKEND=db), writing the task row through
    `insert_rows` (a statement built once instead of by `Model.save()` for every task), and
    inside an audited block with its chaining statement (docs/benchmarks.md, session 7).
    Everything else, its worker included, is django-tasks-db's own (pinned below 0.14 in
    pyproject.toml; test_outbox.py checks that the row equals the one its own backend
    writes)."""

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> Any:
        """django-tasks-db's own, with the TaskResult made once (it makes it twice: for the
        task_enqueued signal and for the caller)."""
        self.validate_task(task)
        result = self._task_to_db_task(task, args, kwargs).task_result
        task_enqueued.send(type(self), task_result=result)
        return result

    def _task_to_db_task(self, task: Task[Any, Any], args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult, get_date_max

        row: DBTaskResult[Any, Any] = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # What django-tasks-db's one save receiver (set_run_after) does, done here.
            run_after=task.run_after if task.run_after is not None else get_date_max(),
            backend_name=self.alias,
        )
        # Inside an audited block, with its chaining statement: the row is read by the
        # worker only after the commit.
        from sanshi.audit.actions import insert_with_chain

        insert_with_chain([row], signals=False)
        return row


def enqueue_with_write(task: Task[Any, Any], *args: Any) -> None:
    """Enqueue `task(*args)` so that it exists exactly when the surrounding transaction commits.

    With the database backend (the default) the task row is written inside that transaction,
    as an outbox: the write and its task commit or roll back together, nothing is lost
    between the commit and the enqueue, and the write costs one transaction, not two.
    Backends outside the database (a Redis queue; immediate in tests) get the task once the
    transaction has committed, so that a worker never looks for a row it cannot see yet.
    """
    if isinstance(task.get_backend(), _DatabaseBackend) and connection.in_atomic_block:
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args))
