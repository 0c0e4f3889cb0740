"""Rows join the chain the same way on every database: the head locked, hashed in Python,
one insert, the head moved."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sanshi.audit.actions import AuditRow, record_audit, record_audits
from sanshi.audit.chain import row_hash
from sanshi.audit.models import GENESIS, AuditEntry, AuditHead
from sanshi.audit.verify import verify_chain
from sanshi.testing import run_at_once


class Abort(Exception):
    pass


@pytest.mark.django_db
def test_several_rows_take_one_lock_one_insert_and_one_move_of_the_head() -> None:
    first = record_audit(None, "test.db", "thing", 1, {"text": '家暴 "求助"', "n": 1})
    rows = [AuditRow(None, "test.db", "thing", n, {"n": n}) for n in (2, 3, 4)]
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        made = record_audits(rows)
    audited = [q["sql"] for q in queries.captured_queries if "audit" in q["sql"]]
    assert [sql.split()[0] for sql in audited] == ["SELECT", "INSERT", "UPDATE"]
    assert audited[0].endswith("FOR UPDATE") is connection.features.has_select_for_update
    stored = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3, 4]
    assert [e.pk for e in made] == [e.pk for e in stored[1:]]
    assert stored[0].prev_hash == GENESIS
    assert [e.prev_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]
    assert [e.hash for e in stored] == [row_hash(e) for e in stored]
    assert (first.pk, first.seq, first.hash) == (stored[0].pk, 1, stored[0].hash)
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (4, stored[-1].hash)
    assert verify_chain().ok is True


@pytest.mark.django_db
def test_without_a_head_row_the_first_append_makes_it() -> None:
    AuditHead.objects.all().delete()
    entry = record_audit(None, "test.db", "thing", 1)
    assert (entry.seq, entry.prev_hash, entry.hash) == (1, GENESIS, row_hash(entry))
    assert AuditHead.objects.get().seq == 1
    assert AuditEntry.objects.count() == 1
    assert verify_chain().ok is True


@pytest.mark.django_db
def test_a_row_under_a_savepoint_that_rolls_back_is_gone_and_the_chain_still_verifies() -> None:
    with transaction.atomic():
        record_audit(None, "test.kept", "thing", 1)
        with pytest.raises(Abort), transaction.atomic():
            record_audit(None, "test.lost", "thing", 2)
            raise Abort
        record_audit(None, "test.kept", "thing", 3)
    stored = list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "object_id"))
    assert stored == [(1, "test.kept", "1"), (2, "test.kept", "3")]
    assert AuditHead.objects.get().seq == 2
    assert verify_chain().ok is True


@pytest.mark.django_db
def test_too_long_a_field_is_refused_before_anything_is_written() -> None:
    with pytest.raises(ValueError, match="audit action longer than 64"):
        record_audits([AuditRow(None, "ok", "thing", 1), AuditRow(None, "x" * 65, "thing", 2)])
    assert AuditEntry.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_make_one_unbroken_chain() -> None:
    writers, each = 4, 10

    def write(writer: int) -> None:
        for n in range(each):
            record_audits(
                [AuditRow(None, "test.race", "writer", writer, {"n": n, "part": p}) for p in (1, 2)]
            )

    assert run_at_once(*(partial(write, w) for w in range(writers))) == [None] * writers
    rows = list(AuditEntry.objects.order_by("seq").values_list("seq", "object_id", "data"))
    assert [r[0] for r in rows] == list(range(1, 2 * writers * each + 1))
    # Each batch's two rows are neighbours in the chain.
    for first, second in zip(rows[::2], rows[1::2], strict=True):
        assert first[1] == second[1]
        assert (first[2]["n"], first[2]["part"], second[2]["part"]) == (second[2]["n"], 1, 2)
    report = verify_chain()
    assert (report.ok, report.rows) == (True, 2 * writers * each)
