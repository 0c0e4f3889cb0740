"""Reads with rules for messaging."""

from __future__ import annotations

from django.db.models import QuerySet

from sanshi.concerns.models import Concern
from sanshi.messaging.models import ContactPreference, MessageLog


def preference_of(concern: Concern) -> ContactPreference | None:
    return ContactPreference.objects.filter(concern=concern).first()


def messages_about(concern: Concern) -> QuerySet[MessageLog]:
    """The log of messages decided about for a concern, newest first."""
    return MessageLog.objects.filter(concern=concern).order_by("-at", "-pk")


def messages_stopped(concern: Concern) -> bool:
    return ContactPreference.objects.filter(concern=concern, stopped_at__isnull=False).exists()
