"""`sanshi audit-verify`: check the audit hash chain; exit 1 naming the first broken row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sanshi.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Check the audit chain: every row's hash, every link, no gaps, the head at the end."

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        report = verify_chain(progress=self._progress if verbose else None)
        if not report.ok:
            for problem in report.problems[1:]:
                self.stderr.write(f"also: {problem}")
            raise CommandError(f"audit chain broken at {report.problems[0]}")
        span = f"rows {report.first_seq}-{report.last_seq}" if report.rows else "no rows"
        self.stdout.write(
            f"audit chain ok: {report.rows} rows ({span}), head {report.head_seq} {report.head_hash}"
        )

    def _progress(self, rows: int) -> None:
        self.stderr.write(f"checked {rows} rows")
