"""API client tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApiToken(models.Model):
    """A bearer token for one staff application; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("用户"),
    )
    name = models.CharField(max_length=64, verbose_name=_("名称"))
    key_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("密钥哈希")
    )
    # The first characters of the token, so a person can tell tokens apart in the admin.
    prefix = models.CharField(max_length=12, editable=False, verbose_name=_("前缀"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("最后使用时间")
    )
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("吊销时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "API 令牌")
        verbose_name_plural = pgettext_lazy("plural", "API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
