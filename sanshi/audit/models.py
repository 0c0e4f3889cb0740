"""The audit trail: an append-only hash chain of who did what (see docs/security.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GENESIS = "0" * 64  # what the first row of a chain that was never pruned points back to
HEAD_ID = 1


class AuditEntry(models.Model):
    """One write, read, export, reveal or login worth keeping; rows are only ever added.

    `hash` is the SHA-256 of the row's content and `prev_hash`, the hash of the row before it
    (sanshi.audit.chain), so editing, deleting or slipping in a row breaks the chain.
    """

    seq = models.BigIntegerField(unique=True, verbose_name=_("序号"))
    at = models.DateTimeField(verbose_name=_("时间"))
    # No database constraint and no cascade: deleting a user must not rewrite the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(
        max_length=150, blank=True, default="", verbose_name=_("操作人用户名")
    )
    action = models.CharField(max_length=64, verbose_name=_("操作"))
    object_type = models.CharField(max_length=32, verbose_name=_("对象类型"))
    object_id = models.CharField(max_length=64, verbose_name=_("对象编号"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("数据"))
    prev_hash = models.CharField(max_length=64, verbose_name=_("前一条哈希"))
    hash = models.CharField(max_length=64, verbose_name=_("哈希值"))

    class Meta:
        verbose_name = pgettext_lazy("model", "审计记录")
        verbose_name_plural = pgettext_lazy("plural", "审计记录")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["at"]),
            models.Index(fields=["actor_name", "seq"]),
            models.Index(fields=["action", "seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The one row every append locks: the chain's last seq and hash.

    Locking it serialises appends across connections; comparing it with the last row also
    catches rows deleted from, or added after, the end of the chain.
    """

    id = models.PositiveSmallIntegerField(
        primary_key=True, default=HEAD_ID, verbose_name=_("链头编号")
    )
    seq = models.BigIntegerField(default=0, verbose_name=_("序号"))
    hash = models.CharField(max_length=64, default=GENESIS, verbose_name=_("哈希值"))

    class Meta:
        verbose_name = pgettext_lazy("model", "审计链头")
        verbose_name_plural = pgettext_lazy("plural", "审计链头")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=HEAD_ID), name="audit_one_head")
        ]

    def __str__(self) -> str:
        return f"head #{self.seq} {self.hash[:12]}"
