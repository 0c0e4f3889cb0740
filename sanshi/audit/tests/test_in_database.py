"""The chain as PostgreSQL extends it: the hash computed in the statement is the one
`chain.row_hash` gives, and the text around the previous hash is the payload's own."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sanshi.audit.actions import chained_at_end, record_audit
from sanshi.audit.chain import SEQ_BETWEEN, payload, payload_around, row_hash
from sanshi.audit.models import GENESIS, AuditEntry, AuditHead
from sanshi.audit.verify import verify_chain

ON_POSTGRESQL = connection.vendor == "postgresql"
AT = dt.datetime(2026, 11, 29, 8, 30, 1, 250, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"n": 1, "text": "孩子放学后没人照看", "nested": {"z": [1, "二"], "a": None}},
        {"prev": "x", "seq": 3, "quote": '"\\', "tab": "\t", "emoji": "🙂"},
        {"prev": "\x00", "seq": -1, "type": '"prev":"\\u0000","seq":-1'},
    ],
)
@pytest.mark.parametrize("actor", [None, 42])
def test_the_text_around_the_previous_hash_is_the_payloads(data: dict, actor: int | None) -> None:
    row = SimpleNamespace(seq=12345678901, at=AT, actor_id=actor, actor_name="张三" if actor else "",
                          action="concern.received", object_type="concern", object_id="77",
                          data=data, prev_hash="ab" * 32)  # fmt: skip
    before, after = payload_around(row)
    assert (before + row.prev_hash + SEQ_BETWEEN + str(row.seq) + after).encode() == payload(row)


@pytest.mark.django_db
@pytest.mark.skipif(not ON_POSTGRESQL, reason="the chain is extended in SQL on PostgreSQL only")
def test_one_statement_appends_and_its_hashes_verify() -> None:
    first = record_audit(None, "test.db", "thing", 1, {"text": '家暴 "求助"', "n": 1})
    assert first is not None
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), chained_at_end():
        for n in (2, 3, 4):
            record_audit(None, "test.db", "thing", n, {"n": n})
    chain = [q["sql"].split()[0] for q in queries.captured_queries if "audit" in q["sql"]]
    assert chain == ["WITH"]
    stored = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3, 4]
    assert stored[0].prev_hash == GENESIS
    assert [e.prev_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]
    assert [e.hash for e in stored] == [row_hash(e) for e in stored]
    assert (first.pk, first.seq, first.prev_hash, first.hash) == (
        stored[0].pk, 1, GENESIS, stored[0].hash,
    )  # fmt: skip
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (4, stored[-1].hash)
    assert verify_chain().ok is True


@pytest.mark.django_db
def test_without_a_head_row_the_first_append_makes_it() -> None:
    AuditHead.objects.all().delete()
    entry = record_audit(None, "test.db", "thing", 1)
    assert entry is not None
    assert (entry.seq, entry.prev_hash, entry.hash) == (1, GENESIS, row_hash(entry))
    assert AuditHead.objects.get().seq == 1
    assert AuditEntry.objects.count() == 1
    assert verify_chain().ok is True
