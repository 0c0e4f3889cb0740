"""Committee members' duties: a federation's point rules, the yearly evaluation (述职评议)
and trainings (素质提升) with their attendance.

The yearly figures are never stored as such: they are counted from the records (visits,
concern events, activities, attendance) whenever a report is shown; an evaluation keeps a
copy of the figures the chair saw when she decided.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanshi.orgs.models import Org, Person


def _points(default: str) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(default=Decimal(default), max_digits=5, decimal_places=1)


class PointRule(models.Model):
    """One federation's point rules; a federation without its own uses the defaults."""

    org = models.OneToOneField(Org, on_delete=models.PROTECT, related_name="point_rule")
    base = _points("60")
    per_visit = _points("1")
    per_concern = _points("2")
    per_activity = _points("3")
    per_training = _points("2")
    # Deductions, kept as positive numbers and subtracted.
    minus_overdue = _points("1")
    minus_returned = _points("2")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"point rule · {self.org_id}"


RULE_FIELDS = (
    "base",
    "per_visit",
    "per_concern",
    "per_activity",
    "per_training",
    "minus_overdue",
    "minus_returned",
)


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class Evaluation(models.Model):
    """The chair's yearly evaluation of one committee member, with her reason."""

    org = models.ForeignKey(  # indexed by evaluation_one_per_year (org, person, year)
        Org, on_delete=models.PROTECT, related_name="evaluations", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField()
    grade = models.CharField(max_length=16, choices=Grade.choices)
    reason = models.CharField(max_length=500)
    # The figures and points the chair saw when she decided.
    figures = models.JSONField(default=dict)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluated_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["org", "person", "year"], name="evaluation_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.grade}"


class Audience(models.TextChoices):
    COMMITTEE = "committee", _("执委")
    CADRES = "cadres", _("妇联干部")
    ALL = "all", _("干部和执委")


class Training(models.Model):
    """A training session (素质提升) a federation runs for cadres and committee members."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="trainings")
    title = models.CharField(max_length=100)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.ALL)
    held_on = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    place = models.CharField(max_length=100, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24),
                name="training_hours_in_a_day",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Someone attended a training (the training's hours count for her)."""

    training = models.ForeignKey(  # indexed by attendance_once (training, person)
        Training, on_delete=models.PROTECT, related_name="attendance", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trainings")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["training", "person"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.training_id} · {self.person_id}"
