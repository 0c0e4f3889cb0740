"""Messages to residents: the resident's choice of a safe way and time, and the log of sends.

The log keeps which template went about which concern to which number's keyed hash, never the
message's text or the number itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.concerns.models import Concern, ConcernEvent


class SafeChannel(models.TextChoices):
    SMS = "sms", _("可以发短信到我留的号码")
    NONE = "none", _("不要给我发短信")


class ContactPreference(models.Model):
    """How a resident may be told of her concern's progress; one per concern."""

    concern = models.OneToOneField(
        Concern, on_delete=models.CASCADE, related_name="contact_preference", verbose_name=_("诉求")
    )
    channel = models.CharField(
        max_length=8, choices=SafeChannel.choices, verbose_name=_("联系方式")
    )
    # Local times between which a message is safe (both or neither; may wrap past midnight).
    window_start = models.TimeField(null=True, blank=True, verbose_name=_("可联系时段开始"))
    window_end = models.TimeField(null=True, blank=True, verbose_name=_("可联系时段结束"))
    language = models.CharField(max_length=8, default="zh-hans", verbose_name=_("语言"))
    # None: the resident chose it herself when reporting.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(verbose_name=_("登记时间"))
    stopped_at = models.DateTimeField(null=True, blank=True, verbose_name=_("退订时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "联系偏好")
        verbose_name_plural = pgettext_lazy("plural", "联系偏好")

    def __str__(self) -> str:
        return f"{self.concern_id} {self.channel}"

    @property
    def has_window(self) -> bool:
        return self.window_start is not None and self.window_end is not None


class MessageStatus(models.TextChoices):
    SENT = "sent", _("已发送")
    SKIPPED = "skipped", _("未发送")
    FAILED = "failed", _("发送失败")


class MessageLog(models.Model):
    """One message decided about: sent, skipped (and why) or failed. Never its text."""

    concern = models.ForeignKey(  # indexed by message_once_per_event (concern first)
        Concern, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("诉求")
    )
    # The timeline row the message is about (a receipt, a reply): a message at most once each.
    event = models.ForeignKey(
        ConcernEvent, on_delete=models.CASCADE, related_name="+", verbose_name=_("事件")
    )
    template = models.CharField(max_length=24, verbose_name=_("模板"))
    phone_hash = models.CharField(max_length=64, blank=True, default="", verbose_name=_("电话哈希"))
    status = models.CharField(
        max_length=8, choices=MessageStatus.choices, verbose_name=_("发送状态")
    )
    reason = models.CharField(max_length=32, blank=True, default="", verbose_name=_("原因"))
    provider_id = models.CharField(
        max_length=64, blank=True, default="", verbose_name=_("服务商消息编号")
    )
    at = models.DateTimeField(verbose_name=_("发送时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "短信记录")
        verbose_name_plural = pgettext_lazy("plural", "短信记录")
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "event", "template"], name="message_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.template} {self.status}"
