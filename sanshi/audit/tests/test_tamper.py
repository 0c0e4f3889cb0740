"""Each way of tampering with the table is found and named (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanshi.audit.chain import row_hash
from sanshi.audit.models import AuditEntry
from sanshi.audit.tests.helpers import raw_delete, raw_insert, raw_update, rows
from sanshi.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def first_problem() -> tuple[int, str]:
    report = verify_chain()
    assert report.ok is False
    return report.problems[0].seq, report.problems[0].kind


def test_verify_command_reports_a_sound_chain() -> None:
    made = rows(5)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue() == f"audit chain ok: 5 rows (rows 1-5), head 5 {made[-1].hash}\n"


def test_an_edited_field_is_named() -> None:
    rows(5)
    raw_update(3, "object_id", "999")
    assert first_problem() == (3, "edited")
    with pytest.raises(CommandError, match=r"^audit chain broken at row 3 edited: its content"):
        call_command("audit_verify")


def test_an_edited_time_is_named() -> None:
    made = rows(5)
    raw_update(2, "at", made[1].at.replace(year=2020))
    assert first_problem() == (2, "edited")


def test_a_row_rewritten_with_a_fresh_hash_is_named_by_its_broken_link() -> None:
    rows(5)
    raw_update(3, "action", "test.forged")
    forged = AuditEntry.objects.get(seq=3)
    raw_update(3, "hash", row_hash(forged))
    assert verify_chain().problems[0].seq == 3
    assert first_problem() == (3, "edited")


def test_a_deleted_row_is_named() -> None:
    rows(5)
    raw_delete(3)
    assert first_problem() == (3, "deleted")
    with pytest.raises(
        CommandError, match=r"^audit chain broken at row 3 deleted: row 3 is missing before row 4"
    ):
        call_command("audit_verify")


def test_deleted_first_rows_are_named() -> None:
    rows(5)
    raw_delete(1, 2)
    assert first_problem() == (1, "deleted")


def test_a_deleted_last_row_is_named() -> None:
    rows(5)
    raw_delete(5)
    report = verify_chain()
    assert [(p.seq, p.kind, p.detail) for p in report.problems] == [
        (5, "deleted", "row 5 is missing from the end")
    ]


def test_a_forged_row_at_the_end_is_named() -> None:
    rows(5)
    raw_insert(6, prev_hash="a" * 64, hash="b" * 64)
    assert first_problem() == (6, "inserted")


def test_a_well_formed_row_slipped_in_after_the_head_is_named() -> None:
    made = rows(5)
    # A row built exactly like record_audit would, but not appended through it.
    ghost = AuditEntry(
        seq=6,
        at=made[-1].at,
        actor_id=None,
        actor_name="",
        action="test.row",
        object_type="thing",
        object_id="x",
        data={},
        prev_hash=made[-1].hash,
    )
    raw_insert(6, prev_hash=made[-1].hash, hash=row_hash(ghost), at=made[-1].at)
    assert AuditEntry.objects.get(seq=6).hash == row_hash(AuditEntry.objects.get(seq=6))
    assert first_problem() == (6, "inserted")


def test_a_row_replaced_in_the_middle_is_named() -> None:
    made = rows(5)
    raw_delete(3)
    raw_insert(3, prev_hash=made[1].hash, hash="c" * 64)
    assert first_problem() == (3, "edited")


def test_a_renumbered_row_is_named() -> None:
    rows(5)
    raw_update(3, "seq", 30)
    assert first_problem() == (3, "deleted")


def test_all_problems_are_listed_first_one_first() -> None:
    rows(8)
    raw_update(2, "object_id", "evil")
    raw_delete(6)
    problems = [(p.seq, p.kind) for p in verify_chain().problems]
    assert problems == [(2, "edited"), (6, "deleted")]
