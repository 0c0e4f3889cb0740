"""Reference data kept per process for a few seconds: places, orgs, dispatchers, policies.

Every concern taken in reads the same handful of rarely changing rows (the SLA policy of its
tier, the calendar's overrides, the dispatch threshold of its category, the org it goes to).
A `ReferenceCache` keeps what its loaders return for `REFERENCE_DATA_SECONDS` (a setting,
10 s by default; 0 keeps nothing) and forgets everything at once when one of its models is
saved or deleted through this process. Another process's change is seen within that time.
Only read what a cache returns: it is shared by every caller in the process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")


class ReferenceCache:
    """Values by key, each kept for REFERENCE_DATA_SECONDS after it was loaded."""

    everyone: ClassVar[list[ReferenceCache]] = []

    def __init__(self, name: str, *watched: type[models.Model]) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, Any]] = {}
        for model in watched:
            uid = f"refcache-{name}-{model._meta.label}"
            post_save.connect(self.forget, sender=model, dispatch_uid=uid, weak=False)
            post_delete.connect(self.forget, sender=model, dispatch_uid=uid + "-", weak=False)
        ReferenceCache.everyone.append(self)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        seconds = float(getattr(settings, "REFERENCE_DATA_SECONDS", 10))
        with self._lock:
            known = self._values.get(key)
        if known is not None and time.monotonic() - known[0] < seconds:
            value: T = known[1]
            return value
        value = load()
        if seconds > 0:
            with self._lock:
                self._values[key] = (time.monotonic(), value)
        return value

    def forget(self, **_signal: Any) -> None:
        """Drop everything (a watched model was saved or deleted here)."""
        with self._lock:
            self._values.clear()

    @classmethod
    def forget_all(cls) -> None:
        for cache in cls.everyone:
            cache.forget()
