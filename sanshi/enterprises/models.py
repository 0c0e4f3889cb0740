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
from django.utils.translation import pgettext_lazy

from sanshi.concerns.models import Concern
from sanshi.core.fields import EncryptedTextField
from sanshi.orgs.models import Org

DOMAIN_KINDS = (Org.Kind.ENTERPRISE, Org.Kind.PARK, Org.Kind.SOCIAL_ORG)


class ListedEnterprise(models.Model):
    """An enterprise a district lists (the denominator of coverage), and its federation once
    it has one."""

    district = models.ForeignKey(  # indexed by listed_enterprise_unique_name (district, name)
        Org,
        on_delete=models.PROTECT,
        related_name="listed_enterprises",
        db_index=False,
        verbose_name=_("区县"),
    )
    name = models.CharField(max_length=100, verbose_name=_("企业名称"))
    sector = models.CharField(max_length=50, blank=True, default="", verbose_name=_("行业"))
    women_led = models.BooleanField(default=False, verbose_name=_("女性领办"))
    federation = models.OneToOneField(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listed_enterprise",
        verbose_name=_("妇联组织"),
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "在册企业")
        verbose_name_plural = pgettext_lazy("plural", "在册企业")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["district", "name"], name="listed_enterprise_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Entrepreneur(models.Model):
    """A woman entrepreneur who agreed to be listed in the public directory."""

    district = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="entrepreneurs", verbose_name=_("区县")
    )
    name = models.CharField(max_length=32, verbose_name=_("姓名"))
    enterprise = models.CharField(max_length=100, verbose_name=_("企业名称"))
    sector = models.CharField(max_length=50, blank=True, default="", verbose_name=_("行业"))
    # what she can offer others
    offers = models.CharField(
        max_length=200, blank=True, default="", verbose_name=_("可提供的帮助")
    )
    phone = EncryptedTextField(blank=True, default="", verbose_name=_("电话"))
    show_phone = models.BooleanField(default=False, verbose_name=_("公开电话"))
    consent_version = models.CharField(max_length=24, verbose_name=_("同意书版本"))
    listed = models.BooleanField(default=True, verbose_name=_("公开展示"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "女企业家")
        verbose_name_plural = pgettext_lazy("plural", "女企业家")

    def __str__(self) -> str:
        return f"entrepreneur {self.pk}"


class RequestKind(models.TextChoices):
    RESUMPTION = "resumption", _("复工复产支持")
    FINANCING = "financing", _("融资贷款")
    HIRING = "hiring", _("招工用工")
    TRAINING = "training", _("技能培训")


class EnterpriseRequest(models.Model):
    """A request an enterprise sent through its own form, and the concern it became."""

    kind = models.CharField(max_length=16, choices=RequestKind.choices, verbose_name=_("请求类型"))
    enterprise = models.CharField(max_length=100, verbose_name=_("企业名称"))
    federation = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("妇联组织"),
    )
    concern = models.OneToOneField(
        Concern, on_delete=models.PROTECT, related_name="enterprise_request", verbose_name=_("诉求")
    )
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "企业请求")
        verbose_name_plural = pgettext_lazy("plural", "企业请求")

    def __str__(self) -> str:
        return f"{self.kind} · {self.concern_id}"
