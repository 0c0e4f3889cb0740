"""Social-work agencies' contracted projects (政府购买服务): funder, period, target groups,
promised outputs; the activities run and the concerns handled under each."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.concerns.models import Concern
from sanshi.orgs.models import Org


class Metric(models.TextChoices):
    CONCERNS = "concerns", _("办结诉求（件）")
    ACTIVITIES = "activities", _("开展活动（场）")
    PARTICIPANTS = "participants", _("服务人次")
    HOURS = "hours", _("服务时长（小时）")


class Project(models.Model):
    """A project an agency (an org of kind 社会组织) runs under contract, serving an area."""

    agency = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="agency_projects", verbose_name=_("社工机构")
    )
    serves = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="served_projects", verbose_name=_("服务组织")
    )
    name = models.CharField(max_length=100, verbose_name=_("项目名称"))
    funder = models.CharField(max_length=100, verbose_name=_("资助方"))
    target_groups = models.CharField(
        max_length=200, blank=True, default="", verbose_name=_("服务对象")
    )
    starts_on = models.DateField(verbose_name=_("开始日期"))
    ends_on = models.DateField(verbose_name=_("结束日期"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "社工项目")
        verbose_name_plural = pgettext_lazy("plural", "社工项目")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="project_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Promise(models.Model):
    """An output the contract promises (e.g. 40 activities)."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="promises",
        db_index=False,
        verbose_name=_("所属项目"),
    )
    metric = models.CharField(max_length=16, choices=Metric.choices, verbose_name=_("承诺指标"))
    target = models.PositiveIntegerField(verbose_name=_("目标数"))

    class Meta:
        verbose_name = pgettext_lazy("model", "项目承诺指标")
        verbose_name_plural = pgettext_lazy("plural", "项目承诺指标")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["project", "metric"], name="promise_one_per_metric")
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.target}"


class Activity(models.Model):
    """An activity run under a project."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="activities", verbose_name=_("所属项目")
    )
    title = models.CharField(max_length=100, verbose_name=_("活动名称"))
    held_on = models.DateField(verbose_name=_("举办日期"))
    participants = models.PositiveIntegerField(verbose_name=_("参加人数"))
    hours = models.DecimalField(max_digits=5, decimal_places=1, verbose_name=_("时长（小时）"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "项目活动")
        verbose_name_plural = pgettext_lazy("plural", "项目活动")

    def __str__(self) -> str:
        return self.title


class ProjectConcern(models.Model):
    """A concern handled under a project (a concern counts for one project at most)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="concern_links", verbose_name=_("所属项目")
    )
    concern = models.OneToOneField(
        Concern, on_delete=models.CASCADE, related_name="project_link", verbose_name=_("诉求")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("关联人"),
    )
    linked_at = models.DateTimeField(verbose_name=_("关联时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "项目承接诉求")
        verbose_name_plural = pgettext_lazy("plural", "项目承接诉求")

    def __str__(self) -> str:
        return f"{self.project_id} ← {self.concern_id}"
