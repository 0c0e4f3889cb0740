"""A user's notifications.

Kinds: assignment, reminder (催办), overdue, critical, returned, escalated, rated; and notices
about no concern (notify_users: a child not collected at a 儿童之家), with a subject and a link.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.concerns.models import Concern, ConcernEvent


class Notification(models.Model):
    """One thing one user should know about; read_at set when she has seen it."""

    user = models.ForeignKey(  # indexed by notification_once_per_event (user, event)
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
        verbose_name=_("用户"),
    )
    # A notice about something other than a concern (a child not collected) has neither,
    # only its subject and a link to the page that handles it.
    concern = models.ForeignKey(
        Concern,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("诉求"),
    )
    event = models.ForeignKey(
        ConcernEvent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("事件"),
    )
    kind = models.CharField(max_length=24, verbose_name=_("通知类型"))
    subject = models.CharField(max_length=200, blank=True, default="", verbose_name=_("标题"))
    link = models.CharField(max_length=200, blank=True, default="", verbose_name=_("链接"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("阅读时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "通知")
        verbose_name_plural = pgettext_lazy("plural", "通知")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_event")
        ]
        indexes: ClassVar = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.concern_id}"
