"""What admins and training add to the engine: model versions, place aliases, thresholds."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sanshi.orgs.models import Division, Org


class TriageModel(models.Model):
    """A model version trained by `sanshi triage-train`: the staff-confirmed examples it adds
    to the shipped training data, its weights (the same npz as the shipped model.npz, no
    texts in it) and its figures on dev. At most one version is active; with none active the
    shipped file is used.
    """

    version = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField()
    active = models.BooleanField(default=False)
    examples = models.JSONField(default=list, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=200, blank=True, default="")
    weights = models.BinaryField(default=b"", editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="triage_model_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version}{' (active)' if self.active else ''}"


class PlaceAlias(models.Model):
    """Another name for a division or a community org: an old name, a short form, a landmark."""

    alias = models.CharField(max_length=64)
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
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
        verbose_name_plural = "place aliases"

    def __str__(self) -> str:
        return f"{self.alias} → {self.division or self.org}"


class DispatchThreshold(models.Model):
    """When triage may dispatch a concern of one category by itself (blank category: default)."""

    category = models.CharField(max_length=32, unique=True, blank=True, default="")
    enabled = models.BooleanField(default=True)
    min_confidence = models.FloatField(default=0.8)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        state = f"≥{self.min_confidence:.2f}" if self.enabled else "off"
        return f"{self.category or '*'} {state}"
