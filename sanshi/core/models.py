"""Short-lived rows every worker shares: rate-limit counters and once-only claims."""

from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """A count (or a claim, with a note) under a hashed key, until it expires.

    The key is a digest of the scope, the identity (an IP, a phone, a form's token) and the
    time window, never the identity itself. Rows past `expires_at` count for nothing and are
    deleted now and then by the code that writes them (sanshi.core.limits).
    """

    key = models.CharField(max_length=64, primary_key=True)
    count = models.IntegerField(default=0)
    note = models.CharField(max_length=200, blank=True, default="")
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:8]}…={self.count}"
