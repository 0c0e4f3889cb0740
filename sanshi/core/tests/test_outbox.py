"""A write's background task exists exactly when the write commits (core.outbox)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from sanshi.concerns.actions import dispatch_concern
from sanshi.concerns.models import Concern, EventKind
from sanshi.testing import World

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


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


def test_django_tasks_db_worker_claims_the_task_row_the_write_made(
    world: World, settings: Any
) -> None:
    from django_tasks_db.compat import TaskResultStatus

    from sanshi.concerns.tasks import notify_event

    settings.TASKS = DB_BACKEND
    concern = world.concern()
    dispatch_concern(concern, world.community, actor=world.dispatcher)
    [row] = DBTaskResult.objects.all()
    assert notify_event.get_result(str(row.pk)).status == TaskResultStatus.READY
    claimed = DBTaskResult.objects.ready().get_locked()
    assert claimed is not None and claimed.pk == row.pk
    assert claimed.task.func is notify_event.func
