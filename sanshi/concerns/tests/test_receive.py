"""Taking a concern in: one row, its timeline, its tracking code, a dispatch in the same write."""

from __future__ import annotations

import random
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sanshi.audit.models import AuditEntry
from sanshi.concerns import actions
from sanshi.concerns.models import Concern, ConcernEvent, EventKind, Status
from sanshi.core.errors import ConcurrentChange, InvalidInput
from sanshi.testing import World


def _writes_to(table: str, queries: list[dict[str, str]]) -> list[str]:
    """Each INSERT or UPDATE on `table`, in the order sent (a WITH may hold several)."""
    return [
        word
        for q in queries
        for word in re.findall(rf'\b(INSERT) INTO "{table}"|\b(UPDATE) "{table}"', q["sql"])
        for word in word
        if word
    ]


def test_a_dispatch_in_the_same_write_inserts_the_row_dispatched_once(world: World) -> None:
    with CaptureQueriesContext(connection) as captured:
        concern = world.concern(dispatch_to=world.community, dispatch_note="自动派单")
    assert _writes_to("concerns_concern", captured.captured_queries) == ["INSERT"]
    assert _writes_to("concerns_concernevent", captured.captured_queries) == ["INSERT"]
    assert ConcernEvent.objects.filter(concern=concern).count() == 2
    stored = Concern.objects.get(pk=concern.pk)
    assert (stored.status, stored.org_id, stored.dispatching_org_id) == (
        Status.DISPATCHED,
        world.community.pk,
        world.county.pk,
    )
    assert stored.dispatched_at == stored.first_dispatched_at == stored.received_at
    assert stored.sign_due is not None and stored.sign_due > stored.received_at
    # The instance the caller holds is what the database holds.
    for field in (
        "status",
        "org_id",
        "dispatching_org_id",
        "dispatched_at",
        "sign_due",
        "contact_due",
        "resolve_due",
        "updated_at",
    ):
        assert getattr(concern, field) == getattr(stored, field), field
    assert (concern.org, concern.dispatching_org) == (world.community, world.county)
    events = list(
        stored.events.values_list(
            "kind", "from_status", "to_status", "org_id", "note", "actor_id", "data"
        )
    )
    assert events == [
        (EventKind.RECEIVED, "", Status.RECEIVED, world.county.pk, "", None, {"channel": "web"}),
        (
            EventKind.DISPATCHED,
            Status.RECEIVED,
            Status.DISPATCHED,
            world.community.pk,
            "自动派单",
            None,
            {"from_org": world.county.pk},
        ),
    ]
    ids = list(stored.events.values_list("pk", flat=True))
    audited = AuditEntry.objects.filter(object_type="concern", object_id=str(concern.pk))
    assert list(audited.order_by("seq").values_list("action", "data")) == [
        ("concern.received", {"event": ids[0]}),
        ("concern.dispatched", {"event": ids[1]}),
    ]


def test_dispatching_outside_the_receiving_orgs_tree_is_refused_before_writing(
    world: World,
) -> None:
    for target in (world.city, world.province):
        with pytest.raises(InvalidInput):
            world.concern(dispatch_to=target)
    assert (Concern.objects.count(), ConcernEvent.objects.count()) == (0, 0)


def test_a_concern_may_be_dispatched_in_place_to_the_receiving_org(world: World) -> None:
    # Danger goes to the receiving org's own protection officer at once (triage.dispatch).
    concern = world.concern(dispatch_to=world.county)
    concern.refresh_from_db()
    assert (concern.status, concern.org_id, concern.dispatching_org_id) == (
        Status.DISPATCHED,
        world.county.pk,
        world.county.pk,
    )


def test_a_seeded_sequence_that_repeats_itself_draws_another_code(world: World) -> None:
    first = world.concern(rng=random.Random(5))
    second = world.concern(rng=random.Random(5))
    assert first.tracking_code != second.tracking_code
    assert Concern.objects.count() == 2


def test_a_random_code_that_collides_refuses_the_intake_and_writes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = world.concern()
    monkeypatch.setattr(actions, "new_tracking_code", lambda rng=None: taken.tracking_code)
    with pytest.raises(ConcurrentChange), transaction.atomic():  # the caller's transaction
        world.concern(text="另一件事")
    assert list(Concern.objects.values_list("pk", flat=True)) == [taken.pk]
    assert ConcernEvent.objects.count() == 1
