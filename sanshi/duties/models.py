"""Committee members' duties: a federation's point rules, the yearly evaluation (述职评议)
and trainings (素质提升) with their attendance.

The yearly figures are never stored as such: they are counted from the records (visits,
concern events, activities, attendance) whenever a report is shown; an evaluation keeps a
copy of the figures the chair saw when she decided.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.orgs.models import Org, Person

if TYPE_CHECKING:  # django-stubs' helper, not installed to run
    from django_stubs_ext import StrOrPromise


def _points(default: str, verbose_name: StrOrPromise) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        default=Decimal(default), max_digits=5, decimal_places=1, verbose_name=verbose_name
    )


class PointRule(models.Model):
    """One federation's point rules; a federation without its own uses the defaults."""

    org = models.OneToOneField(
        Org, on_delete=models.PROTECT, related_name="point_rule", verbose_name=_("组织")
    )
    base = _points("60", _("基础分"))
    per_visit = _points("1", _("每次走访得分"))
    per_concern = _points("2", _("每件诉求得分"))
    per_activity = _points("3", _("每次活动得分"))
    per_training = _points("2", _("每次培训得分"))
    # Deductions, kept as positive numbers and subtracted.
    minus_overdue = _points("1", _("超期扣分"))
    minus_returned = _points("2", _("退单扣分"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("更新人"),
    )
    updated_at = models.DateTimeField(null=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "积分规则")
        verbose_name_plural = pgettext_lazy("plural", "积分规则")

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
        Org,
        on_delete=models.PROTECT,
        related_name="evaluations",
        db_index=False,
        verbose_name=_("组织"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("执委")
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("年度"))
    grade = models.CharField(max_length=16, choices=Grade.choices, verbose_name=_("等次"))
    reason = models.CharField(max_length=500, verbose_name=_("评议理由"))
    # The figures and points the chair saw when she decided.
    figures = models.JSONField(default=dict, verbose_name=_("履职数据"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("评议人"),
    )
    evaluated_at = models.DateTimeField(verbose_name=_("评议时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "述职评议")
        verbose_name_plural = pgettext_lazy("plural", "述职评议")
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

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("组织")
    )
    title = models.CharField(max_length=100, verbose_name=_("培训主题"))
    audience = models.CharField(
        max_length=16, choices=Audience.choices, default=Audience.ALL, verbose_name=_("参训对象")
    )
    held_on = models.DateField(verbose_name=_("举办日期"))
    hours = models.DecimalField(max_digits=4, decimal_places=1, verbose_name=_("时长（小时）"))
    place = models.CharField(max_length=100, blank=True, default="", verbose_name=_("地点"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "素质提升培训")
        verbose_name_plural = pgettext_lazy("plural", "素质提升培训")
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
        Training,
        on_delete=models.PROTECT,
        related_name="attendance",
        db_index=False,
        verbose_name=_("培训"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("人员")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(verbose_name=_("登记时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "培训出勤")
        verbose_name_plural = pgettext_lazy("plural", "培训出勤")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["training", "person"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.training_id} · {self.person_id}"
