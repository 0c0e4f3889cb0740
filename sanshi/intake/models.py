"""Committee members' public cards, Open311 client keys and Open311 submissions."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from sanshi.concerns.models import Concern
from sanshi.orgs.models import Membership


class MemberCard(models.Model):
    """A committee member's public card (亮牌): `/m/<code>/` and its printable QR code."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="cards")
    # Unguessable: the card page shows a name, so it must not be enumerable.
    code = models.CharField(max_length=16, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(active=True), name="member_card_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.membership}"


class Open311Key(models.Model):
    """An Open311 client application's key; only its SHA-256 is stored."""

    name = models.CharField(max_length=64, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)  # shown in the admin to tell keys apart
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "Open311 key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Open311Submission(models.Model):
    """A concern posted through Open311: its token and its client."""

    client = models.ForeignKey(Open311Key, on_delete=models.PROTECT, related_name="submissions")
    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)  # unique: Meta.constraints (no LIKE index)
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["token"], name="open311_submission_token_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client.name} → {self.concern_id}"
