"""Reference data kept per process for a few seconds: places, orgs, dispatchers, policies.

Every concern taken in reads the same handful of rarely changing rows (the SLA policy of its
tier, the calendar's overrides, the dispatch threshold of its category, the org it goes to).
A `ReferenceCache` keeps what its loaders return for `REFERENCE_DATA_SECONDS` (a setting,
10 s by default; 0 keeps nothing) and forgets everything at once when one of its models is
saved or deleted through this process. Another process's change is seen within that time.
Only read what a cache returns: it is shared by every caller in the process.

A cache may read its lifetime from another setting (the API's credentials use
`CREDENTIALS_SECONDS`), and writes that bypass the signals (a queryset `update()`) call
`forget_on_commit()` on the caches they affect.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")


class ReferenceCache:
    """Values by key, each kept for REFERENCE_DATA_SECONDS after it was loaded."""

    everyone: ClassVar[list[ReferenceCache]] = []

    def __init__(
        self,
        name: str,
        *watched: type[models.Model],
        seconds_setting: str = "REFERENCE_DATA_SECONDS",
        keep_none: bool = True,
    ) -> None:
        self.name = name
        self.seconds_setting = seconds_setting
        # False where keys come from outside (a token's hash): a miss is not kept, so that
        # made-up keys cannot fill the memory.
        self.keep_none = keep_none
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, Any]] = {}
        for model in watched:
            uid = f"refcache-{name}-{model._meta.label}"
            post_save.connect(self.forget, sender=model, dispatch_uid=uid, weak=False)
            post_delete.connect(self.forget, sender=model, dispatch_uid=uid + "-", weak=False)
        ReferenceCache.everyone.append(self)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        seconds = float(getattr(settings, self.seconds_setting, 10))
        with self._lock:
            known = self._values.get(key)
        if known is not None and time.monotonic() - known[0] < seconds:
            value: T = known[1]
            return value
        value = load()
        if seconds > 0 and (value is not None or self.keep_none):
            with self._lock:
                self._values[key] = (time.monotonic(), value)
        return value

    def forget(self, **_signal: Any) -> None:
        """Drop everything (a watched model was saved or deleted here)."""
        with self._lock:
            self._values.clear()

    def forget_on_commit(self) -> None:
        """Drop everything now and again once the surrounding transaction commits, so that
        a request of this process that read the old row in between does not keep it."""
        self.forget()
        transaction.on_commit(self.forget)

    @classmethod
    def forget_all(cls) -> None:
        for cache in cls.everyone:
            cache.forget()

    @classmethod
    def forget_all_on_commit(cls) -> None:
        """`forget_on_commit()` on every cache (after a bulk write such as an org move)."""
        for cache in cls.everyone:
            cache.forget_on_commit()
