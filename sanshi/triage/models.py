"""What admins and training add to the engine: model versions, place aliases, thresholds."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sanshi.orgs.models import Division, Org


class TriageModel(models.Model):
    """A model version trained by `sanshi triage-train`: the staff-confirmed examples it adds
    to the shipped training data, its weights (the same npz as the shipped model.npz, no
    texts in it) and its figures on dev. At most one version is active; with none active the
    shipped file is used.
    """

    version = models.CharField(max_length=32, unique=True, verbose_name=_("版本"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))
    active = models.BooleanField(default=False, verbose_name=_("有效"))
    examples = models.JSONField(default=list, blank=True, verbose_name=_("人工样本"))
    metrics = models.JSONField(default=dict, blank=True, verbose_name=_("评估指标"))
    note = models.CharField(max_length=200, blank=True, default="", verbose_name=_("说明"))
    weights = models.BinaryField(default=b"", editable=False, verbose_name=_("模型参数"))

    class Meta:
        verbose_name = pgettext_lazy("model", "分诊模型")
        verbose_name_plural = pgettext_lazy("plural", "分诊模型")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="triage_model_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version}{gettext('（在用）') if self.active else ''}"


class PlaceAlias(models.Model):
    """Another name for a division or a community org: an old name, a short form, a landmark."""

    alias = models.CharField(max_length=64, verbose_name=_("别名"))
    division = models.ForeignKey(
        Division,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("行政区划"),
    )
    org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("组织"),
    )
    note = models.CharField(max_length=200, blank=True, default="", verbose_name=_("备注"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "地名别名")
        verbose_name_plural = pgettext_lazy("plural", "地名别名")
        constraints = [
            models.CheckConstraint(
                condition=(Q(division__isnull=False) & Q(org__isnull=True))
                | (Q(division__isnull=True) & Q(org__isnull=False)),
                name="place_alias_one_target",
            ),
            models.UniqueConstraint(
                fields=["alias", "division"],
                condition=Q(division__isnull=False),
                name="place_alias_unique_division",
            ),
            models.UniqueConstraint(
                fields=["alias", "org"],
                condition=Q(org__isnull=False),
                name="place_alias_unique_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.division or self.org}"


class DispatchThreshold(models.Model):
    """When triage may dispatch a concern of one category by itself (blank category: default)."""

    category = models.CharField(
        max_length=32, unique=True, blank=True, default="", verbose_name=_("类别")
    )
    enabled = models.BooleanField(default=True, verbose_name=_("启用"))
    min_confidence = models.FloatField(default=0.8, verbose_name=_("最低置信度"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "自动派单阈值")
        verbose_name_plural = pgettext_lazy("plural", "自动派单阈值")

    def __str__(self) -> str:
        state = f"≥{self.min_confidence:.2f}" if self.enabled else gettext("关闭")
        return f"{self.category or '*'} {state}"
