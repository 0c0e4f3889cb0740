"""A pass of periodic work, run once (cron) or again and again until stopped (`sanshi serve`)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

from django.core.management.base import OutputWrapper
from django.db import close_old_connections

logger = logging.getLogger("sanshi.periodic")


def run_every(every: int, one_pass: Callable[[], None], *, name: str, out: OutputWrapper) -> None:
    """`one_pass()` once when `every` is 0, else every `every` seconds until SIGINT or SIGTERM.

    A failed pass is logged and the loop goes on: /healthz and /metrics report work that has
    stopped finishing. Connections a restarted database closed are replaced before each pass.
    """
    if every == 0:
        one_pass()
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    out.write(f"{name}: a pass every {every} s (SIGINT or SIGTERM stops)")
    while not stop.is_set():
        close_old_connections()
        try:
            one_pass()
        except Exception:
            logger.exception("%s: a pass failed", name)
        stop.wait(every)
    out.write(f"{name}: stopped")
