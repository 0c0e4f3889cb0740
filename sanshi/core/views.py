"""Health check for load balancers, orchestrators and whoever keeps the service running."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sanshi.core import clock


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and background work keeps up; 503 saying what is wrong
    when the database does not answer, the SLA sweep has stopped finishing, or a ready task
    has waited too long for the worker (alerts then reach nobody)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        problems = background_problems()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    if problems:
        return JsonResponse({"status": "error", "database": "ok", **problems}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def background_problems() -> dict[str, str]:
    """What is stalled ("sweep", "worker") and how, older than SANSHI_HEALTH_STALE_MINUTES."""
    minutes = settings.SANSHI_HEALTH_STALE_MINUTES
    if minutes == 0:
        return {}
    now = clock.now()
    limit = dt.timedelta(minutes=minutes)
    problems: dict[str, str] = {}
    sweep = _sweep_problem(now, limit)
    if sweep:
        problems["sweep"] = sweep
    worker = _worker_problem(now, limit)
    if worker:
        problems["worker"] = worker
    return problems


def _sweep_problem(now: dt.datetime, limit: dt.timedelta) -> str:
    from sanshi.concerns.models import SweepRun
    from sanshi.concerns.sweep import SLA_SWEEP

    last = SweepRun.objects.filter(name=SLA_SWEEP).values_list("finished_at", flat=True).first()
    if last is None:
        return "the SLA sweep has never run (run `sanshi sla-sweep` every minute)"
    if now - last > limit:
        return f"the SLA sweep last finished {_ago(now - last)} ago"
    return ""


def _worker_problem(now: dt.datetime, limit: dt.timedelta) -> str:
    """The oldest task ready to run, with the database backend (django-tasks-db) only: a Redis
    queue is watched by its own tools."""
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    if not backend.endswith("DatabaseBackend"):
        return ""
    from django_tasks_db.models import DBTaskResult

    oldest = DBTaskResult.objects.ready().order_by("enqueued_at")
    enqueued = oldest.values_list("enqueued_at", flat=True).first()
    if enqueued is not None and now - enqueued > limit:
        return f"a task has waited {_ago(now - enqueued)} for the worker (run `sanshi db_worker`)"
    return ""


def _ago(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
