"""`sanshi pickup-sweep`: 儿童之家 children not collected by closing time, absences and
follow-ups. `sanshi sla-sweep` runs the same pass every minute; this is for cron or by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.childcare.sweep import run_pickup_sweep
from sanshi.core import clock
from sanshi.core.periodic import run_every


class Command(BaseCommand):
    help = "Alert about children not collected after closing; mark absences; open follow-ups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="keep sweeping, a pass every SECONDS, until stopped",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["every"] < 0:
            raise CommandError("--every must be 0 (one pass) or more seconds")
        run_every(options["every"], self.sweep, name="pickup-sweep", out=self.stdout)

    def sweep(self) -> None:
        self.stdout.write(run_pickup_sweep(clock.now()).summary())
