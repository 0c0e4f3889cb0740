"""`sanshi sla-sweep`: reminders, overdue marks and escalations; run it every minute."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sanshi.concerns.sweep import run_sla_sweep
from sanshi.core import clock


class Command(BaseCommand):
    help = "Send deadline reminders (催办), mark overdue concerns and escalate them past the grace."

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_sla_sweep(clock.now())
        self.stdout.write(
            f"sla-sweep: {result.reminders} reminders, {result.overdue} overdue, "
            f"{result.escalated} escalated, {result.skipped} changed meanwhile"
        )
        for error in result.errors:
            self.stderr.write(error)
