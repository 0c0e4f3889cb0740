"""A file attached to a concern: a photo or a PDF, kept sealed in the attachment storage."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.concerns.models import Concern
from sanshi.core.fields import EncryptedTextField


class Source(models.TextChoices):
    RESIDENT = "resident", _("居民")
    STAFF = "staff", _("工作人员")
    OPEN311 = "open311", _("Open311")
    API = "api", _("接口")


class Attachment(models.Model):
    """One file: its sealed bytes (and thumbnail) live in storage under a random name."""

    key = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("附件键")
    )
    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("诉求")
    )
    source = models.CharField(max_length=10, choices=Source.choices, verbose_name=_("来源"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    # The name it came with may itself say too much ("王芳验伤.jpg"): sealed.
    name = EncryptedTextField(blank=True, default="", verbose_name=_("文件名"))
    content_type = models.CharField(max_length=32, verbose_name=_("文件类型"))
    size = models.PositiveIntegerField(verbose_name=_("大小（字节）"))
    width = models.PositiveIntegerField(default=0, verbose_name=_("宽度"))
    height = models.PositiveIntegerField(default=0, verbose_name=_("高度"))
    file = models.CharField(max_length=200, verbose_name=_("文件"))
    thumbnail = models.CharField(max_length=200, blank=True, default="", verbose_name=_("缩略图"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "附件")
        verbose_name_plural = pgettext_lazy("plural", "附件")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.key}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def aad(self, part: str) -> str:
        """What the sealed bytes are bound to: this attachment, and file or thumbnail."""
        return f"attachments.attachment:{self.key}:{part}"
