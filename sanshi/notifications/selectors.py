"""Reads of a user's notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from sanshi.core.types import User
from sanshi.notifications.models import Notification


def unread_count(user: User) -> int:
    """How many notifications the user has not opened yet."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=int(user.pk), read_at__isnull=True).count()


def notifications_for(user_id: int, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first, with their concern and event loaded."""
    qs = Notification.objects.filter(user_id=user_id).select_related("concern", "event")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")
