"""Limits every worker shares: fixed-window counters and once-only claims.

Counting in each worker's memory let 39 of 50 submissions from one IP through a limit of 20
an hour, and the same form sent 8 times stored 2 rows, with two workers. Here the counts live
where every worker sees them: in Redis when REDIS_URL is set (atomic INCR and SET NX through
Django's cache), else in the database (`core.Counter`): a conditional UPDATE ... count + 1
WHERE count < limit, and a primary key that lets only one of two concurrent creates win. Keys are digests: phone numbers and IPs are never stored.

While Redis cannot be reached, the database stands in (`_shared`): a limit counts afresh and
a claim made in Redis before the outage is not seen, which errs toward letting a resident's
report through.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from sanshi.core.models import Counter

# One create in this many also deletes expired rows (cheap: expires_at is indexed).
SWEEP_ONE_IN = 64

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Limited:
    """A limit was reached: wait this many seconds."""

    retry_after: int


def _key(scope: str, ident: str, bucket: int | str) -> str:
    return hashlib.sha256(f"{scope}\x1f{ident}\x1f{bucket}".encode()).hexdigest()


def _shared(in_redis: Callable[[], T], in_database: Callable[[], T]) -> T:
    """`in_redis()` where REDIS_URL is set and Redis answers, else `in_database()`."""
    if getattr(settings, "REDIS_URL", ""):
        try:
            return in_redis()
        except redis.RedisError:
            logger.warning("Redis unreachable: limits and claims use the database")
    return in_database()


def _window(window: int) -> tuple[int, float, int]:
    now = time.time()
    bucket = int(now // window)
    retry = max(1, int((bucket + 1) * window - now) + 1)
    return bucket, now, retry


def hit(scope: str, ident: str, *, limit: int, window: int) -> Limited | None:
    """Count one event; Limited once more than `limit` fall in the current window.

    A limit of 0 turns the counter off.
    """
    if limit <= 0:
        return None
    bucket, _now, retry = _window(window)
    key = _key(scope, ident, bucket)
    passed = _shared(lambda: _cache_incr(key, window) <= limit, lambda: _db_hit(key, limit, window))
    return None if passed else Limited(retry_after=retry)


def peek(scope: str, ident: str, *, limit: int, window: int) -> Limited | None:
    """Like hit() but without counting: is the limit already reached?"""
    if limit <= 0:
        return None
    bucket, _now, retry = _window(window)
    key = _key(scope, ident, bucket)
    count = _shared(lambda: int(cache.get(f"rl:{key}", 0)), lambda: _db_count(key))
    return Limited(retry_after=retry) if count >= limit else None


def _db_count(key: str) -> int:
    row = Counter.objects.filter(key=key, expires_at__gt=timezone.now()).first()
    return row.count if row is not None else 0


def _cache_incr(key: str, window: int) -> int:
    name = f"rl:{key}"
    cache.add(name, 0, timeout=window + 1)
    try:
        return int(cache.incr(name))
    except ValueError:  # evicted between add and incr
        cache.set(name, 1, timeout=window + 1)
        return 1


def _db_hit(key: str, limit: int, window: int) -> bool:
    """Count one event in the database; False when the limit was already reached.

    One query in the steady state: UPDATE ... SET count = count + 1 WHERE count < limit. Its
    condition is checked under the row's lock, so however many workers count at once no more
    than `limit` events pass. The first event of a window creates the row; of two concurrent
    creates the primary key lets one win and the other counts again.
    """
    rows = Counter.objects.filter(key=key)
    if rows.filter(count__lt=limit).update(count=F("count") + 1):
        return True
    expires = timezone.now() + dt.timedelta(seconds=window + 1)
    try:
        with transaction.atomic():
            Counter.objects.create(key=key, count=1, expires_at=expires)
    except IntegrityError:  # it exists: at the limit, or another worker created it just now
        return bool(rows.filter(count__lt=limit).update(count=F("count") + 1))
    _sweep()
    return True


def _sweep() -> None:
    if secrets.randbelow(SWEEP_ONE_IN) == 0:
        Counter.objects.filter(expires_at__lt=timezone.now()).delete()


# ---------------------------------------------------------------- once-only claims


def claim(scope: str, ident: str, *, ttl: int) -> bool:
    """True for the first claim of (scope, ident) within `ttl` seconds, False for every other."""
    key = _key(scope, ident, "once")
    return _shared(
        lambda: bool(cache.add(f"once:{key}", "", timeout=ttl)), lambda: _db_claim(key, ttl)
    )


def _db_claim(key: str, ttl: int) -> bool:
    now = timezone.now()
    expires = now + dt.timedelta(seconds=ttl)
    try:
        with transaction.atomic():
            Counter.objects.create(key=key, count=1, expires_at=expires)
        _sweep()
        return True
    except IntegrityError:
        # Taken: ours only if the earlier claim expired and no one else renewed it first.
        renewed = Counter.objects.filter(key=key, expires_at__lte=now).update(
            count=1, note="", expires_at=expires
        )
        return renewed == 1


def remember(scope: str, ident: str, value: Any, *, ttl: int) -> None:
    """Keep a small JSON value with a claim (e.g. the receipt of the first submission)."""
    key = _key(scope, ident, "once")
    note = json.dumps(value, separators=(",", ":"))
    _shared(
        lambda: cache.set(f"once:{key}", note, timeout=ttl),
        lambda: Counter.objects.filter(key=key).update(note=note[:200]),
    )


def recall(scope: str, ident: str) -> Any:
    """The value kept with a live claim, or None."""
    key = _key(scope, ident, "once")
    note = _shared(lambda: cache.get(f"once:{key}") or "", lambda: _db_note(key))
    return json.loads(note) if note else None


def _db_note(key: str) -> str:
    row = Counter.objects.filter(key=key, expires_at__gt=timezone.now())
    return row.values_list("note", flat=True).first() or ""


def release(scope: str, ident: str) -> None:
    """Give a claim back (nothing was done under it): the same form may be sent again."""
    key = _key(scope, ident, "once")
    _shared(lambda: cache.delete(f"once:{key}"), lambda: Counter.objects.filter(key=key).delete())
