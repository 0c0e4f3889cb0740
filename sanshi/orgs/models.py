"""The federation tree, official divisions, people and their roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.core.fields import EncryptedTextField


class Division(models.Model):
    """An official administrative division (province, city, county or township)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        CITY = 2, _("地级")
        COUNTY = 3, _("县级")
        TOWNSHIP = 4, _("乡级")

    code = models.CharField(max_length=12, primary_key=True, verbose_name=_("区划代码"))
    name = models.CharField(max_length=64, verbose_name=_("名称"))
    level = models.PositiveSmallIntegerField(choices=Level.choices, verbose_name=_("区划层级"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "行政区划")
        verbose_name_plural = pgettext_lazy("plural", "行政区划")
        indexes = [models.Index(fields=["name"]), models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Org(models.Model):
    """A federation (妇联) at one level, or a new-domain one attached under any level."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级妇联")
        CITY = "city", _("市级妇联")
        COUNTY = "county", _("县级妇联")
        TOWNSHIP = "township", _("乡镇（街道）妇联")
        COMMUNITY = "community", _("村（社区）妇联")
        DOMAIN = "domain", _("新领域妇联")

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("妇联")
        RESIDENTS = "residents", _("社区（居委会）")
        VILLAGE = "village", _("村（村委会）")
        ENTERPRISE = "enterprise", _("企业")
        SOCIAL_ORG = "social_org", _("社会组织")
        PARK = "park", _("园区")
        SCHOOL = "school", _("学校")
        HOSPITAL = "hospital", _("医院")
        OTHER = "other", _("其他")

    name = models.CharField(max_length=100, verbose_name=_("名称"))
    level = models.CharField(max_length=16, choices=Level.choices, verbose_name=_("组织层级"))
    kind = models.CharField(
        max_length=16, choices=Kind.choices, default=Kind.FEDERATION, verbose_name=_("组织类型")
    )
    parent = models.ForeignKey(  # indexed by org_unique_name_under_parent (parent, name)
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_index=False,
        verbose_name=_("上级"),
    )
    division_code = models.CharField(
        max_length=12, blank=True, default="", verbose_name=_("区划代码")
    )
    # Materialised path of ids, "/1/4/17/", so a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, verbose_name=_("树路径"))
    depth = models.PositiveSmallIntegerField(default=0, editable=False, verbose_name=_("层级深度"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "组织")
        verbose_name_plural = pgettext_lazy("plural", "组织")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_under_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="org_unique_root_name"
            ),
        ]
        indexes = [models.Index(fields=["division_code"])]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone who works in the federation network; may have a login."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("女")
        MALE = "male", _("男")
        UNKNOWN = "unknown", _("未说明")

    name = models.CharField(max_length=64, verbose_name=_("姓名"))
    phone = EncryptedTextField(blank=True, default="", verbose_name=_("电话"))
    gender = models.CharField(
        max_length=8, choices=Gender.choices, default=Gender.UNKNOWN, verbose_name=_("性别")
    )
    notes = models.TextField(blank=True, default="", verbose_name=_("备注"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("用户"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "人员")
        verbose_name_plural = pgettext_lazy("plural", "人员")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")
    COMMITTEE_MEMBER = "committee_member", _("执委")
    STAFF = "staff", _("工作人员")
    DISPATCHER = "dispatcher", _("派单员")
    SOCIAL_WORKER = "social_worker", _("社工")
    VOLUNTEER = "volunteer", _("巾帼志愿者")
    PROTECTION_OFFICER = "protection_officer", _("权益保护专员")
    LEADER = "leader", _("领导（只读）")


class Membership(models.Model):
    """A person's role in one org for a term."""

    # Indexed by membership_unique_term (person, org, role, term_start).
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,
        verbose_name=_("人员"),
    )
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("组织")
    )
    role = models.CharField(max_length=24, choices=Role.choices, verbose_name=_("角色"))
    term_start = models.DateField(verbose_name=_("任期开始"))
    term_end = models.DateField(null=True, blank=True, verbose_name=_("任期结束"))
    # What a committee member shows on her public card (亮牌): what she can help with.
    helps_with = models.CharField(
        max_length=200, blank=True, default="", verbose_name=_("可帮助的事")
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "任职")
        verbose_name_plural = pgettext_lazy("plural", "任职")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="membership_term_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["person", "org", "role", "term_start"], name="membership_unique_term"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.org}"
