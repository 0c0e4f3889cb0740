"""`sanshi monthly-report --month 2026-11 [--org ID]`: the month's report as .xlsx and .pdf."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.analytics import report
from sanshi.core.errors import SanshiError
from sanshi.orgs.models import Org


class Command(BaseCommand):
    help = "Write the monthly report (Excel with charts, and PDF) of an org's subtree."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--org", help="org id (default: every top-level org)")
        parser.add_argument("--out", default=".", help="folder for the files (default: here)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = dt.date.fromisoformat(f"{options['month']}-01")
        except ValueError as exc:
            raise CommandError(f"--month must be YYYY-MM, not {options['month']!r}") from exc
        if options["org"]:
            if not str(options["org"]).isdigit():
                raise CommandError("--org must be an org id")
            orgs = list(Org.objects.filter(pk=int(options["org"])))
            if not orgs:
                raise CommandError(f"no org with id {options['org']}")
        else:
            orgs = list(Org.objects.filter(parent__isnull=True).order_by("pk"))
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for org in orgs:
            built = report.build_report(org, month, deidentify=False)
            try:
                files = {"xlsx": report.workbook(built), "pdf": report.pdf(built)}
            except SanshiError as exc:
                raise CommandError(str(exc)) from exc
            for fmt, data in files.items():
                path = out / f"sanshi-{month:%Y-%m}-{org.pk}.{fmt}"
                path.write_bytes(data)
                self.stdout.write(f"{path} ({len(data)} bytes)")
