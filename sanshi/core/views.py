"""Health check for load balancers, orchestrators and whoever keeps the service running; the
page shown while the database is away."""

from __future__ import annotations

import datetime as dt
import json
import sys

import redis
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sanshi.core import clock

# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER = 30
# What a database that is down, restarting or unreachable raises (not bad SQL or bad data).
UNAVAILABLE = (OperationalError, InterfaceError)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and background work keeps up; 503 saying what is wrong
    when the database does not answer, the SLA sweep has stopped finishing, or a ready task
    has waited too long for the worker (alerts then reach nobody); 200 "degraded" while Redis
    is away."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        problems = background_problems()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    if problems:
        return JsonResponse({"status": "error", "database": "ok", **problems}, status=503)
    if not redis_answers():
        # Still serving (tasks run in the web process, limits count in the database): a
        # balancer must keep sending residents here, so 200, with what is wrong.
        return JsonResponse({"status": "degraded", "database": "ok", "redis": "unavailable"})
    return JsonResponse({"status": "ok", "database": "ok"})


def redis_answers() -> bool:
    """True without Redis configured, or when it answers a PING within a second."""
    if not settings.REDIS_URL:
        return True
    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


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


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 and a calm page while the database is away; Django's 500 otherwise.

    Django calls it inside its `except` block for any exception a view or a middleware raised,
    so `sys.exc_info()` names it. The 503 page reads nothing from the database: no session, no
    user, no static manifest, and it carries the emergency numbers.
    """
    if not isinstance(sys.exc_info()[1], UNAVAILABLE):
        return defaults.server_error(request)
    return unavailable(request)


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After, in the shape the caller reads: Open311, the API, or a page."""
    path = request.path_info
    english = translation.get_language_from_request(request).lower().startswith("en")
    if path.startswith("/open311/"):
        response = _open311(path)
    elif path.startswith("/api/"):
        message = (
            "database unavailable; try again shortly" if english else "系统暂时无法使用，请稍后再试"
        )
        body = {"error": "unavailable", "message": message, "fields": {}}
        response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        # django-csp's nonce lets the page's one <style> through the site's policy.
        context = {"english": english, "nonce": str(getattr(request, "csp_nonce", "") or "")}
        page = loader.get_template("core/unavailable.html").render(context)
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _open311(path: str) -> HttpResponse:
    """Open311's errors list (GeoReport v2), in the format the path names (XML by default)."""
    description = "service temporarily unavailable; retry later"
    if path.endswith(".json"):
        text = json.dumps([{"code": 503, "description": description}])
        return HttpResponse(text, status=503, content_type="application/json; charset=utf-8")
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<errors><error><code>503</code><description>{description}</description></error></errors>"
    )
    return HttpResponse(xml, status=503, content_type="text/xml; charset=utf-8")
