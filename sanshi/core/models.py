"""What the core app stores: rate-limit counters and once-only claims every worker shares, and
the first answers to requests made with an Idempotency-Key."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.core.fields import EncryptedJSONField


class Counter(models.Model):
    """A count (or a claim, with a note) under a hashed key, until it expires.

    The key is a digest of the scope, the identity (an IP, a phone, a form's token) and the
    time window, never the identity itself. Rows past `expires_at` count for nothing and are
    deleted now and then by the code that writes them (sanshi.core.limits).
    """

    key = models.CharField(max_length=64, primary_key=True, verbose_name=_("计数键"))
    count = models.IntegerField(default=0, verbose_name=_("计数"))
    note = models.CharField(max_length=200, blank=True, default="", verbose_name=_("说明"))
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("过期时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "计数器")
        verbose_name_plural = pgettext_lazy("plural", "计数器")

    def __str__(self) -> str:
        return f"{self.key[:8]}…={self.count}"


class IdempotentResponse(models.Model):
    """The first answer to a create sent with an Idempotency-Key, replayed on retries
    (sanshi.core.idempotency)."""

    # Whose keys these are: "api:<token id>", "open311:<client key id>".
    scope = models.CharField(max_length=64, verbose_name=_("范围"))
    key = models.CharField(max_length=255, verbose_name=_("幂等键"))
    # SHA-256 of the request (method, path, body): the same key with another request is refused.
    fingerprint = models.CharField(max_length=64, verbose_name=_("请求指纹"))
    status = models.PositiveSmallIntegerField(verbose_name=_("状态码"))
    # The first answer quotes the concern, so it is sealed.
    body = EncryptedJSONField(default=dict, verbose_name=_("响应内容"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "幂等响应")
        verbose_name_plural = pgettext_lazy("plural", "幂等响应")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotent_response_once")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
