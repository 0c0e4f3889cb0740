"""Every write to the audit trail: append rows, prune old rows behind an anchor.

Call `record_audit` (or `record_audits` for several rows) as the last step of the transaction
it records. It locks the chain head (SELECT ... FOR UPDATE) until that transaction ends, so
audited writes are serialised from there to their commit; taking the head last keeps that
moment short and the lock order the same everywhere (no deadlocks). The rows are hashed here,
with `chain.row_hash`, inserted with one `bulk_create`, and the head moves with one UPDATE:
the same statements on every database (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from sanshi.audit import verify
from sanshi.audit.chain import clean_text, normalise_data, row_hash
from sanshi.audit.models import GENESIS, HEAD_ID, AuditEntry, AuditHead
from sanshi.core import clock
from sanshi.core.errors import Conflict

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


@dataclass(frozen=True)
class AuditRow:
    """One row to append: who did what to which object, with what details."""

    actor: User | AnonymousUser | None
    action: str
    object_type: str
    object_id: object
    data: dict[str, Any] | None = None


def record_audit(
    actor: User | AnonymousUser | None,
    action: str,
    object_type: str,
    object_id: object,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one row to the chain; call it last inside the write's transaction."""
    [entry] = record_audits([AuditRow(actor, action, object_type, object_id, data)])
    return entry


def record_audits(rows: list[AuditRow]) -> list[AuditEntry]:
    """Append rows to the chain in order, under one lock of the head; call it last inside
    the write's transaction (it opens one if there is none)."""
    drafts = [_draft(row) for row in rows]  # bad input raises before anything is locked
    with transaction.atomic(savepoint=False):
        return _append(locked_head(), drafts)


def _draft(row: AuditRow) -> AuditEntry:
    """The row's content, checked; its place in the chain comes later."""
    user = row.actor if row.actor is not None and row.actor.is_authenticated else None
    entry = AuditEntry(
        at=clock.now(),
        actor=user,
        actor_name=clean_text(user.get_username()) if user is not None else "",
        action=row.action,
        object_type=row.object_type,
        object_id=clean_text(str(row.object_id)),
        data=normalise_data(row.data or {}),
    )
    for name, limit in LIMITS.items():
        value = getattr(entry, name)
        if len(value) > limit:
            raise ValueError(f"audit {name} longer than {limit}: {value[:80]!r}")
    return entry


def locked_head() -> AuditHead:
    """The chain head, locked until the surrounding transaction ends (made if missing)."""
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is not None:
        return head
    last = AuditEntry.objects.order_by("-seq").first()
    AuditHead.objects.bulk_create(
        [AuditHead(pk=HEAD_ID, seq=last.seq if last else 0, hash=last.hash if last else GENESIS)],
        ignore_conflicts=True,
    )
    return AuditHead.objects.select_for_update().get(pk=HEAD_ID)


def _append(head: AuditHead, entries: list[AuditEntry]) -> list[AuditEntry]:
    """Chain the entries after the locked head, insert them and move the head."""
    for entry in entries:
        entry.seq, entry.prev_hash = head.seq + 1, head.hash
        entry.hash = row_hash(entry)
        head.seq, head.hash = entry.seq, entry.hash
    AuditEntry.objects.bulk_create(entries)
    AuditHead.objects.filter(pk=HEAD_ID).update(seq=head.seq, hash=head.hash)
    return entries


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
        row = AuditRow(None, AuditAction.PRUNED, "audit", through, anchor)
        _append(head, [_draft(row)])
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
