"""insert_rows writes what save() writes, sets the keys, and fails whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from sanshi.api.actions import issue_api_token
from sanshi.api.models import IdempotentResponse
from sanshi.audit.models import AuditEntry
from sanshi.concerns.models import Concern, ConcernEvent
from sanshi.core.rows import Along, insert_rows, insert_with_children, rows_along

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 29, 8, 30, tzinfo=dt.UTC)


def _concern(world: Any, code: str) -> Concern:
    return Concern(
        tracking_code=code, channel="api", text="丈夫喝酒后经常骂人，电话13800000000",
        search_text="", address="北海市海城区东街街道", reporter_name="林女士",
        reporter_phone="13800000000", reporter_phone_index="idx", org=world.county,
        community=world.community, category="family", subcategory="family.conflict",
        sanshi="jiuxin", urgency="high", protected=True, latitude=Decimal("21.481234"),
        longitude=Decimal("109.120001"), triage={"category": "family", "danger": 0.91},
        triage_version="t1", status="received", received_at=AT, updated_at=AT,
    )  # fmt: skip


def _stored(concern: Concern) -> dict[str, Any]:
    row = Concern.objects.get(pk=concern.pk)
    skip = {"id", "tracking_code"}
    return {f.attname: getattr(row, f.attname) for f in Concern._meta.concrete_fields
            if f.attname not in skip}  # fmt: skip


def test_a_row_reads_back_as_the_same_row_written_by_save(world):
    by_save, by_rows = _concern(world, "SAVE00000001"), _concern(world, "ROWS00000001")
    by_save.save(force_insert=True)
    insert_rows([by_rows])
    assert by_rows.pk is not None and by_rows.pk != by_save.pk
    assert by_rows._state.adding is False
    assert _stored(by_rows) == _stored(by_save)
    assert Concern.objects.get(pk=by_rows.pk).tracking_code == "ROWS00000001"
    # Sealed columns are sealed, as save() seals them.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone, text FROM concerns_concern WHERE id = %s",
                       [by_rows.pk])  # fmt: skip
        phone, text = cursor.fetchone()
    assert phone.startswith("A:") and text.startswith("A:")
    assert "13800000000" not in phone + text


def _event(concern: Concern, org: Any, kind: str) -> ConcernEvent:
    return ConcernEvent(concern=concern, kind=kind, at=AT, org=org, to_status=kind,
                        note=f"note {kind}", data={"kind": kind})  # fmt: skip


def test_several_rows_are_one_statement_and_each_gets_its_own_key(world):
    concern = _concern(world, "ROWS00000002")
    # Assigned before the concern has a key: insert_rows takes it once it has one.
    kinds = ("received", "dispatched", "signed")
    events = [_event(concern, world.county, kind) for kind in kinds]
    insert_rows([concern])
    with CaptureQueriesContext(connection) as queries:
        insert_rows(events)
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    stored = {e.pk: (e.kind, e.note, e.data) for e in ConcernEvent.objects.filter(concern=concern)}
    assert stored == {e.pk: (e.kind, f"note {e.kind}", {"kind": e.kind}) for e in events}
    assert len(stored) == 3


def test_a_unique_clash_raises_and_writes_none_of_the_rows(world):
    insert_rows([_concern(world, "DUPE00000001")])
    batch = [_concern(world, "FINE00000001"), _concern(world, "DUPE00000001")]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(batch)
    assert Concern.objects.filter(tracking_code="FINE00000001").count() == 0


def test_rows_with_keys_or_of_two_models_are_refused(world):
    concern = _concern(world, "ROWS00000003")
    insert_rows([concern])
    with pytest.raises(ValueError, match="already has a primary key"):
        insert_rows([concern])
    event = ConcernEvent(concern=concern, kind="received", at=AT, org=world.county)
    with pytest.raises(TypeError, match="one model"):
        insert_rows([_concern(world, "ROWS00000004"), event])
    assert insert_rows([]) is None


def test_a_model_with_save_receivers_goes_through_save_and_sends_them(world):
    token, _raw = issue_api_token(world.dispatcher, name="rows")
    heard: list[int] = []

    def receiver(sender: Any, instance: IdempotentResponse, created: bool, **_: Any) -> None:
        heard.append(instance.pk)

    post_save.connect(receiver, sender=IdempotentResponse, dispatch_uid="test-rows")
    try:
        rows = [IdempotentResponse(token=token, key=k, fingerprint="f", status=201,
                                   body={"k": k}, created_at=AT) for k in ("a", "b")]  # fmt: skip
        insert_rows(rows)
    finally:
        post_save.disconnect(sender=IdempotentResponse, dispatch_uid="test-rows")
    assert heard == [rows[0].pk, rows[1].pk]
    assert IdempotentResponse.objects.get(pk=rows[1].pk).body == {"k": "b"}


def test_the_audit_chain_written_through_insert_rows_verifies(world):
    from sanshi.audit.verify import verify_chain

    world.concern(text="第一件")
    world.concern(text="第二件")
    assert AuditEntry.objects.count() >= 2
    assert verify_chain().ok


def test_columns_null_in_every_row_are_left_out_and_read_back_null(world):
    by_save, by_rows = _concern(world, "SAVE00000005"), _concern(world, "ROWS00000005")
    for concern in (by_save, by_rows):
        concern.latitude = concern.longitude = None
    by_save.save(force_insert=True)
    with CaptureQueriesContext(connection) as queries:
        insert_rows([by_rows])
    [insert] = [q["sql"] for q in queries.captured_queries]
    columns = insert.split("(", 1)[1].split(")", 1)[0]
    for null in ("latitude", "closed_at", "merged_into_id", "anonymised_at"):
        assert f'"{null}"' not in columns
    for written in ("tracking_code", "reporter_phone", "received_at", "protected"):
        assert f'"{written}"' in columns
    # Under the 50 parameters up to which psycopg keeps a statement's parsed form.
    assert columns.count(",") + 1 < 50
    assert _stored(by_rows) == _stored(by_save)
    assert Concern.objects.get(pk=by_rows.pk).closed_at is None
    # A column null in one row of several is written for all of them.
    a, b = _event(by_rows, None, "received"), _event(by_rows, world.county, "dispatched")
    insert_rows([a, b])
    assert [(e.org_id, e.kind) for e in ConcernEvent.objects.filter(pk__in=[a.pk, b.pk])
            .order_by("pk")] == [(None, "received"), (world.county.pk, "dispatched")]  # fmt: skip


def test_a_model_whose_key_the_caller_makes_is_written_with_that_key():
    import uuid

    from django_tasks_db.models import DBTaskResult

    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    row = DBTaskResult(id=key, args_kwargs={"args": [1], "kwargs": {}}, task_path="x.y",
                       backend_name="default", run_after=AT)  # fmt: skip
    insert_rows([row], signals=False)
    assert row.pk == key and row._state.adding is False
    stored = DBTaskResult.objects.get(pk=key)
    assert (stored.args_kwargs, stored.task_path, stored.status, stored.run_after) == (
        {"args": [1], "kwargs": {}},
        "x.y",
        "READY",
        AT,
    )
    with pytest.raises(ValueError, match="already has a primary key"):
        insert_rows([row], signals=False)


def test_writes_along_go_in_the_same_statement_on_postgresql(world):
    concern = _concern(world, "ROWS00000006")
    insert_rows([concern])
    moved = Along(
        'UPDATE "concerns_concern" SET "search_text" = %s WHERE "id" = %s', ["搬了", concern.pk]
    )
    token, _raw = issue_api_token(world.dispatcher, name="along")
    kept = IdempotentResponse(token=token, key="k1", fingerprint="f", status=201,
                              body={"id": concern.pk}, created_at=AT)  # fmt: skip
    with_rows = rows_along([kept])
    assert with_rows is not None and with_rows.objs == (kept,)
    events = [_event(concern, world.county, "received")]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(events, along=[moved, with_rows])
    statements = [q["sql"] for q in queries.captured_queries]
    if connection.vendor == "postgresql":
        [statement] = statements
        assert statement.startswith('WITH along0 AS (UPDATE "concerns_concern"')
        assert 'along1 AS (INSERT INTO "api_idempotentresponse"' in statement
    else:
        assert [s.split()[0] for s in statements] == ["UPDATE", "INSERT", "INSERT"]
    assert Concern.objects.get(pk=concern.pk).search_text == "搬了"
    assert ConcernEvent.objects.get(pk=events[0].pk).kind == "received"
    stored = IdempotentResponse.objects.get(token=token, key="k1")
    assert (stored.status, stored.body) == (201, {"id": concern.pk})
    assert kept._state.adding is False
    with pytest.raises(ValueError, match="needs rows"):
        insert_rows([], along=[moved])
    assert rows_along([]) is None


def test_rows_that_need_their_receivers_do_not_go_along(world):
    token, _raw = issue_api_token(world.dispatcher, name="along-signals")

    def receiver(**_: Any) -> None:
        pass

    post_save.connect(receiver, sender=IdempotentResponse, dispatch_uid="test-along")
    try:
        row = IdempotentResponse(token=token, key="k2", fingerprint="f", status=201, body={},
                                 created_at=AT)  # fmt: skip
        assert rows_along([row]) is None
        assert rows_along([row], signals=False) is not None
    finally:
        post_save.disconnect(sender=IdempotentResponse, dispatch_uid="test-along")


def test_the_audit_head_moves_with_the_rows_in_one_statement(world):
    from sanshi.audit.actions import chained_at_end, record_audit
    from sanshi.audit.models import AuditHead
    from sanshi.audit.verify import verify_chain

    with CaptureQueriesContext(connection) as queries, transaction.atomic(), chained_at_end():
        record_audit(None, "test.one", "thing", 1, {})
        record_audit(None, "test.two", "thing", 2, {})
    audit = [q["sql"] for q in queries.captured_queries if "audit" in q["sql"]]
    if connection.vendor == "postgresql":  # locked, hashed, inserted and moved in one
        assert [s.split()[0] for s in audit] == ["WITH"]
    else:
        assert [s.split()[0] for s in audit] == ["SELECT", "UPDATE", "INSERT"]
    head = AuditHead.objects.get()
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and (head.seq, head.hash) == (last.seq, last.hash)
    assert last.action == "test.two"
    assert verify_chain().ok


def _events(concern: Concern, world: Any) -> list[ConcernEvent]:
    return [
        ConcernEvent(concern=concern, kind="received", at=AT, actor=world.dispatcher,
                     org=world.county, to_status="received", data={"channel": "api"}),
        ConcernEvent(concern=concern, kind="dispatched", at=AT, org=world.community,
                     from_status="received", to_status="dispatched", note="派单"),
    ]  # fmt: skip


def test_a_parent_and_its_children_go_in_together_with_their_keys(world):
    concern = _concern(world, "KIDS00000001")
    events = _events(concern, world)
    with CaptureQueriesContext(connection) as queries:
        insert_with_children(concern, events, link="concern_id")
    writes = [q["sql"] for q in queries.captured_queries if "concerns_concern" in q["sql"]]
    # PostgreSQL: one statement; elsewhere one per table.
    assert len(writes) == (1 if connection.vendor == "postgresql" else 2)
    assert concern.pk is not None and concern._state.adding is False
    assert [e._state.adding for e in events] == [False, False]
    assert [e.concern_id for e in events] == [concern.pk, concern.pk]
    stored = list(ConcernEvent.objects.filter(concern=concern).order_by("pk"))
    assert [e.pk for e in stored] == [e.pk for e in events]
    assert [(e.kind, e.actor_id, e.org_id, e.note, e.data) for e in stored] == [
        ("received", world.dispatcher.pk, world.county.pk, "", {"channel": "api"}),
        ("dispatched", None, world.community.pk, "派单", {}),
    ]
    by_save = _concern(world, "SAVE00000002")
    by_save.save(force_insert=True)
    assert _stored(concern) == _stored(by_save)


def test_without_children_the_parent_goes_in_alone(world):
    concern = _concern(world, "KIDS00000002")
    insert_with_children(concern, [], link="concern_id")
    assert Concern.objects.get(pk=concern.pk).tracking_code == "KIDS00000002"


def test_a_clash_writes_neither_parent_nor_children(world):
    insert_rows([_concern(world, "KIDS00000003")])
    concern = _concern(world, "KIDS00000003")  # the same tracking code: unique
    events = _events(concern, world)
    before = ConcernEvent.objects.count(), Concern.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_children(concern, events, link="concern_id")
    assert (ConcernEvent.objects.count(), Concern.objects.count()) == before
    assert concern.pk is None and concern._state.adding is True
    assert [e.pk for e in events] == [None, None]
