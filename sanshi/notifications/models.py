"""A user's notifications.

Kinds: assignment, reminder (催办), overdue, critical, returned, escalated, rated.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from sanshi.concerns.models import Concern, ConcernEvent


class Notification(models.Model):
    """One thing one user should know about; read_at set when she has seen it."""

    user = models.ForeignKey(  # indexed by notification_once_per_event (user, event)
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(ConcernEvent, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_event")
        ]
        indexes: ClassVar = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.concern_id}"
