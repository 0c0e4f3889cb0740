"""Appends from many connections at once still make one unbroken chain (PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from sanshi.audit.actions import record_audit
from sanshi.audit.models import AuditEntry, AuditHead
from sanshi.audit.verify import verify_chain

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
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            barrier.wait()
            for n in range(EACH):
                record_audit(None, "test.race", "writer", writer, {"n": n})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
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
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            record_audit(None, "test.race", "writer", 0)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert verify_chain().ok is True
