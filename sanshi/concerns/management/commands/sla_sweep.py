"""`sanshi sla-sweep`: reminders, overdue marks and escalations; run it every minute.

`--every SECONDS` keeps running it (what `sanshi serve` starts); without it, one pass (cron).
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from sanshi.concerns.sweep import run_sla_sweep
from sanshi.core import clock

logger = logging.getLogger("sanshi.sweep")


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
        if every == 0:
            self.sweep()
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"sla-sweep: a pass every {every} s (SIGINT or SIGTERM stops)")
        while not stop.is_set():
            close_old_connections()  # a database restarted meanwhile is reconnected to
            try:
                self.sweep()
            except Exception:
                # One failed pass must not end the loop; /healthz reports a sweep that has
                # stopped finishing.
                logger.exception("sla-sweep: a pass failed")
            stop.wait(every)
        self.stdout.write("sla-sweep: stopped")

    def sweep(self) -> None:
        result = run_sla_sweep(clock.now())
        self.stdout.write(
            f"sla-sweep: {result.reminders} reminders, {result.overdue} overdue, "
            f"{result.escalated} escalated, {result.skipped} changed meanwhile"
        )
        for error in result.errors:
            self.stderr.write(error)
