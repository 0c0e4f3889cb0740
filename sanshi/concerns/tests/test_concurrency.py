"""Real concurrent connections: PostgreSQL only (SQLite in tests is one in-memory connection)."""

from __future__ import annotations

import pytest
from django.db import connection

from sanshi.concerns import actions
from sanshi.concerns.models import Concern, EventKind, SlaNotice
from sanshi.core.errors import ConcurrentChange
from sanshi.testing import build_world, run_at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrent connections"
)


def _race(*calls):
    outcomes: list[str] = []
    for result in run_at_once(*calls):
        if isinstance(result, ConcurrentChange):
            outcomes.append("conflict")
        elif isinstance(result, BaseException):
            raise result
        else:
            outcomes.append("won")
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
    results = run_at_once(lambda: run_sla_sweep(when), lambda: run_sla_sweep(when))
    assert sorted(r.overdue for r in results) == [0, 1]
    assert SlaNotice.objects.filter(concern=concern).count() == 1
    assert concern.events.filter(kind=EventKind.OVERDUE).count() == 1
