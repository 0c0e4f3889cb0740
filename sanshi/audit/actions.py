"""Every write to the audit trail: append a row, prune old rows behind an anchor.

Call `record_audit` as the last step of the transaction it records: it locks the chain head
until that transaction ends, so every audited write is serialised behind it (and taking the
head last keeps the lock order the same everywhere, so no deadlocks). A transaction that
records several rows, or does more work after its first one, wraps itself in
`chained_at_end()`: its rows are then chained together in its last moment, under one lock
taken just before the commit.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction
from django.db.models import Model

from sanshi.audit import verify
from sanshi.audit.chain import SEQ_BETWEEN, clean_text, normalise_data, payload_around, row_hash
from sanshi.audit.models import GENESIS, HEAD_ID, AuditEntry, AuditHead
from sanshi.core import clock
from sanshi.core.errors import Conflict
from sanshi.core.rows import Along, insert_rows, rows_along, run, saved, with_along

LIMITS = {"action": 64, "object_type": 32, "object_id": 64}


class AuditAction:
    """Names of the actions other apps record; the viewer filters by them."""

    LOGIN = "auth.login"
    LOGIN_FAILED = "auth.login_failed"
    LOGOUT = "auth.logout"
    LOCKED_OUT = "auth.locked_out"
    SECOND_FACTOR_OK = "auth.2fa_verified"
    SECOND_FACTOR_FAILED = "auth.2fa_failed"
    SECOND_FACTOR_ENROLLED = "auth.2fa_enrolled"
    SECOND_FACTOR_RESET = "auth.2fa_reset"
    SECOND_FACTOR_REPLACED = "auth.2fa_replaced"
    SECOND_FACTOR_BACKUP_USED = "auth.2fa_backup_used"
    BACKUP_CODES_MADE = "auth.2fa_backup_codes_made"
    USER_CHANGED = "user.changed"
    CONCERN_READ = "concern.read"
    EXPORT = "export"
    REVEAL = "reveal"
    BREAK_GLASS = "break_glass"
    AUDIT_VIEWED = "audit.viewed"
    PRUNED = "audit.pruned"


def record_audit(
    actor: User | AnonymousUser | None,
    action: str,
    object_type: str,
    object_id: object,
    data: dict[str, Any] | None = None,
) -> AuditEntry | None:
    """Append one row to the chain; call it last inside the write's transaction.

    Inside `chained_at_end()` the row is chained when that block ends, and None is returned.
    """
    user = actor if actor is not None and actor.is_authenticated else None
    fields = {"action": action, "object_type": object_type, "object_id": clean_text(str(object_id))}
    for name, value in fields.items():
        if len(value) > LIMITS[name]:
            raise ValueError(f"audit {name} longer than {LIMITS[name]}: {value[:80]!r}")
    batch = _batch.get()
    if batch is not None and connection.in_atomic_block:
        # Chained when the batch ends. Registered as an on-commit callback so that Django
        # forgets it if a savepoint it was recorded under rolls back; calling it does nothing.
        transaction.on_commit(_Pending(batch, user, normalise_data(data or {}), fields))
        return None
    # Checked above: only the database can fail from here, so no savepoint of our own.
    with transaction.atomic(savepoint=False):
        [entry] = _append([(user, normalise_data(data or {}), fields)])
        return entry


class _Batch:
    """The rows one `chained_at_end()` block recorded (identity only)."""


_batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar(
    "sanshi_audit_batch", default=None
)


@dataclass(frozen=True, eq=False)
class _Pending:
    """An audit row waiting for the end of its batch."""

    batch: _Batch
    user: User | None
    data: dict[str, Any]
    fields: dict[str, str]

    def __call__(self) -> None:
        """After the commit: nothing left to do (the row was chained before it)."""


@dataclass(frozen=True, eq=False)
class _Along:
    """Rows waiting to go in with the batch's chaining statement."""

    batch: _Batch
    objs: tuple[Model, ...]
    signals: bool

    def __call__(self) -> None:
        """After the commit: nothing left to do (the rows went in before it)."""


def insert_with_chain(objs: Sequence[Model], *, signals: bool = True) -> None:
    """Insert rows that nothing reads back before the commit (a task row, a remembered
    response, ...). Inside `chained_at_end()` on PostgreSQL they go in the statement that
    chains the block's audit rows when it ends: one round trip for both. Elsewhere, at once.

    A key the database makes is then not read back (a key the caller makes is kept), and a
    unique clash surfaces when the block ends. Rows added under a savepoint that rolls back
    are left out, as audit rows are.
    """
    batch = _batch.get()
    if batch is None or not connection.in_atomic_block or connection.vendor != "postgresql":
        insert_rows(objs, signals=signals)
        return
    transaction.on_commit(_Along(batch, tuple(objs), signals))


@contextlib.contextmanager
def chained_at_end() -> Iterator[None]:
    """Chain the audit rows recorded inside this block when it ends, still inside the
    surrounding transaction (open one first: `with transaction.atomic(), chained_at_end():`).

    The chain head is then locked for the last moment before the commit, not from the first
    audited write on, and several rows cost one lock, one insert and one head update. Rows
    recorded under a savepoint that rolls back are left out, as their writes are. Nested
    blocks leave the chaining to the outermost one.
    """
    if _batch.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("chained_at_end() needs a transaction around it")
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    # Django's own list of this transaction's on-commit callbacks, (savepoints, callback, ...):
    # what a rolled-back savepoint registered is gone from it (test_batch.py checks this).
    callbacks = [registered[1] for registered in connection.run_on_commit]
    pending = [f for f in callbacks if isinstance(f, _Pending) and f.batch is batch]
    waiting = [f for f in callbacks if isinstance(f, _Along) and f.batch is batch]
    along = []
    for rows in waiting:
        write = rows_along(rows.objs, signals=rows.signals) if pending else None
        if write is None:
            insert_rows(rows.objs, signals=rows.signals)
        else:
            along.append(write)
    if pending:
        _append([(p.user, p.data, p.fields) for p in pending], along, entries=False)


def locked_head() -> AuditHead:
    """The chain head, locked until the surrounding transaction ends (made if missing)."""
    head = _select_head()
    if head is not None:
        return head
    last = AuditEntry.objects.order_by("-seq").first()
    AuditHead.objects.bulk_create(
        [AuditHead(pk=HEAD_ID, seq=last.seq if last else 0, hash=last.hash if last else GENESIS)],
        ignore_conflicts=True,
    )
    head = _select_head()
    assert head is not None  # noqa: S101 - made just above, and the head is never deleted
    return head


def _append(
    rows: list[Row], along: Sequence[Along] = (), *, entries: bool = True
) -> list[AuditEntry]:
    """Chain the rows after the head, with the writes along: on PostgreSQL in one statement
    that locks the head, hashes, inserts and moves the head; elsewhere the head is locked
    first and the rows are hashed here. The rows as saved (on PostgreSQL with
    `entries=False`, an empty list: for a caller that does not look)."""
    if connection.vendor == "postgresql":
        made = _append_in_database(rows, along, entries=entries)
        if made is not None:
            return made
        along = ()  # they went in with the statement, which found no head row to chain on
    return _append_all(locked_head(), rows, along)


# Every audited write reads and moves the head: two plain statements, written out because
# building them through the ORM cost several times what the database spends on them
# (docs/benchmarks.md, session 5). The table name is the model's own, never input.
_HEAD_TABLE = connection.ops.quote_name(AuditHead._meta.db_table)


def _select_head() -> AuditHead | None:
    """The head row, locked FOR UPDATE where the database has row locks (SQLite locks the
    whole database for a write transaction instead)."""
    sql = f"SELECT seq, hash FROM {_HEAD_TABLE} WHERE id = %s"  # noqa: S608
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [HEAD_ID])
        row = cursor.fetchone()
    return None if row is None else AuditHead(id=HEAD_ID, seq=row[0], hash=row[1])


def _head_moved_to(head: AuditHead) -> Along:
    """The UPDATE that moves the head row to `head` (run with the rows' INSERT)."""
    sql = f"UPDATE {_HEAD_TABLE} SET seq = %s, hash = %s WHERE id = %s"  # noqa: S608
    return Along(sql, [head.seq, head.hash, HEAD_ID])


# One row to chain: who, its data (already normalised), action / object_type / object_id.
Row = tuple[User | None, dict[str, Any], dict[str, str]]


def _append_all(head: AuditHead, rows: list[Row], along: Sequence[Along] = ()) -> list[AuditEntry]:
    """Chain the rows after the locked head: one insert that also moves the head."""
    entries = [_next_entry(head, user, data, fields) for user, data, fields in rows]
    # One statement on PostgreSQL: the head moves in the same INSERT (a WITH).
    insert_rows(entries, along=[_head_moved_to(head), *along])
    return entries


@dataclass
class _Draft:
    """A row to chain whose place in the chain is not known yet (what `payload_around` and
    the statement need)."""

    at: dt.datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    data: dict[str, Any]


def _append_in_database(
    rows: list[Row], along: Sequence[Along], *, entries: bool
) -> list[AuditEntry] | None:
    """PostgreSQL: one statement locks the head row, computes each row's seq and hash after
    it (SHA-256 of the payload that `chain.payload` would make, from the text around the
    previous hash that is made here), inserts the rows, moves the head and runs the writes
    along. The head is then locked from this statement to the commit, and the hashing is
    done before it. The rows as saved (`entries=False`: an empty list, for a caller that
    does not look), or None where there is no head row yet (nothing inserted but the writes
    along): the caller makes it and chains the rows the other way."""
    at = clock.now()
    drafts = [
        _Draft(at, user.pk if user is not None else None,
               clean_text(user.get_username()) if user is not None else "", data=data, **fields)
        for user, data, fields in rows
    ]  # fmt: skip
    data_field = AuditEntry._meta.get_field("data")
    values: list[Any] = []
    for draft in drafts:
        before, after = payload_around(draft)
        values += [before, after, draft.at, draft.actor_id, draft.actor_name, draft.action,
                   draft.object_type, draft.object_id,
                   data_field.get_db_prep_save(draft.data, connection)]  # fmt: skip
    keys = run(connection, _chain_statement(len(drafts), tuple(w.sql for w in along)),
                [*(p for write in along for p in write.params), *values])  # fmt: skip
    saved([obj for write in along for obj in write.objs], connection.alias)
    if not keys:
        return None
    if not entries:
        return []
    made = [
        AuditEntry(pk=pk, seq=seq, prev_hash=prev_hash, hash=hash_, actor=user, **vars(draft))
        for (pk, seq, prev_hash, hash_), draft, (user, _data, _fields) in zip(
            sorted(keys, key=lambda key: key[1]), drafts, rows, strict=True
        )
    ]
    saved(made, connection.alias)
    return made


@functools.lru_cache(maxsize=64)
def _chain_statement(count: int, along: tuple[str, ...]) -> str:
    """The statement `_append_in_database` runs for `count` rows, with the writes `along`
    (their SQL) first. Table and column names are the models' own; every value is a
    parameter."""
    quote = connection.ops.quote_name
    table = quote(AuditEntry._meta.db_table)
    columns = ("at", "actor_id", "actor_name", "action", "object_type", "object_id", "data")
    row = ("({i}, %s::text, %s::text, %s::timestamptz, %s::integer, %s::varchar, %s::varchar,"
           " %s::varchar, %s::varchar, %s::jsonb)")  # fmt: skip
    rows = ", ".join(row.format(i=i) for i in range(1, count + 1))
    # Each row's hash: SHA-256 over the payload, the previous row's hash and this row's seq
    # put in place (chain.payload_around); the first row follows the locked head.
    head = f"SELECT seq, hash::text AS hash FROM {_HEAD_TABLE} WHERE id = {HEAD_ID}"  # noqa: S608
    withs = [*with_along(along), f"head AS ({head} FOR UPDATE)"]
    return (
        f"WITH RECURSIVE {', '.join(withs)}, "  # noqa: S608 - names are the models' own
        f"r (i, before, after, {', '.join(columns)}) AS (VALUES {rows}), "
        "chain (i, seq, prev, hash) AS (SELECT 0, seq, NULL::text, hash FROM head UNION ALL "
        "SELECT r.i, chain.seq + 1, chain.hash, encode(sha256(convert_to(r.before || chain.hash"
        f" || '{SEQ_BETWEEN}' || (chain.seq + 1)::text || r.after, 'UTF8')), 'hex')"
        " FROM chain JOIN r ON r.i = chain.i + 1), "
        f"moved AS (UPDATE {_HEAD_TABLE} SET seq = chain.seq, hash = chain.hash FROM chain"
        f" WHERE id = {HEAD_ID} AND chain.i = {count}) "
        f"INSERT INTO {table} (seq, {', '.join(quote(c) for c in columns)}, prev_hash, hash) "
        f"SELECT chain.seq, {', '.join(f'r.{c}' for c in columns)}, chain.prev, chain.hash "
        "FROM chain JOIN r ON r.i = chain.i RETURNING id, seq, prev_hash, hash"
    )


def _next_entry(
    head: AuditHead, user: User | None, data: dict[str, Any], fields: dict[str, str]
) -> AuditEntry:
    """The row after the head (its data already normalised); moves the head in memory."""
    entry = AuditEntry(
        seq=head.seq + 1,
        at=clock.now(),
        actor=user,
        actor_name=clean_text(user.get_username()) if user is not None else "",
        data=data,
        prev_hash=head.hash,
        **fields,
    )
    entry.hash = row_hash(entry)
    head.seq, head.hash = entry.seq, entry.hash
    return entry


# --- one function per kind of look that the law wants kept --------------------------------


def audit_concern_read(actor: User, concern_id: int, *, protected: bool, how: str = "view") -> None:
    """Someone looked at a concern in full (call it for every look at a protected one)."""
    record_audit(
        actor, AuditAction.CONCERN_READ, "concern", concern_id, {"protected": protected, "how": how}
    )


def audit_export(actor: User, what: str, *, rows: int, filters: dict[str, Any]) -> None:
    """Someone exported data: what, how many rows, with which filters."""
    record_audit(actor, AuditAction.EXPORT, "export", what, {"rows": rows, "filters": filters})


def audit_reveal(actor: User, object_type: str, object_id: object, *, field: str) -> None:
    """Someone unmasked a personal field (a phone, a name) of one record."""
    record_audit(actor, AuditAction.REVEAL, object_type, object_id, {"field": field})


def audit_break_glass(actor: User, concern_id: int, *, reason: str, until: dt.datetime) -> None:
    """Someone used break-glass access to a protected concern."""
    record_audit(
        actor, AuditAction.BREAK_GLASS, "concern", concern_id, {"reason": reason, "until": until}
    )


# --- retention ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PruneResult:
    deleted: int
    through_seq: int | None
    cutoff: dt.datetime
    retention_days: int


def prune_audit(*, dry_run: bool = False) -> PruneResult:
    """Delete the oldest rows past retention, leaving an anchor row so the rest still verifies.

    Only a prefix of the chain goes: rows up to the first one still inside the retention
    period, so nothing younger than SANSHI_AUDIT_RETENTION_DAYS is ever deleted. A broken
    chain is never pruned (that would destroy the evidence). Safe to run twice at once: the
    second waits on the head lock and then finds nothing old enough.
    """
    days = int(getattr(settings, "SANSHI_AUDIT_RETENTION_DAYS", 365))
    cutoff = clock.now() - dt.timedelta(days=days)
    report = verify.verify_chain()
    if not report.ok:
        raise Conflict(f"the audit chain is broken, not pruning: {report.problems[0]}")
    with transaction.atomic():
        head = locked_head()
        through = _prunable_through(cutoff, head)
        if through is None:
            return PruneResult(0, None, cutoff, days)
        last = AuditEntry.objects.get(seq=through)
        count = AuditEntry.objects.filter(seq__lte=through).count()
        if dry_run:
            return PruneResult(count, through, cutoff, days)
        AuditEntry.objects.filter(seq__lte=through).delete()
        anchor = {
            "through_seq": through,
            "through_hash": last.hash,
            "rows": count,
            "cutoff": cutoff,
            "retention_days": days,
        }
        pruned = {"action": AuditAction.PRUNED, "object_type": "audit", "object_id": str(through)}
        _append_all(head, [(None, normalise_data(anchor), pruned)])
    return PruneResult(count, through, cutoff, days)


def _prunable_through(cutoff: dt.datetime, head: AuditHead) -> int | None:
    """The last seq of the old prefix, or None when there is nothing to prune."""
    first = AuditEntry.objects.order_by("seq").values_list("seq", flat=True).first()
    if first is None:
        return None
    young = (
        AuditEntry.objects.filter(at__gte=cutoff)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    through = young - 1 if young is not None else head.seq
    return through if through >= first else None
