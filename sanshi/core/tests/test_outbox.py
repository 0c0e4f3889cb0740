"""A write's background task exists exactly when the write commits (core.outbox)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from sanshi.concerns.actions import dispatch_concern
from sanshi.concerns.models import Concern, EventKind
from sanshi.testing import World

DB_BACKEND = {"default": {"BACKEND": "sanshi.core.outbox.DatabaseBackend"}}


class Abort(Exception):
    pass


def test_with_the_database_backend_the_task_row_is_part_of_the_write(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = DB_BACKEND
    with django_capture_on_commit_callbacks() as callbacks:
        concern = world.concern(subcategory="safety.dv_now")  # critical: the duty officers hear
    # Written in the concern's own transaction: nothing left to do after the commit.
    assert callbacks == []
    assert list(DBTaskResult.objects.values_list("task_path", "args_kwargs")) == [
        (
            "sanshi.concerns.tasks.notify_event",
            {"args": [concern.events.get().pk], "kwargs": {}},
        )
    ]


def test_a_rolled_back_write_leaves_no_task(world: World, settings: Any) -> None:
    settings.TASKS = DB_BACKEND
    before = Concern.objects.count()
    with pytest.raises(Abort), transaction.atomic():
        world.concern(subcategory="safety.dv_now", text="这条会回滚")
        assert DBTaskResult.objects.count() == 1  # inside the transaction
        raise Abort
    assert DBTaskResult.objects.count() == 0
    assert Concern.objects.count() == before


def test_other_backends_get_the_task_after_the_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # The suite's immediate backend stands for any queue outside the database.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world.concern(subcategory="safety.dv_now")
    assert len(callbacks) == 1
    assert DBTaskResult.objects.count() == 0


def test_an_event_that_notifies_nobody_writes_no_task(world: World, settings: Any) -> None:
    settings.TASKS = DB_BACKEND
    concern = world.concern()  # an ordinary receipt: the dispatch board shows it
    assert DBTaskResult.objects.count() == 0
    dispatch_concern(concern, world.community, actor=world.dispatcher)
    assert list(DBTaskResult.objects.values_list("task_path", "args_kwargs")) == [
        (
            "sanshi.concerns.tasks.notify_event",
            {"args": [concern.events.get(kind=EventKind.DISPATCHED).pk], "kwargs": {}},
        )
    ]


def test_the_task_row_is_the_row_django_tasks_db_writes_in_one_insert_and_its_worker_takes_it(
    world: World, settings: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks.signals import task_enqueued
    from django_tasks_db.compat import TaskResultStatus

    from sanshi.concerns.tasks import notify_event

    concern = world.concern()
    dispatch_concern(concern, world.community, actor=world.dispatcher)
    event = concern.events.get(kind=EventKind.DISPATCHED).pk
    DBTaskResult.objects.all().delete()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    theirs = notify_event.enqueue(event)
    settings.TASKS = DB_BACKEND
    heard: list[Any] = []

    def receiver(sender: Any, task_result: Any, **_: Any) -> None:
        heard.append(task_result)

    task_enqueued.connect(receiver, dispatch_uid="test-outbox")
    try:
        with CaptureQueriesContext(connection) as queries:
            ours = notify_event.enqueue(event)
    finally:
        task_enqueued.disconnect(dispatch_uid="test-outbox")
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    assert heard == [ours] and heard[0] is ours  # the signal is sent once, with the result
    assert type(ours).__name__ == "TaskResult" and ours.id != theirs.id
    columns = [f.attname for f in DBTaskResult._meta.concrete_fields
               if f.attname not in {"id", "enqueued_at"}]  # fmt: skip
    mine, upstream = (DBTaskResult.objects.filter(pk=r.id).values(*columns).get()
                      for r in (ours, theirs))  # fmt: skip
    assert mine == upstream
    assert mine["status"] == TaskResultStatus.READY and mine["started_at"] is None
    assert DBTaskResult.objects.get(pk=ours.id).enqueued_at is not None
    assert notify_event.get_result(ours.id).status == TaskResultStatus.READY
    # What django-tasks-db's worker claims first (the oldest ready row) and runs.
    claimed = DBTaskResult.objects.ready().get_locked()
    assert claimed is not None and str(claimed.pk) == theirs.id
    claimed.delete()
    claimed = DBTaskResult.objects.ready().get_locked()
    assert claimed is not None and str(claimed.pk) == ours.id
    assert claimed.task.func is notify_event.func
