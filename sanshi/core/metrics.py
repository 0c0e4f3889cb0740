"""Prometheus metrics: how the site answers, and what a duty officer cares about.

Request counts and latencies are recorded per view name (never the path, which can hold a
tracking code) by `MetricsMiddleware`. The figures a duty officer watches (danger concerns no
one has taken, overdue concerns, the task queue, the audit chain) are read from the database
when Prometheus scrapes, by `SanshiCollector`, so every worker reports the same numbers.
Under gunicorn set PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode) so that
one scrape sums the request figures of all workers (docs/operations.md).
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "sanshi_http_requests",
    "Requests answered, by view, method and status class.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "sanshi_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# Concerns no one has taken yet.
UNTAKEN = ("received", "dispatched", "returned")
FINISHED = ("closed", "merged")


class MetricsMiddleware:
    """Counts each request and its duration under its view's name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unmatched"
        LATENCY.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(view, request.method or "", f"{response.status_code // 100}xx").inc()
        return response


def _age(then: object, now: float) -> float:
    return max(now - then.timestamp(), 0.0) if hasattr(then, "timestamp") else 0.0


GAUGES = {
    "sanshi_danger_concerns_waiting": "Critical concerns no one has taken yet.",
    "sanshi_concerns_overdue": "Open concerns past a deadline.",
    "sanshi_tasks_ready": "Tasks waiting for a worker (database task backend).",
    "sanshi_task_oldest_ready_age_seconds": "How long the oldest waiting task has waited.",
    "sanshi_danger_checks_pending": "Concerns waiting for a person to check for danger.",
    "sanshi_sla_sweep_age_seconds": "Time since the SLA sweep last finished.",
    "sanshi_audit_rows": "Rows in the audit chain (its last seq).",
    "sanshi_audit_last_row_age_seconds": "Time since the last audit row was written.",
}


def _values() -> dict[str, float]:
    from django.db.models import Max, Min
    from django_tasks_db.models import DBTaskResult

    from sanshi.audit.models import AuditEntry
    from sanshi.concerns.models import Concern, SweepRun, Urgency
    from sanshi.concerns.sweep import SLA_SWEEP

    now = time.time()
    overdue = Concern.objects.filter(overdue_since__isnull=False).exclude(status__in=FINISHED)
    ready = DBTaskResult.objects.filter(status="READY")
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    last = AuditEntry.objects.aggregate(seq=Max("seq"), at=Max("at"))
    sweep = SweepRun.objects.filter(name=SLA_SWEEP).values_list("finished_at", flat=True).first()
    return {
        "sanshi_danger_concerns_waiting": Concern.objects.filter(
            urgency=Urgency.CRITICAL, status__in=UNTAKEN
        ).count(),
        "sanshi_concerns_overdue": overdue.count(),
        "sanshi_tasks_ready": ready.count(),
        "sanshi_task_oldest_ready_age_seconds": _age(oldest, now),
        "sanshi_danger_checks_pending": Concern.objects.filter(danger_check="pending").count(),
        # Never run: as old as the epoch, so that an alert on this figure fires.
        "sanshi_sla_sweep_age_seconds": _age(sweep, now) if sweep else now,
        "sanshi_audit_rows": last["seq"] or 0,
        "sanshi_audit_last_row_age_seconds": _age(last["at"], now),
    }


class SanshiCollector(Collector):
    """Gauges read from the database at scrape time."""

    def describe(self) -> Iterator[GaugeMetricFamily]:
        for name, doc in GAUGES.items():
            yield GaugeMetricFamily(name, doc)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, value in _values().items():
            yield GaugeMetricFamily(name, GAUGES[name], value)


_COLLECTOR = SanshiCollector()
REGISTRY.register(_COLLECTOR)


def registry() -> CollectorRegistry:
    """The registry a scrape reads: all workers' figures in multiprocess mode."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    merged = CollectorRegistry()
    multiprocess.MultiProcessCollector(merged)
    merged.register(_COLLECTOR)
    return merged


def allowed(request: HttpRequest) -> bool:
    """A scrape with the metrics token, or from this machine when no token is set."""
    token = settings.SANSHI_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return hmac.compare_digest(given.encode(), token.encode())
    return request.META.get("REMOTE_ADDR") in ("127.0.0.1", "::1")


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format; "not found" to anyone not allowed to scrape."""
    if not allowed(request):
        return HttpResponse("not found", status=404, content_type="text/plain")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
