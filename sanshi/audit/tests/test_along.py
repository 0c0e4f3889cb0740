"""Rows handed to `insert_with_chain` go in with the audit chain's statement (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from sanshi.api.actions import issue_api_token
from sanshi.api.models import IdempotentResponse
from sanshi.audit.actions import chained_at_end, insert_with_chain, record_audit
from sanshi.audit.models import AuditEntry
from sanshi.audit.verify import verify_chain

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 29, 8, 30, tzinfo=dt.UTC)
ON_POSTGRESQL = connection.vendor == "postgresql"


class Abort(Exception):
    pass


def _response(token: Any, key: str) -> IdempotentResponse:
    return IdempotentResponse(token=token, key=key, fingerprint="f", status=201,
                              body={"key": key}, created_at=AT)  # fmt: skip


def _keys() -> list[str]:
    return list(IdempotentResponse.objects.order_by("key").values_list("key", flat=True))


def test_rows_go_in_with_the_chain_when_the_block_ends(world: Any) -> None:
    token, _raw = issue_api_token(world.dispatcher, name="along")
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), chained_at_end():
        record_audit(None, "test.along", "thing", 1)
        insert_with_chain([_response(token, "a")])
        # PostgreSQL: not yet written; elsewhere written at once.
        assert _keys() == ([] if ON_POSTGRESQL else ["a"])
        with pytest.raises(Abort), transaction.atomic():
            insert_with_chain([_response(token, "rolled-back")])
            raise Abort
        insert_with_chain([_response(token, "b")])
    assert _keys() == ["a", "b"]
    chain = [q["sql"] for q in queries.captured_queries if "audit" in q["sql"]]
    if ON_POSTGRESQL:
        # One statement locks the head, chains the row, moves the head and writes the rows.
        assert [s.split()[0] for s in chain] == ["WITH"]
        assert chain[0].count('INSERT INTO "api_idempotentresponse"') == 2
    assert AuditEntry.objects.filter(action="test.along").count() == 1
    assert verify_chain().ok


def test_without_audit_rows_or_outside_a_block_they_go_in_anyway(world: Any) -> None:
    token, _raw = issue_api_token(world.dispatcher, name="along-plain")
    with transaction.atomic(), chained_at_end():
        insert_with_chain([_response(token, "no-audit")])
    insert_with_chain([_response(token, "no-block")])
    assert _keys() == ["no-audit", "no-block"]


def test_a_unique_clash_among_them_rolls_the_whole_block_back(world: Any) -> None:
    token, _raw = issue_api_token(world.dispatcher, name="along-clash")
    insert_with_chain([_response(token, "taken")])
    before = AuditEntry.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic(), chained_at_end():
        record_audit(None, "test.clash", "thing", 1)
        insert_with_chain([_response(token, "fresh"), _response(token, "taken")])
    assert _keys() == ["taken"]
    assert AuditEntry.objects.count() == before
