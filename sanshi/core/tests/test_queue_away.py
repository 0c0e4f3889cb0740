"""The RQ task backend with Redis away: a committed write stands and its alert still goes out."""

from __future__ import annotations

from typing import Any

import pytest

from sanshi.concerns.actions import dispatch_concern
from sanshi.notifications.models import Notification
from sanshi.testing import World, person_of


@pytest.mark.django_db
def test_with_redis_away_the_alert_runs_in_the_request_and_the_write_stands(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens there
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    concern = world.concern()
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_concern(
            concern, world.community, actor=world.dispatcher, handlers=[person_of(world.member)]
        )
    notified = Notification.objects.order_by("pk").values_list("user__username", "kind")
    assert list(notified) == [("member", "dispatched"), ("member", "assigned")]
    concern.refresh_from_db()
    assert concern.status == "dispatched"
    assert [r.getMessage() for r in caplog.records if r.name == "sanshi.core.outbox"] == [
        "task queue unreachable: notify_event runs in this process"
    ] * 2


@pytest.mark.django_db
def test_with_redis_away_limits_and_claims_count_in_the_database(settings: Any) -> None:
    from sanshi.core import limits
    from sanshi.core.models import Counter

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
        }
    }
    passed = [limits.hit("form", "1.2.3.4", limit=2, window=60) for _ in range(3)]
    assert [p is None for p in passed] == [True, True, False]
    assert limits.peek("form", "1.2.3.4", limit=2, window=60) is not None
    assert [limits.claim("submit", "k", ttl=60) for _ in range(2)] == [True, False]
    limits.remember("submit", "k", {"code": "A1"}, ttl=60)
    assert limits.recall("submit", "k") == {"code": "A1"}
    limits.release("submit", "k")
    assert limits.recall("submit", "k") is None
    assert Counter.objects.count() == 1  # the form's counter; the claim was given back


@pytest.mark.django_db
def test_healthz_says_redis_is_away_and_keeps_serving(settings: Any) -> None:
    from django.test import Client

    from sanshi.concerns.sweep import record_sweep_run

    record_sweep_run("sla")
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "degraded", "database": "ok", "redis": "unavailable"},
    )
