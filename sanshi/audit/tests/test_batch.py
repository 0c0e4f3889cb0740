"""Rows recorded inside `chained_at_end()` join the chain together at the end of the block."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.db import connection, transaction

from sanshi.audit.actions import chained_at_end, record_audit
from sanshi.audit.models import AuditEntry, AuditHead
from sanshi.audit.verify import verify_chain
from sanshi.testing import run_at_once


class Abort(Exception):
    pass


def _rows() -> list[tuple[int, str, str]]:
    return list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "object_id"))


@pytest.mark.django_db
def test_rows_are_chained_in_order_when_the_block_ends(django_assert_num_queries: Any) -> None:
    record_audit(None, "test.before", "thing", 0)
    with transaction.atomic():
        with chained_at_end(), django_assert_num_queries(0):  # nothing written or locked yet
            assert record_audit(None, "test.one", "thing", 1, {"n": 1}) is None
            record_audit(None, "test.two", "thing", 2)
        assert _rows()[-2:] == [(2, "test.one", "1"), (3, "test.two", "2")]
    assert AuditHead.objects.get().seq == 3
    report = verify_chain()
    assert (report.ok, report.rows) == (True, 3)


@pytest.mark.django_db
def test_chaining_takes_a_fixed_number_of_statements_for_any_number_of_rows(
    django_assert_num_queries: Any,
) -> None:
    # PostgreSQL: one statement locks the head, hashes and inserts the rows and moves the
    # head. Elsewhere: lock the head, move it, insert the rows.
    statements = 1 if connection.vendor == "postgresql" else 3
    record_audit(None, "test.before", "thing", 0)  # the head row exists
    with transaction.atomic():
        block = chained_at_end()
        block.__enter__()
        for n in range(5):
            record_audit(None, "test.row", "thing", n)
        with django_assert_num_queries(statements):
            block.__exit__(None, None, None)
    assert [r[0] for r in _rows()] == [1, 2, 3, 4, 5, 6]
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_row_recorded_under_a_rolled_back_savepoint_is_left_out() -> None:
    with transaction.atomic(), chained_at_end():
        record_audit(None, "test.kept", "thing", 1)
        with pytest.raises(Abort), transaction.atomic():
            record_audit(None, "test.dropped", "thing", 2)
            raise Abort
        record_audit(None, "test.kept", "thing", 3)
    assert _rows() == [(1, "test.kept", "1"), (2, "test.kept", "3")]
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_block_that_fails_chains_nothing() -> None:
    with pytest.raises(Abort), transaction.atomic(), chained_at_end():
        record_audit(None, "test.lost", "thing", 1)
        raise Abort
    assert _rows() == []


@pytest.mark.django_db
def test_nested_blocks_chain_once_at_the_outermost_end() -> None:
    with transaction.atomic(), chained_at_end():
        with chained_at_end():
            record_audit(None, "test.inner", "thing", 1)
        assert _rows() == []  # the inner block left it to the outer one
        record_audit(None, "test.outer", "thing", 2)
    assert _rows() == [(1, "test.inner", "1"), (2, "test.outer", "2")]


def test_the_block_needs_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="needs a transaction"), chained_at_end():
        pass


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_blocks_make_one_unbroken_chain() -> None:
    writers, each = 4, 10

    def write(writer: int) -> None:
        for n in range(each):
            with transaction.atomic(), chained_at_end():
                record_audit(None, "test.race", "writer", writer, {"n": n, "part": 1})
                record_audit(None, "test.race", "writer", writer, {"n": n, "part": 2})

    assert run_at_once(*(partial(write, w) for w in range(writers))) == [None] * writers
    rows = list(AuditEntry.objects.order_by("seq").values_list("seq", "object_id", "data"))
    assert [r[0] for r in rows] == list(range(1, 2 * writers * each + 1))
    # Each block's two rows are neighbours in the chain.
    for first, second in zip(rows[::2], rows[1::2], strict=True):
        assert first[1] == second[1]
        assert (first[2]["n"], first[2]["part"], second[2]["part"]) == (second[2]["n"], 1, 2)
    report = verify_chain()
    assert (report.ok, report.rows) == (True, 2 * writers * each)
