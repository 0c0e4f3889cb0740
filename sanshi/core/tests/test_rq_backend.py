"""The RQ task backend against a real Redis: a notification goes through Redis and an RQ worker.

Uses the Redis named by SANSHI_TEST_REDIS_URL (default redis://127.0.0.1:6379/15, a database
of its own) and is skipped when none answers there.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import redis

from sanshi.concerns.actions import dispatch_concern
from sanshi.notifications.models import Notification
from sanshi.testing import World, person_of

REDIS = os.environ.get("SANSHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not _redis_answers(), reason=f"no Redis at {REDIS}"),
]


def test_a_dispatch_notifies_through_redis_and_an_rq_worker(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RQ_QUEUES = {"default": {"URL": REDIS}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default")
    queue.empty()
    concern = world.concern()
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_concern(
            concern, world.community, actor=world.dispatcher, handlers=[person_of(world.member)]
        )
    # After the commit the two tasks (dispatched, assigned) wait in Redis; none has run yet.
    assert (queue.count, Notification.objects.count()) == (2, 0)
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True) is True
    assert queue.count == 0
    notified = Notification.objects.order_by("pk").values_list("user__username", "kind")
    assert list(notified) == [("member", "dispatched"), ("member", "assigned")]
