"""Checking the chain: every row's hash, every link, no gaps, and the head at the end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from django.db import transaction

from sanshi.audit.chain import row_hash
from sanshi.audit.models import GENESIS, HEAD_ID, AuditEntry, AuditHead

Kind = Literal["edited", "deleted", "inserted"]
PRUNED = "audit.pruned"
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: Kind
    detail: str

    def __str__(self) -> str:
        return f"row {self.seq} {self.kind}: {self.detail}"


@dataclass
class Report:
    rows: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Link:
    """What the next row must follow: a row's seq and hash (or the anchor's)."""

    seq: int
    hash: str


def verify_chain(progress: Callable[[int], None] | None = None) -> Report:
    """Walk the whole chain in order and report what does not hold, first problem first."""
    report = Report()
    head = AuditHead.objects.filter(pk=HEAD_ID).first()
    limit = head.seq if head else None
    previous = _anchor()
    rows = AuditEntry.objects.order_by("seq")
    if limit is not None:
        rows = rows.filter(seq__lte=limit)
    for entry in rows.iterator(chunk_size=2000):
        if report.first_seq is None:
            report.first_seq = entry.seq
        _check(entry, previous, report)
        previous = Link(entry.seq, entry.hash)
        report.rows += 1
        report.last_seq = entry.seq
        if progress is not None and report.rows % 10000 == 0:
            progress(report.rows)
        if len(report.problems) >= MAX_PROBLEMS:
            return report
    _check_end(previous, report)
    return report


def _anchor() -> Link:
    """Where the chain starts: the genesis, or the last row pruned (named by the newest anchor)."""
    anchor = AuditEntry.objects.filter(action=PRUNED).order_by("-seq").first()
    if anchor is None:
        return Link(0, GENESIS)
    try:
        return Link(int(anchor.data["through_seq"]), str(anchor.data["through_hash"]))
    except (KeyError, TypeError, ValueError):
        return Link(0, GENESIS)  # a mangled anchor: its own hash check names it


def _check(entry: AuditEntry, previous: Link, report: Report) -> None:
    content_ok = row_hash(entry) == entry.hash
    linked = entry.prev_hash == previous.hash
    in_order = entry.seq == previous.seq + 1
    if content_ok and linked and in_order:
        return
    if entry.seq <= previous.seq:
        report.problems.append(
            Problem(entry.seq, "inserted", f"it is numbered at or before row {previous.seq}")
        )
    elif not in_order and not linked:
        missing = _span(previous.seq + 1, entry.seq - 1)
        report.problems.append(
            Problem(previous.seq + 1, "deleted", f"{missing} missing before row {entry.seq}")
        )
    elif not in_order:
        report.problems.append(
            Problem(
                entry.seq, "inserted", f"it follows row {previous.seq} but is numbered {entry.seq}"
            )
        )
    elif not content_ok and linked:
        report.problems.append(
            Problem(entry.seq, "edited", "its content no longer matches its hash")
        )
    elif not content_ok:
        report.problems.append(
            Problem(
                entry.seq,
                "inserted",
                f"it neither matches its hash nor links to row {previous.seq}",
            )
        )
    elif report.rows > 0:
        report.problems.append(
            Problem(
                previous.seq,
                "edited",
                f"row {entry.seq} no longer links to it (rewritten with a new hash)",
            )
        )
    else:
        report.problems.append(
            Problem(entry.seq, "inserted", f"the first row does not follow {_start(previous)}")
        )


def _span(first: int, last: int) -> str:
    return f"row {first} is" if first == last else f"rows {first}-{last} are"


def _start(anchor: Link) -> str:
    return "the genesis" if anchor.seq == 0 else f"the prune anchor (row {anchor.seq})"


def _check_end(last: Link, report: Report) -> None:
    """Compare the end of the walk with the head, under the head lock (no append in between)."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=HEAD_ID).first()
        head_seq, head_hash = (head.seq, head.hash) if head else (last.seq, last.hash)
        report.head_seq, report.head_hash = head_seq, head_hash
        extra = AuditEntry.objects.filter(seq__gt=head_seq).order_by("seq").first()
    if extra is not None:
        report.problems.append(
            Problem(extra.seq, "inserted", f"it lies after the chain head (row {head_seq})")
        )
    elif last.seq < head_seq:
        report.problems.append(
            Problem(
                last.seq + 1, "deleted", f"{_span(last.seq + 1, head_seq)} missing from the end"
            )
        )
    elif last.hash != head_hash:
        report.problems.append(
            Problem(last.seq, "edited", "the last row no longer matches the chain head")
        )
