"""A committee member's households ("1+10+N") and her visits to them.

Everything that says who lives where and what their troubles are is sealed at rest: the
address, the people recorded (with their consent), the care flags, what a visit found and
its follow-up. Only `next_visit_due` stays in the clear, so overdue visits are one indexed
query; it says a visit is due, never why.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.concerns.models import Concern
from sanshi.core.fields import EncryptedJSONField, EncryptedTextField
from sanshi.orgs.models import Org, Person


class CareFlag(models.TextChoices):
    """Why a household needs regular visits (sensitive: sealed, never shown to volunteers
    or leaders)."""

    LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")
    ELDER_ALONE = "elder_alone", _("独居老人")
    WOMAN_IN_HARDSHIP = "woman_in_hardship", _("困境妇女")
    SINGLE_PARENT = "single_parent", _("单亲")
    DISABILITY = "disability", _("残疾")
    DV_HISTORY = "dv_history", _("家暴史")


class Household(models.Model):
    """A household a committee member keeps in touch with."""

    # Both indexed by the (…, active, next_visit_due) indexes below.
    org = models.ForeignKey(
        Org,
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,
        verbose_name=_("组织"),
    )
    keeper = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,
        verbose_name=_("联系执委"),
    )
    address = EncryptedTextField(verbose_name=_("地址"))
    # [{"name": ..., "relation": ..., "phone": ...}], recorded with their consent (consent_on).
    people = EncryptedJSONField(default=list, blank=True, verbose_name=_("家庭成员"))
    consent_on = models.DateField(null=True, blank=True, verbose_name=_("同意日期"))
    flags = EncryptedJSONField(default=list, blank=True, verbose_name=_("关注标记"))
    last_visited_on = models.DateField(null=True, blank=True, verbose_name=_("最近走访日期"))
    next_visit_due = models.DateField(null=True, blank=True, verbose_name=_("下次走访期限"))
    active = models.BooleanField(default=True, verbose_name=_("有效"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(verbose_name=_("更新时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "联系户")
        verbose_name_plural = pgettext_lazy("plural", "联系户")
        indexes: ClassVar = [
            models.Index(fields=["keeper", "active", "next_visit_due"]),
            models.Index(fields=["org", "active", "next_visit_due"]),
        ]

    def __str__(self) -> str:
        return f"household {self.pk} · {self.org_id}"


class Visit(models.Model):
    """One visit to a household: when, what was found, what follows."""

    household = models.ForeignKey(  # indexed by (household, -visited_on)
        Household,
        on_delete=models.PROTECT,
        related_name="visits",
        db_index=False,
        verbose_name=_("所属联系户"),
    )
    visitor = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="visits", verbose_name=_("走访人")
    )
    visited_on = models.DateField(verbose_name=_("走访日期"))
    found = EncryptedTextField(verbose_name=_("走访发现"))
    follow_up = EncryptedTextField(blank=True, default="", verbose_name=_("跟进"))
    concern = models.ForeignKey(
        Concern,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("转办的诉求"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "走访记录")
        verbose_name_plural = pgettext_lazy("plural", "走访记录")
        indexes: ClassVar = [models.Index(fields=["household", "-visited_on"])]

    def __str__(self) -> str:
        return f"visit {self.pk} · {self.visited_on}"


class Office(models.TextChoices):
    """Offices of a federation's committee (a 届)."""

    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")
    PART_TIME_VICE_CHAIR = "part_time_vice_chair", _("兼职副主席")
    COMMITTEE_MEMBER = "committee_member", _("执委")


class Term(models.Model):
    """A federation's committee term (第 N 届), from its election to the next."""

    org = models.ForeignKey(  # indexed by term_unique_number (org, number)
        Org, on_delete=models.PROTECT, related_name="terms", db_index=False, verbose_name=_("组织")
    )
    number = models.PositiveSmallIntegerField(verbose_name=_("届次编号"))
    starts_on = models.DateField(verbose_name=_("开始日期"))
    ends_on = models.DateField(verbose_name=_("结束日期"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "执委届次")
        verbose_name_plural = pgettext_lazy("plural", "执委届次")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "number"], name="term_unique_number"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} 第{self.number}届"


class Seat(models.Model):
    """A person's office in one term: when she joined, when and why she left, and what she
    agreed to show in the public directory (nothing until she says so)."""

    term = models.ForeignKey(  # indexed by (term, left_on)
        Term,
        on_delete=models.PROTECT,
        related_name="seats",
        db_index=False,
        verbose_name=_("所属届次"),
    )
    membership = models.OneToOneField(
        "orgs.Membership", on_delete=models.PROTECT, related_name="seat", verbose_name=_("任职")
    )
    office = models.CharField(max_length=24, choices=Office.choices, verbose_name=_("职务"))
    sector = models.CharField(max_length=32, blank=True, default="", verbose_name=_("界别"))
    joined_on = models.DateField(verbose_name=_("任职日期"))
    left_on = models.DateField(null=True, blank=True, verbose_name=_("离任日期"))
    left_reason = models.CharField(
        max_length=200, blank=True, default="", verbose_name=_("离任原因")
    )
    show_name = models.BooleanField(default=False, verbose_name=_("公开姓名"))
    show_sector = models.BooleanField(default=False, verbose_name=_("公开界别"))
    show_helps_with = models.BooleanField(default=False, verbose_name=_("公开可帮助的事"))
    show_card = models.BooleanField(default=False, verbose_name=_("公开亮牌码"))

    class Meta:
        verbose_name = pgettext_lazy("model", "执委席位")
        verbose_name_plural = pgettext_lazy("plural", "执委席位")
        indexes: ClassVar = [models.Index(fields=["term", "left_on"])]

    def __str__(self) -> str:
        return f"{self.get_office_display()} · {self.membership_id}"
