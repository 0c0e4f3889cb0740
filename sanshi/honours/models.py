"""三八红旗手工作室, honours from nomination to award, and typical cases (典型案例).

A studio is a Place of kind STUDIO with a page: its leader, team, projects and activities.
A nominee's name and deeds are sealed until she is awarded and consents to the public roll
(and even then only the roll shows them). A typical case is text staff wrote from a
resolved concern, de-identified, published only with the reporter's consent on record and
a second person's approval.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import Concern
from sanshi.core.fields import EncryptedTextField
from sanshi.orgs.models import Org
from sanshi.places.models import Place


class Studio(models.Model):
    """The page of a 三八红旗手工作室 (a place of kind STUDIO)."""

    place = models.OneToOneField(Place, on_delete=models.PROTECT, related_name="studio")
    # The leader is a public figure of the studio, named on its plaque: not sealed.
    leader_name = models.CharField(max_length=32)
    leader_title = models.CharField(max_length=120, blank=True, default="")
    intro = models.TextField(max_length=2000, blank=True, default="")
    opened_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"studio {self.place_id}"


class StudioMember(models.Model):
    """Someone on the studio's team, shown on its page (with her agreement)."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(max_length=32)
    role = models.CharField(max_length=60, blank=True, default="")
    added_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class WorkKind(models.TextChoices):
    PROJECT = "project", _("项目")
    ACTIVITY = "activity", _("活动")


class StudioWork(models.Model):
    """A project the studio runs, or an activity it held."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="works")
    kind = models.CharField(max_length=10, choices=WorkKind.choices)
    title = models.CharField(max_length=100)
    summary = models.TextField(max_length=1000, blank=True, default="")
    held_on = models.DateField()
    added_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title


class HonourKind(models.TextChoices):
    RED_BANNER = "red_banner", _("三八红旗手")
    RED_BANNER_MODEL = "red_banner_model", _("三八红旗手标兵")
    RED_BANNER_COLLECTIVE = "red_banner_collective", _("三八红旗集体")
    MODEL_POST = "model_post", _("巾帼文明岗")
    FINEST_FAMILY = "finest_family", _("最美家庭")


class HonourLevel(models.TextChoices):
    CITY = "city", _("市级")
    REGION = "region", _("自治区级")
    NATION = "nation", _("全国")


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("已推荐")
    IN_REVIEW = "in_review", _("审核中")
    AWARDED = "awarded", _("已授予")
    DECLINED = "declined", _("未通过")


class Nomination(models.Model):
    """A person, collective or family put forward for an honour, through review to award."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=HonourKind.choices)
    level = models.CharField(max_length=8, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField()
    nominee = EncryptedTextField()
    unit = EncryptedTextField(blank=True, default="")
    deeds = EncryptedTextField(blank=True, default="")
    status = models.CharField(
        max_length=10, choices=NominationStatus.choices, default=NominationStatus.NOMINATED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominated_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    awarded_on = models.DateField(null=True, blank=True)
    # On the public honour roll only while she (or the collective's head) agrees.
    public_consent = models.BooleanField(default=False)
    consent_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["status", "public_consent", "year"])]

    def __str__(self) -> str:
        return f"nomination {self.pk} {self.kind} {self.year}"


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤下")


class TypicalCase(models.Model):
    """A typical case (典型案例) written from a resolved concern, for the public site."""

    concern = models.OneToOneField(Concern, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=80)
    # De-identified by the staff who write it (checked against the concern's own names,
    # phones and address); the public reads exactly this text.
    body = models.TextField(max_length=4000)
    reporter_consent_on = models.DateField(null=True, blank=True)
    consent_noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title
