"""`sanshi stats-export`: de-identified counts as CSV (no cell under 5 concerns shown)."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanshi.analytics.exports import DIMENSIONS, counts
from sanshi.audit.actions import record_audit
from sanshi.core.spreadsheet import csv_cell
from sanshi.orgs.models import Org


class Command(BaseCommand):
    help = "Export de-identified statistics of concerns as CSV; small cells are suppressed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="org name or id (its subtree counts)")
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD (exclusive)")
        parser.add_argument(
            "--by",
            default="category,status",
            help=f"comma-separated, among {', '.join(DIMENSIONS)}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = Org.objects.filter(name=options["org"]).first() or (
            Org.objects.filter(pk=options["org"]).first() if options["org"].isdigit() else None
        )
        if org is None:
            raise CommandError(f"--org {options['org']!r}: no such org")
        try:
            start, end = (
                timezone.make_aware(
                    dt.datetime.combine(dt.date.fromisoformat(options[k]), dt.time())
                )
                for k in ("start", "end")
            )
        except ValueError:
            raise CommandError("--from and --to: expected YYYY-MM-DD") from None
        by = [d.strip() for d in options["by"].split(",") if d.strip()]
        try:
            cells = counts(org, start, end, by)
        except ValueError as exc:
            raise CommandError(f"--by: {exc}") from None
        record_audit(
            None, "export", "export", "stats", {"org": org.pk, "by": by, "rows": len(cells)}
        )
        writer = csv.writer(self.stdout)
        writer.writerow([*by, "count"])
        for cell in cells:
            writer.writerow([csv_cell(part) for part in (*cell.key, cell.shown)])
