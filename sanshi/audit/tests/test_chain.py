from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from sanshi.audit.actions import (
    AuditAction,
    audit_break_glass,
    audit_concern_read,
    audit_export,
    audit_reveal,
    record_audit,
)
from sanshi.audit.chain import row_hash
from sanshi.audit.models import GENESIS, AuditEntry, AuditHead
from sanshi.audit.tests.helpers import rows
from sanshi.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_rows_form_one_chain_from_the_genesis() -> None:
    made = rows(4)
    stored = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3, 4]
    assert stored[0].prev_hash == GENESIS
    assert [e.prev_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]
    assert [e.hash for e in stored] == [row_hash(e) for e in stored]
    assert [e.hash for e in stored] == [e.hash for e in made]
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (4, stored[-1].hash)
    report = verify_chain()
    assert (report.ok, report.rows, report.first_seq, report.last_seq) == (True, 4, 1, 4)


def test_an_empty_trail_verifies() -> None:
    report = verify_chain()
    assert (report.ok, report.rows, report.head_seq) == (True, 0, 0)


def test_data_is_stored_as_it_reads_back_so_the_hash_holds() -> None:
    when = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)
    entry = record_audit(
        None,
        "test.kinds",
        "thing",
        7,
        {"when": when, "amount": Decimal("12.50"), "ratio": 1e20, "nul": "a\x00b", "ids": [1, 2]},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.data == {
        "when": "2026-03-01T08:30:00Z",
        "amount": "12.50",
        "ratio": "1e+20",
        "nul": "a\ufffdb",
        "ids": [1, 2],
    }
    assert stored.object_id == "7"
    assert row_hash(stored) == stored.hash
    assert verify_chain().ok is True


def test_an_overlong_action_is_refused_and_nothing_written() -> None:
    with pytest.raises(ValueError, match="audit action longer than 64"):
        record_audit(None, "x" * 65, "thing", 1)
    assert AuditEntry.objects.count() == 0


def test_the_actor_survives_the_users_deletion() -> None:
    user = get_user_model().objects.create_user(username="gone", password="x")
    entry = record_audit(user, "test.row", "thing", 1)
    user_id = user.pk
    user.delete()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.actor_name) == (user_id, "gone")
    assert verify_chain().ok is True


def test_the_head_is_rebuilt_from_the_last_row_when_missing() -> None:
    rows(2)
    AuditHead.objects.all().delete()
    third = record_audit(None, "test.row", "thing", 3)
    assert third.seq == 3
    assert verify_chain().ok is True


def test_helpers_write_the_documented_rows() -> None:
    user = get_user_model().objects.create_user(username="officer", password="x")
    until = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    audit_concern_read(user, 41, protected=True)
    audit_export(user, "concerns.xlsx", rows=12, filters={"status": "closed"})
    audit_reveal(user, "concern", 41, field="reporter_phone")
    audit_break_glass(user, 41, reason="警方来电核实", until=until)
    got = [
        (e.actor_name, e.action, e.object_type, e.object_id, e.data)
        for e in AuditEntry.objects.order_by("seq")
    ]
    assert got == [
        ("officer", AuditAction.CONCERN_READ, "concern", "41", {"protected": True, "how": "view"}),
        (
            "officer",
            "export",
            "export",
            "concerns.xlsx",
            {"rows": 12, "filters": {"status": "closed"}},
        ),
        ("officer", "reveal", "concern", "41", {"field": "reporter_phone"}),
        (
            "officer",
            "break_glass",
            "concern",
            "41",
            {"reason": "警方来电核实", "until": "2026-03-01T12:00:00Z"},
        ),
    ]
    assert verify_chain().ok is True


def test_org_writes_land_in_the_chain(world) -> None:
    report = verify_chain()
    assert report.ok is True
    assert report.rows == AuditEntry.objects.count()
    assert AuditEntry.objects.filter(action="membership.added").count() == 10
