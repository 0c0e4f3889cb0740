"""/metrics: request figures per view and the duty officer's figures, for Prometheus only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from sanshi.concerns.models import Concern, Urgency
from sanshi.core import clock
from sanshi.testing import World


def _samples(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def test_metrics_count_danger_waiting_overdue_and_the_audit_chain(
    client: Client, world: World
) -> None:
    danger = world.concern(text="他拿着刀说要杀了我", urgency=Urgency.CRITICAL)
    world.concern()
    late = world.concern()
    Concern.objects.filter(pk=late.pk).update(overdue_since=clock.now() - dt.timedelta(hours=3))
    assert danger.urgency == Urgency.CRITICAL

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = _samples(response.content)
    assert samples[("sanshi_danger_concerns_waiting", ())] == 1.0
    assert samples[("sanshi_concerns_overdue", ())] == 1.0
    from sanshi.audit.models import AuditEntry

    assert samples[("sanshi_audit_rows", ())] == float(AuditEntry.objects.count())
    assert samples[("sanshi_danger_checks_pending", ())] == 0.0


def test_metrics_give_the_age_of_the_last_sla_sweep(client: Client, world: World) -> None:
    from sanshi.concerns.sweep import run_sla_sweep

    with time_machine.travel(clock.now() - dt.timedelta(minutes=7), tick=False):
        run_sla_sweep(clock.now())

    age = _samples(client.get("/metrics").content)[("sanshi_sla_sweep_age_seconds", ())]
    assert 7 * 60 <= age < 8 * 60


def test_requests_are_counted_by_view_name_not_path(client: Client, world: World) -> None:
    key = (
        "sanshi_http_requests_total",
        (("method", "GET"), ("status", "4xx"), ("view", "intake-track")),
    )
    # The process's counter also holds earlier tests' requests: count the difference.
    before = _samples(client.get("/metrics").content).get(key, 0.0)

    client.get("/track/AAAA-BBBB/")
    client.get("/track/CCCC-DDDD/")

    samples = _samples(client.get("/metrics").content)
    assert samples[key] - before == 2.0
    assert not any("AAAA" in value for _name, labels in samples for _k, value in labels)


def test_metrics_are_not_found_from_elsewhere_without_the_token(
    client: Client, world: World, settings: Any
) -> None:
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    settings.SANSHI_METRICS_TOKEN = "s3cret-scrape"
    assert client.get("/metrics").status_code == 404
    allowed = client.get(
        "/metrics", headers={"Authorization": "Bearer s3cret-scrape"}, REMOTE_ADDR="203.0.113.9"
    )
    assert allowed.status_code == 200
