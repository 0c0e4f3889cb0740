"""巾帼志愿者: registrations, teams, service records (谁组织谁记录) and certificates.

Phone and ID number are sealed at rest, with blind indexes for exact lookup (a volunteer
finds her own record with both). Hours are kept in tenths (Decimal), travel excluded.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import Concern
from sanshi.core.fields import EncryptedTextField
from sanshi.network.models import Visit
from sanshi.orgs.models import Org


class Team(models.Model):
    """A volunteer service team (志愿服务队) of one federation."""

    org = models.ForeignKey(  # indexed by volunteer_team_unique_name (org, name)
        Org, on_delete=models.PROTECT, related_name="volunteer_teams", db_index=False
    )
    name = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "name"], name="volunteer_team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    """Someone who registered as a women's volunteer with a community federation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    org = models.ForeignKey(  # indexed by (org, status)
        Org, on_delete=models.PROTECT, related_name="volunteers", db_index=False
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    name = models.CharField(max_length=32)
    gender = models.CharField(max_length=8, default="female")
    phone = EncryptedTextField()
    phone_index = models.CharField(max_length=64, db_index=True)
    id_number = EncryptedTextField()
    id_index = models.CharField(max_length=64)  # unique: one registration per person
    skills = models.CharField(max_length=200, blank=True, default="")
    availability = models.CharField(max_length=100, blank=True, default="")
    consent_version = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    review_note = models.CharField(max_length=200, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["id_index"], name="volunteer_unique_id_number")
        ]
        indexes: ClassVar = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return f"volunteer {self.pk}"


class ServiceRecord(models.Model):
    """Hours a volunteer served in one activity, concern or visit, entered by the organiser
    and confirmed by another person of the federation; only confirmed hours count."""

    class Status(models.TextChoices):
        ENTERED = "entered", _("待确认")
        CONFIRMED = "confirmed", _("已确认")

    # Both indexed by the (…, status, served_on) indexes below.
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="records", db_index=False
    )
    org = models.ForeignKey(  # the organiser's
        Org, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    activity = models.CharField(max_length=100)
    served_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ENTERED)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="service_hours_in_a_day"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["volunteer", "status", "served_on"]),
            models.Index(fields=["org", "status", "served_on"]),
        ]

    def __str__(self) -> str:
        return f"service {self.pk} · {self.hours} h"


class ServiceCorrection(models.Model):
    """A change to a record's hours, with who, when and why (kept beside the audit row)."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="corrections")
    hours_before = models.DecimalField(max_digits=5, decimal_places=1)
    hours_after = models.DecimalField(max_digits=5, decimal_places=1)
    reason = models.CharField(max_length=200)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hours_before} → {self.hours_after}"


class Certificate(models.Model):
    """A volunteer service certificate (志愿服务记录证明): what the record said when issued."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(max_length=24, unique=True)
    # The QR code's address; unguessable, so a certificate cannot be looked up by counting.
    token = models.CharField(max_length=32, unique=True)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the issuer
    hours = models.DecimalField(max_digits=8, decimal_places=1)
    records = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.number
