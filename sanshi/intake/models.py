"""Committee members' public cards, Open311 client keys and Open311 submissions."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.concerns.models import Concern
from sanshi.orgs.models import Membership


class MemberCard(models.Model):
    """A committee member's public card (亮牌): `/m/<code>/` and its printable QR code."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="cards", verbose_name=_("任职")
    )
    # Unguessable: the card page shows a name, so it must not be enumerable.
    code = models.CharField(max_length=16, unique=True, verbose_name=_("亮牌码"))
    active = models.BooleanField(default=True, verbose_name=_("有效"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "执委亮牌码")
        verbose_name_plural = pgettext_lazy("plural", "执委亮牌码")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(active=True), name="member_card_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.membership}"


class Open311Key(models.Model):
    """An Open311 client application's key; only its SHA-256 is stored."""

    name = models.CharField(max_length=64, unique=True, verbose_name=_("名称"))
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("密钥哈希"))
    # shown in the admin to tell keys apart
    prefix = models.CharField(max_length=8, verbose_name=_("前缀"))
    active = models.BooleanField(default=True, verbose_name=_("有效"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "Open311 密钥")
        verbose_name_plural = pgettext_lazy("plural", "Open311 密钥")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Open311Submission(models.Model):
    """A concern posted through Open311: its token and its client."""

    client = models.ForeignKey(
        Open311Key, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("接入方")
    )
    concern = models.OneToOneField(
        Concern, on_delete=models.CASCADE, related_name="+", verbose_name=_("诉求")
    )
    # unique: Meta.constraints (no LIKE index)
    token = models.CharField(max_length=32, verbose_name=_("回执令牌"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "Open311 提交")
        verbose_name_plural = pgettext_lazy("plural", "Open311 提交")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["token"], name="open311_submission_token_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client.name} → {self.concern_id}"
