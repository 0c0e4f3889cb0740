"""`sanshi audit-prune`: delete audit rows older than SANSHI_AUDIT_RETENTION_DAYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.audit.actions import prune_audit
from sanshi.core.errors import Conflict


class Command(BaseCommand):
    help = (
        "Delete the oldest audit rows past the retention period (SANSHI_AUDIT_RETENTION_DAYS),"
        " leaving an anchor row so the chain still verifies. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = prune_audit(dry_run=options["dry_run"])
        except Conflict as exc:
            raise CommandError(exc.message) from None
        days = result.retention_days
        verb = "would delete" if options["dry_run"] else "deleted"
        if result.deleted == 0:
            self.stdout.write(f"audit prune: nothing older than {days} days")
            return
        self.stdout.write(
            f"audit prune: {verb} {result.deleted} rows through row {result.through_seq}"
            f" (older than {days} days, before {result.cutoff:%Y-%m-%d %H:%M})"
        )
