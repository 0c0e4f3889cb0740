"""Reference data kept per process (sanshi.core.refcache), seen through org_by_id."""

from __future__ import annotations

from typing import Any

from sanshi.orgs.models import Org
from sanshi.orgs.selectors import org_by_id
from sanshi.testing import World


def test_within_the_interval_a_row_is_read_once(
    world: World, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.REFERENCE_DATA_SECONDS = 3600
    pk = world.community.pk
    with django_assert_num_queries(1):
        first, second = org_by_id(pk), org_by_id(pk)
    assert first is not None and second is not None
    assert (first.name, second.name) == (world.community.name, world.community.name)
    assert first is not second  # each caller gets an instance of its own
    with django_assert_num_queries(1):
        assert org_by_id(10**9) is None
        assert org_by_id(10**9) is None  # a miss is kept too


def test_a_change_saved_in_this_process_is_seen_at_once(world: World, settings: Any) -> None:
    settings.REFERENCE_DATA_SECONDS = 3600
    org_by_id(world.community.pk)
    world.community.name = "新名字社区"
    world.community.save()
    found = org_by_id(world.community.pk)
    assert found is not None and found.name == "新名字社区"


def test_another_process_change_is_seen_after_the_interval(world: World, settings: Any) -> None:
    settings.REFERENCE_DATA_SECONDS = 3600
    old = world.community.name
    org_by_id(world.community.pk)
    Org.objects.filter(pk=world.community.pk).update(name="别处改名")  # no signal here
    kept = org_by_id(world.community.pk)
    assert kept is not None and kept.name == old
    settings.REFERENCE_DATA_SECONDS = 0  # as if the interval had passed
    fresh = org_by_id(world.community.pk)
    assert fresh is not None and fresh.name == "别处改名"
