"""What the core app stores: rate-limit counters and once-only claims every worker shares, and
the first answers to requests made with an Idempotency-Key."""

from __future__ import annotations

from django.db import models

from sanshi.core.fields import EncryptedJSONField


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


class IdempotentResponse(models.Model):
    """The first answer to a create sent with an Idempotency-Key, replayed on retries
    (sanshi.core.idempotency)."""

    # Whose keys these are: "api:<token id>", "open311:<client key id>".
    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    # SHA-256 of the request (method, path, body): the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    # The first answer quotes the concern, so it is sealed.
    body = EncryptedJSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotent_response_once")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
