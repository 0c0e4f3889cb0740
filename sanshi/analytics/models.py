"""Pre-aggregated counts for the dashboard and the reports (Zulip's analytics is the model).

`RollupCount` holds one number per (org, local day, category, channel, 三事 class, metric).
`ConcernTally` remembers what each concern last added to those numbers, so that when a new
event touches a concern its old contribution is taken away and its new one added: the counts
always equal a computation over the concerns as they stand now. `RollupWatermark` is the last
event read; the refresh holds a row lock on it, so two refreshes never interleave.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.concerns.models import Concern
from sanshi.orgs.models import Org


class RollupCount(models.Model):
    """How many of one metric happened in one org on one local day, for one slice."""

    # Indexed by rollup_count_unique (org first).
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("组织")
    )
    day = models.DateField(verbose_name=_("日"))
    category = models.CharField(max_length=32, blank=True, default="", verbose_name=_("类别"))
    channel = models.CharField(max_length=16, blank=True, default="", verbose_name=_("渠道"))
    sanshi = models.CharField(max_length=8, blank=True, default="", verbose_name=_("三事分类"))
    metric = models.CharField(max_length=24, verbose_name=_("统计指标"))
    value = models.IntegerField(default=0, verbose_name=_("数值"))

    class Meta:
        verbose_name = pgettext_lazy("model", "日统计数")
        verbose_name_plural = pgettext_lazy("plural", "日统计数")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "day", "metric", "category", "channel", "sanshi"],
                name="rollup_count_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.day} {self.metric}={self.value}"


class RollupMonth(models.Model):
    """The same counts by calendar month (`month` is its first day), as subtree totals: each
    count is kept at the org and at every org above it, so a dashboard reads the org's own
    cells and its children's, a number that does not grow with concerns or communities."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("组织")
    )
    month = models.DateField(verbose_name=_("月份"))
    category = models.CharField(max_length=32, blank=True, default="", verbose_name=_("类别"))
    channel = models.CharField(max_length=16, blank=True, default="", verbose_name=_("渠道"))
    sanshi = models.CharField(max_length=8, blank=True, default="", verbose_name=_("三事分类"))
    metric = models.CharField(max_length=24, verbose_name=_("统计指标"))
    value = models.IntegerField(default=0, verbose_name=_("数值"))

    class Meta:
        verbose_name = pgettext_lazy("model", "月统计数")
        verbose_name_plural = pgettext_lazy("plural", "月统计数")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "month", "metric", "category", "channel", "sanshi"],
                name="rollup_month_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m} {self.metric}={self.value}"


class ConcernTally(models.Model):
    """What one concern contributes to the rollups now, as last computed."""

    concern = models.OneToOneField(
        Concern,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("诉求"),
    )
    # [[metric, org_id, "YYYY-MM-DD", category, channel, sanshi, count], ...]
    contributions = models.JSONField(default=list, verbose_name=_("计入的统计"))
    # Keyed blind index of the normalised address (repeat concerns from the same address);
    # the address itself stays sealed on the concern.
    address_index = models.CharField(
        max_length=64, blank=True, default="", db_index=True, verbose_name=_("地址索引")
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "诉求计数记录")
        verbose_name_plural = pgettext_lazy("plural", "诉求计数记录")

    def __str__(self) -> str:
        return f"tally of {self.concern_id}"


class RollupWatermark(models.Model):
    """The last concern event folded into the rollups (one row, name 'events')."""

    name = models.CharField(max_length=32, unique=True, verbose_name=_("名称"))
    last_event_id = models.BigIntegerField(default=0, verbose_name=_("最后事件编号"))
    updated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "统计水位线")
        verbose_name_plural = pgettext_lazy("plural", "统计水位线")

    def __str__(self) -> str:
        return f"{self.name}@{self.last_event_id}"


class ReportDelivery(models.Model):
    """A monthly report sent to one chair (never twice: the row goes in before the mail)."""

    org = models.ForeignKey(
        Org, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("组织")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("用户"),
    )
    month = models.DateField(verbose_name=_("月份"))
    sent_at = models.DateTimeField(verbose_name=_("发送时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "月报发送记录")
        verbose_name_plural = pgettext_lazy("plural", "月报发送记录")
        constraints = [
            models.UniqueConstraint(fields=["org", "user", "month"], name="report_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m} → {self.user_id}"
