"""Appends from many connections at once still make one unbroken chain (PostgreSQL only)."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection

from sanshi.audit.actions import record_audit
from sanshi.audit.models import AuditEntry, AuditHead
from sanshi.audit.verify import verify_chain
from sanshi.testing import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrent connections"
    ),
]

WRITERS = 6
EACH = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_unbroken_chain() -> None:
    def write(writer: int) -> None:
        for n in range(EACH):
            record_audit(None, "test.race", "writer", writer, {"n": n})

    assert run_at_once(*(partial(write, w) for w in range(WRITERS))) == [None] * WRITERS
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * EACH + 1))
    assert AuditHead.objects.get().seq == WRITERS * EACH
    for writer in range(WRITERS):
        data = AuditEntry.objects.filter(object_id=str(writer)).order_by("seq")
        assert [e.data["n"] for e in data] == list(range(EACH))
    report = verify_chain()
    assert (report.ok, report.rows) == (True, WRITERS * EACH)


@pytest.mark.django_db(transaction=True)
def test_the_first_appends_of_an_empty_database_race_safely() -> None:
    AuditHead.objects.all().delete()  # as after a flush: the head row is made on first use

    def write() -> None:
        record_audit(None, "test.race", "writer", 0)

    assert run_at_once(*[write] * 4) == [None] * 4
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert verify_chain().ok is True
