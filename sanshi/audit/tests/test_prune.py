from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from sanshi.audit.actions import AuditAction, prune_audit, record_audit
from sanshi.audit.models import AuditEntry
from sanshi.audit.tests.helpers import raw_delete, raw_update
from sanshi.audit.verify import verify_chain
from sanshi.core import clock

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


def row_at(days_ago: int, n: int) -> None:
    with clock.at(NOW - dt.timedelta(days=days_ago)):
        record_audit(None, "test.row", "thing", n)


@pytest.fixture
def mixed() -> None:
    """Three rows older than a year, then two recent ones."""
    for n, days_ago in enumerate([500, 450, 400, 10, 1], start=1):
        row_at(days_ago, n)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_prune_removes_the_old_prefix_and_leaves_an_anchor(mixed: None, settings) -> None:
    settings.SANSHI_AUDIT_RETENTION_DAYS = 365
    third = AuditEntry.objects.get(seq=3)
    result = prune_audit()
    assert (result.deleted, result.through_seq) == (3, 3)
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", "action")) == [
        (4, "test.row"),
        (5, "test.row"),
        (6, AuditAction.PRUNED),
    ]
    anchor = AuditEntry.objects.get(seq=6)
    assert anchor.data == {
        "through_seq": 3,
        "through_hash": third.hash,
        "rows": 3,
        "cutoff": "2025-06-01T09:00:00Z",
        "retention_days": 365,
    }
    report = verify_chain()
    assert (report.ok, report.rows, report.first_seq) == (True, 3, 4)


def test_prune_twice_deletes_nothing_more_and_adds_no_row(mixed: None) -> None:
    prune_audit()
    again = prune_audit()
    assert again.deleted == 0
    assert AuditEntry.objects.count() == 3
    assert verify_chain().ok is True


def test_a_later_prune_moves_the_anchor_and_the_chain_still_verifies(mixed: None) -> None:
    prune_audit()
    with time_machine.travel(NOW + dt.timedelta(days=400), tick=False):
        record_audit(None, "test.row", "thing", 7)
        result = prune_audit()
    assert (result.deleted, result.through_seq) == (3, 6)
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [7, 8]
    assert verify_chain().ok is True


def test_nothing_younger_than_retention_goes_even_behind_an_old_row(settings) -> None:
    settings.SANSHI_AUDIT_RETENTION_DAYS = 183
    row_at(300, 1)
    row_at(5, 2)
    row_at(300, 3)  # written with a back-dated clock after a young row
    assert prune_audit().deleted == 1
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [2, 3, 4]


def test_deleting_the_first_row_after_a_prune_is_found(mixed: None) -> None:
    prune_audit()
    raw_delete(4)
    report = verify_chain()
    assert [(p.seq, p.kind) for p in report.problems] == [(4, "deleted")]


def test_a_forged_anchor_is_found(mixed: None) -> None:
    prune_audit()
    raw_update(6, "object_id", "1")
    assert (verify_chain().problems[0].seq, verify_chain().problems[0].kind) == (6, "edited")


def test_a_broken_chain_is_never_pruned(mixed: None) -> None:
    raw_update(2, "object_id", "evil")
    with pytest.raises(
        CommandError, match=r"^the audit chain is broken, not pruning: row 2 edited"
    ):
        call_command("audit_prune")
    assert AuditEntry.objects.count() == 5


def test_the_command_says_what_it_did(mixed: None) -> None:
    out = io.StringIO()
    call_command("audit_prune", "--dry-run", stdout=out)
    assert out.getvalue() == (
        "audit prune: would delete 3 rows through row 3 (older than 365 days, before 2025-06-01 09:00)\n"
    )
    assert AuditEntry.objects.count() == 5
    out = io.StringIO()
    call_command("audit_prune", stdout=out)
    assert out.getvalue().startswith("audit prune: deleted 3 rows through row 3")
    out = io.StringIO()
    call_command("audit_prune", stdout=out)
    assert out.getvalue() == "audit prune: nothing older than 365 days\n"


def test_an_anchor_moved_past_the_first_row_is_found(mixed: None) -> None:
    prune_audit()
    anchor = AuditEntry.objects.get(action=AuditAction.PRUNED)
    AuditEntry.objects.filter(pk=anchor.pk).update(data={**anchor.data, "through_seq": 4})
    problems = [(p.seq, p.kind) for p in verify_chain().problems]
    assert problems == [(4, "inserted"), (6, "edited")]
