"""Real concurrent connections: PostgreSQL only (SQLite in tests is one in-memory connection)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from sanshi.concerns import actions
from sanshi.concerns.models import Concern, EventKind, SlaNotice
from sanshi.core.errors import ConcurrentChange
from sanshi.testing import build_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrent connections"
)


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("won")
        except ConcurrentChange:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_handlers_signing_at_once_one_wins() -> None:
    world = build_world()
    concern = world.concern()
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    for _ in range(5):  # several rounds: the race must always end the same way
        outcomes = _race(
            lambda: actions.sign_concern(Concern.objects.get(pk=concern.pk), actor=world.member),
            lambda: actions.sign_concern(
                Concern.objects.get(pk=concern.pk), actor=world.social_worker
            ),
        )
        assert outcomes == ["conflict", "won"]
        assert concern.events.filter(kind=EventKind.SIGNED).count() == 1
        actions.return_concern(
            Concern.objects.get(pk=concern.pk), actor=world.member, reason="重来"
        )
        actions.dispatch_concern(
            Concern.objects.get(pk=concern.pk), world.community, actor=world.dispatcher
        )
        concern.events.filter(kind=EventKind.SIGNED).delete()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_one_reminder() -> None:
    import datetime as dt

    from sanshi.concerns.sweep import run_sla_sweep
    from sanshi.core import clock

    world = build_world()
    concern = world.concern()
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    when = clock.now() + dt.timedelta(hours=25)
    results = []
    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait()
        results.append(run_sla_sweep(when))
        connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.overdue for r in results) == [0, 1]
    assert SlaNotice.objects.filter(concern=concern).count() == 1
    assert concern.events.filter(kind=EventKind.OVERDUE).count() == 1
