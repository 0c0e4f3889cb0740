"""`sanshi sla-sweep`: reminders, overdue marks and escalations; run it every minute.

`--every SECONDS` keeps running it (what `sanshi serve` starts); without it, one pass (cron).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.childcare.sweep import run_pickup_sweep
from sanshi.concerns.sweep import run_sla_sweep
from sanshi.core import clock
from sanshi.core.periodic import run_every


class Command(BaseCommand):
    help = "Send deadline reminders (催办), mark overdue concerns and escalate them past the grace."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="keep sweeping, a pass every SECONDS, until stopped (SIGINT or SIGTERM)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        if every < 0:
            raise CommandError("--every must be 0 (one pass) or more seconds")
        run_every(every, self.sweep, name="sla-sweep", out=self.stdout)

    def sweep(self) -> None:
        result = run_sla_sweep(clock.now())
        self.stdout.write(
            f"sla-sweep: {result.reminders} reminders, {result.overdue} overdue, "
            f"{result.escalated} escalated, {result.skipped} changed meanwhile"
        )
        for error in result.errors:
            self.stderr.write(error)
        pickup = run_pickup_sweep(clock.now())  # 儿童之家: children not collected by closing
        if pickup.did_anything:
            self.stdout.write(pickup.summary())
