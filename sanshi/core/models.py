"""What the core app stores: the first answers to requests made with an Idempotency-Key."""

from __future__ import annotations

from django.db import models

from sanshi.core.fields import EncryptedJSONField


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
