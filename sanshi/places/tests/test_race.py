"""Capacity under concurrency: residents signing up (and cancelling) at once never take more
places than there are; everyone else waits in order."""

from __future__ import annotations

import pytest
from django.db import connection

from sanshi.places import actions
from sanshi.places.models import Activity, Place, SignUp
from sanshi.places.tests.conftest import make_activity
from sanshi.testing import World, run_at_once

N = 12
CAPACITY = 5


def _postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (real concurrent connections)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_sign_up_at_once_never_more_than_capacity(world: World, place: Place) -> None:
    _postgres()
    activity = make_activity(world, place, capacity=CAPACITY)
    calls = [
        (lambda n=n: actions.sign_up(activity, name=f"居民{n}", phone=f"139{n:08d}"))
        for n in range(N)
    ]
    outcomes = run_at_once(*calls)
    assert all(isinstance(o, SignUp) for o in outcomes), outcomes
    statuses = sorted(o.status for o in outcomes)
    assert statuses == ["confirmed"] * CAPACITY + ["waiting"] * (N - CAPACITY)
    assert Activity.objects.get(pk=activity.pk).taken == CAPACITY
    assert SignUp.objects.filter(activity=activity, status="confirmed").count() == CAPACITY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cancelling_and_signing_up_at_once_keeps_the_count(world: World, place: Place) -> None:
    _postgres()
    activity = make_activity(world, place, capacity=CAPACITY)
    first = [actions.sign_up(activity, name=f"居民{n}", phone=f"139{n:08d}") for n in range(8)]
    leaving = first[:3]  # three confirmed leave while six newcomers arrive
    calls = [(lambda s=s: actions.cancel_signup(s)) for s in leaving] + [
        (lambda n=n: actions.sign_up(activity, name=f"新人{n}", phone=f"138{n:08d}"))
        for n in range(6)
    ]
    outcomes = run_at_once(*calls)
    assert all(isinstance(o, SignUp) for o in outcomes), outcomes
    confirmed = SignUp.objects.filter(activity=activity, status="confirmed").count()
    assert confirmed == CAPACITY
    assert Activity.objects.get(pk=activity.pk).taken == CAPACITY
    # The three who were waiting before anyone left are the ones who moved up first.
    waited = {s.pk for s in first[CAPACITY:]}
    assert (
        set(SignUp.objects.filter(pk__in=waited, status="confirmed").values_list("pk", flat=True))
        == waited
    )
