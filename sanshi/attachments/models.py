"""A file attached to a concern: a photo or a PDF, kept sealed in the attachment storage."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import Concern
from sanshi.core.fields import EncryptedTextField


class Source(models.TextChoices):
    RESIDENT = "resident", _("居民")
    STAFF = "staff", _("工作人员")
    OPEN311 = "open311", _("Open311")
    API = "api", _("接口")


class Attachment(models.Model):
    """One file: its sealed bytes (and thumbnail) live in storage under a random name."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="attachments")
    source = models.CharField(max_length=10, choices=Source.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name it came with may itself say too much ("王芳验伤.jpg"): sealed.
    name = EncryptedTextField(blank=True, default="")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=200)
    thumbnail = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.key}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def aad(self, part: str) -> str:
        """What the sealed bytes are bound to: this attachment, and file or thumbnail."""
        return f"attachments.attachment:{self.key}:{part}"
