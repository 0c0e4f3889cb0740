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
from django.utils.translation import pgettext_lazy

from sanshi.concerns.models import Concern
from sanshi.core.fields import EncryptedTextField
from sanshi.network.models import Visit
from sanshi.orgs.models import Org


class Team(models.Model):
    """A volunteer service team (志愿服务队) of one federation."""

    org = models.ForeignKey(  # indexed by volunteer_team_unique_name (org, name)
        Org,
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
        db_index=False,
        verbose_name=_("组织"),
    )
    name = models.CharField(max_length=64, verbose_name=_("队名"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "志愿服务队")
        verbose_name_plural = pgettext_lazy("plural", "志愿服务队")
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
        Org,
        on_delete=models.PROTECT,
        related_name="volunteers",
        db_index=False,
        verbose_name=_("组织"),
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("志愿服务队"),
    )
    name = models.CharField(max_length=32, verbose_name=_("姓名"))
    gender = models.CharField(max_length=8, default="female", verbose_name=_("性别"))
    phone = EncryptedTextField(verbose_name=_("电话"))
    phone_index = models.CharField(max_length=64, db_index=True, verbose_name=_("电话索引"))
    id_number = EncryptedTextField(verbose_name=_("身份证号"))
    # unique: one registration per person
    id_index = models.CharField(max_length=64, verbose_name=_("身份证号索引"))
    skills = models.CharField(max_length=200, blank=True, default="", verbose_name=_("特长"))
    availability = models.CharField(
        max_length=100, blank=True, default="", verbose_name=_("可服务时间")
    )
    consent_version = models.CharField(max_length=16, verbose_name=_("同意书版本"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, verbose_name=_("审核状态")
    )
    review_note = models.CharField(
        max_length=200, blank=True, default="", verbose_name=_("审核意见")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("审核时间"))
    registered_at = models.DateTimeField(verbose_name=_("注册时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "志愿者")
        verbose_name_plural = pgettext_lazy("plural", "志愿者")
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
        Volunteer,
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
        verbose_name=_("志愿者"),
    )
    org = models.ForeignKey(  # the organiser's
        Org, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("组织")
    )
    activity = models.CharField(max_length=100, verbose_name=_("服务内容"))
    served_on = models.DateField(verbose_name=_("服务日期"))
    hours = models.DecimalField(max_digits=5, decimal_places=1, verbose_name=_("时长（小时）"))
    concern = models.ForeignKey(
        Concern,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("诉求"),
    )
    visit = models.ForeignKey(
        Visit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("走访"),
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.ENTERED, verbose_name=_("确认状态")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("确认时间"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "服务记录")
        verbose_name_plural = pgettext_lazy("plural", "服务记录")
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

    record = models.ForeignKey(
        ServiceRecord,
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("被更正的记录"),
    )
    hours_before = models.DecimalField(max_digits=5, decimal_places=1, verbose_name=_("更正前时长"))
    hours_after = models.DecimalField(max_digits=5, decimal_places=1, verbose_name=_("更正后时长"))
    reason = models.CharField(max_length=200, verbose_name=_("更正原因"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("更正人"),
    )
    at = models.DateTimeField(verbose_name=_("更正时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "服务时长更正")
        verbose_name_plural = pgettext_lazy("plural", "服务时长更正")

    def __str__(self) -> str:
        return f"{self.hours_before} → {self.hours_after}"


class Certificate(models.Model):
    """A volunteer service certificate (志愿服务记录证明): what the record said when issued."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("志愿者")
    )
    number = models.CharField(max_length=24, unique=True, verbose_name=_("证书编号"))
    # The QR code's address; unguessable, so a certificate cannot be looked up by counting.
    token = models.CharField(max_length=32, unique=True, verbose_name=_("核验令牌"))
    # the issuer
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织"))
    hours = models.DecimalField(max_digits=8, decimal_places=1, verbose_name=_("服务时长（小时）"))
    records = models.PositiveIntegerField(verbose_name=_("服务记录数"))
    period_start = models.DateField(verbose_name=_("统计起始日期"))
    period_end = models.DateField(verbose_name=_("统计截止日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("颁发人"),
    )
    issued_at = models.DateTimeField(verbose_name=_("颁发时间"))
    revoked = models.BooleanField(default=False, verbose_name=_("已撤销"))

    class Meta:
        verbose_name = pgettext_lazy("model", "志愿服务证明")
        verbose_name_plural = pgettext_lazy("plural", "志愿服务证明")

    def __str__(self) -> str:
        return self.number
