"""A user's notifications.

Kinds: assignment, reminder (催办), overdue, critical, returned, escalated, rated; and notices
about no concern (notify_users: a child not collected at a 儿童之家), with a subject and a link.
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
    # A notice about something other than a concern (a child not collected) has neither,
    # only its subject and a link to the page that handles it.
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        ConcernEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=24)
    subject = models.CharField(max_length=200, blank=True, default="")
    link = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_event")
        ]
        indexes: ClassVar = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.concern_id}"
