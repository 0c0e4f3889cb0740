"""`sanshi rollup`: fold new concern events into the dashboard's counts (run it every minute)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.analytics import rollups
from sanshi.core.periodic import run_every


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Fold concern events past the watermark into the rollups (safe to run twice at once); "
        "--rebuild starts again from the first event; --check compares a period with a rebuild."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="forget and backfill all")
        parser.add_argument("--check", action="store_true", help="compare a period, change nothing")
        parser.add_argument("--from", dest="start", help="YYYY-MM-DD (with --check)")
        parser.add_argument("--to", dest="end", help="YYYY-MM-DD, exclusive (with --check)")
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="keep refreshing, a pass every SECONDS, until stopped (what `sanshi serve` runs)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self._check(options)
            return
        if options["every"] < 0:
            raise CommandError("--every must be 0 (one pass) or more seconds")
        if options["rebuild"]:
            self._report(rollups.rebuild_all())
            return
        run_every(
            options["every"],
            lambda: self._report(rollups.refresh()),
            name="rollup",
            out=self.stdout,
        )

    def _report(self, result: Any) -> None:
        self.stdout.write(
            f"rollup: {result.events} events, {result.concerns} concerns read, "
            f"{result.changed_cells} cells changed, watermark {result.watermark}"
        )

    def _check(self, options: dict[str, Any]) -> None:
        if not options["start"] or not options["end"]:
            raise CommandError("--check needs --from and --to")
        start, end = _date(options["start"]), _date(options["end"])
        if end <= start:
            raise CommandError("--to must be after --from")
        diff = rollups.check(start, end)
        for (metric, org, day, cat, ch, s), (have, fresh) in sorted(diff.items())[:50]:
            self.stdout.write(
                f"{day} org {org} {metric} {cat}/{ch}/{s}: {have} stored, {fresh} rebuilt"
            )
        if diff:
            raise CommandError(
                f"{len(diff)} cells differ from a rebuild ({start} to {end}); "
                "run `sanshi rollup` (events past the watermark) or `sanshi rollup --rebuild`"
            )
        self.stdout.write(f"rollup check: {start} to {end} agrees with a rebuild from the events")
