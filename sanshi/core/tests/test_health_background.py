"""Issue 19: /healthz reports background work that has stalled (alerts would reach nobody)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sanshi.concerns.models import SweepRun
from sanshi.concerns.sweep import record_sweep_run, run_sla_sweep
from sanshi.core import clock

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def at_now() -> Any:
    with clock.at(NOW):
        yield


def _health() -> tuple[int, dict[str, str]]:
    response = Client().get("/healthz")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_a_sweep_that_never_ran_is_reported(at_now: None) -> None:
    assert _health() == (
        503,
        {
            "status": "error",
            "database": "ok",
            "sweep": "the SLA sweep has never run (run `sanshi sla-sweep` every minute)",
        },
    )


@pytest.mark.django_db
def test_a_sweep_run_is_recorded_and_goes_stale_after_five_minutes() -> None:
    with clock.at(NOW - dt.timedelta(minutes=4)):
        run_sla_sweep(clock.now())
    assert SweepRun.objects.get(name="sla").finished_at == NOW - dt.timedelta(minutes=4)
    with clock.at(NOW):
        assert _health() == (200, {"status": "ok", "database": "ok"})
    with clock.at(NOW + dt.timedelta(minutes=3)):
        assert _health() == (
            503,
            {
                "status": "error",
                "database": "ok",
                "sweep": "the SLA sweep last finished 7 min ago",
            },
        )


@pytest.mark.django_db
def test_a_task_waiting_for_the_worker_is_reported(settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from sanshi.concerns.tasks import notify_event

    settings.TASKS = DB_TASKS
    with clock.at(NOW):
        record_sweep_run("sla")
    notify_event.enqueue(1)
    DBTaskResult.objects.update(enqueued_at=NOW - dt.timedelta(minutes=2))
    with clock.at(NOW):
        assert _health() == (200, {"status": "ok", "database": "ok"})
    DBTaskResult.objects.update(enqueued_at=NOW - dt.timedelta(minutes=9))
    with clock.at(NOW):
        assert _health() == (
            503,
            {
                "status": "error",
                "database": "ok",
                "worker": "a task has waited 9 min for the worker (run `sanshi db_worker`)",
            },
        )


@pytest.mark.django_db
def test_a_finished_task_is_not_waiting(settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from sanshi.concerns.tasks import notify_event

    settings.TASKS = DB_TASKS
    with clock.at(NOW):
        record_sweep_run("sla")
    notify_event.enqueue(1)
    DBTaskResult.objects.update(enqueued_at=NOW - dt.timedelta(hours=3), status="SUCCESSFUL")
    with clock.at(NOW):
        assert _health() == (200, {"status": "ok", "database": "ok"})


@pytest.mark.django_db
def test_the_background_checks_can_be_turned_off(settings: Any, at_now: None) -> None:
    settings.SANSHI_HEALTH_STALE_MINUTES = 0
    assert _health() == (200, {"status": "ok", "database": "ok"})
