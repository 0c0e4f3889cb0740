"""Fixed-window counters in the cache (Redis when REDIS_URL is set, local memory otherwise)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limited:
    """A limit was reached: wait this many seconds."""

    retry_after: int


def hit(scope: str, ident: str, *, limit: int, window: int) -> Limited | None:
    """Count one event; Limited once more than `limit` fall in the current window.

    A limit of 0 turns the counter off. `cache.add` then `cache.incr` are atomic in Redis
    and in local memory, so concurrent requests cannot both slip under the limit.
    """
    if limit <= 0:
        return None
    now = time.time()
    bucket = int(now // window)
    # Hash the identity: phone numbers and IPs do not belong in cache keys in the clear.
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"rl:{scope}:{digest}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return Limited(retry_after=max(1, int((bucket + 1) * window - now) + 1))
    return None


def peek(scope: str, ident: str, *, limit: int, window: int) -> Limited | None:
    """Like hit() but without counting: is the limit already reached?"""
    if limit <= 0:
        return None
    now = time.time()
    bucket = int(now // window)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    count = cache.get(f"rl:{scope}:{digest}:{bucket}", 0)
    if count >= limit:
        return Limited(retry_after=max(1, int((bucket + 1) * window - now) + 1))
    return None


def client_ip(request: HttpRequest) -> str:
    """The peer address; a deployment behind a proxy sets REMOTE_ADDR from it (gunicorn)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")
