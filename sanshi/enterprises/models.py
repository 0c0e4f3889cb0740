"""New-domain federations and women entrepreneurs.

Enterprises, parks and associations with a federation are orgs (level 新领域, kind 企业 /
园区 / 社会组织). Coverage is counted against the enterprises a district lists
(`ListedEnterprise`): how many of them have a federation. Women entrepreneurs appear in a
public directory only by their own consent, showing only what they chose; their requests
(复工复产, financing, hiring, training) become concerns through intake.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import Concern
from sanshi.core.fields import EncryptedTextField
from sanshi.orgs.models import Org

DOMAIN_KINDS = (Org.Kind.ENTERPRISE, Org.Kind.PARK, Org.Kind.SOCIAL_ORG)


class ListedEnterprise(models.Model):
    """An enterprise a district lists (the denominator of coverage), and its federation once
    it has one."""

    district = models.ForeignKey(  # indexed by listed_enterprise_unique_name (district, name)
        Org, on_delete=models.PROTECT, related_name="listed_enterprises", db_index=False
    )
    name = models.CharField(max_length=100)
    sector = models.CharField(max_length=50, blank=True, default="")
    women_led = models.BooleanField(default=False)
    federation = models.OneToOneField(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="listed_enterprise"
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["district", "name"], name="listed_enterprise_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Entrepreneur(models.Model):
    """A woman entrepreneur who agreed to be listed in the public directory."""

    district = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="entrepreneurs")
    name = models.CharField(max_length=32)
    enterprise = models.CharField(max_length=100)
    sector = models.CharField(max_length=50, blank=True, default="")
    offers = models.CharField(max_length=200, blank=True, default="")  # what she can offer others
    phone = EncryptedTextField(blank=True, default="")
    show_phone = models.BooleanField(default=False)
    consent_version = models.CharField(max_length=24)
    listed = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"entrepreneur {self.pk}"


class RequestKind(models.TextChoices):
    RESUMPTION = "resumption", _("复工复产支持")
    FINANCING = "financing", _("融资贷款")
    HIRING = "hiring", _("招工用工")
    TRAINING = "training", _("技能培训")


class EnterpriseRequest(models.Model):
    """A request an enterprise sent through its own form, and the concern it became."""

    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    enterprise = models.CharField(max_length=100)
    federation = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    concern = models.OneToOneField(
        Concern, on_delete=models.PROTECT, related_name="enterprise_request"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.kind} · {self.concern_id}"
