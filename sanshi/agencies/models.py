"""Social-work agencies' contracted projects (政府购买服务): funder, period, target groups,
promised outputs; the activities run and the concerns handled under each."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import Concern
from sanshi.orgs.models import Org


class Metric(models.TextChoices):
    CONCERNS = "concerns", _("办结诉求（件）")
    ACTIVITIES = "activities", _("开展活动（场）")
    PARTICIPANTS = "participants", _("服务人次")
    HOURS = "hours", _("服务时长（小时）")


class Project(models.Model):
    """A project an agency (an org of kind 社会组织) runs under contract, serving an area."""

    agency = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="agency_projects")
    serves = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="served_projects")
    name = models.CharField(max_length=100)
    funder = models.CharField(max_length=100)
    target_groups = models.CharField(max_length=200, blank=True, default="")
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
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
        Project, on_delete=models.CASCADE, related_name="promises", db_index=False
    )
    metric = models.CharField(max_length=16, choices=Metric.choices)
    target = models.PositiveIntegerField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["project", "metric"], name="promise_one_per_metric")
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.target}"


class Activity(models.Model):
    """An activity run under a project."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(max_length=100)
    held_on = models.DateField()
    participants = models.PositiveIntegerField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title


class ProjectConcern(models.Model):
    """A concern handled under a project (a concern counts for one project at most)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="concern_links")
    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="project_link")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.project_id} ← {self.concern_id}"
