"""Admin for what admins tune in triage: place aliases, dispatch thresholds; model versions read-only.

Writes go through `sanshi.triage.actions`, so the admin checks exactly what the actions check,
and the errors show on the form instead of failing the save.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.taxonomy import taxonomy
from sanshi.core.errors import InvalidInput
from sanshi.triage.actions import (
    add_place_alias,
    check_place_alias,
    remove_place_alias,
    set_dispatch_threshold,
)
from sanshi.triage.models import DispatchThreshold, PlaceAlias, TriageModel


class PlaceAliasForm(forms.ModelForm[PlaceAlias]):
    class Meta:
        model = PlaceAlias
        fields = ("alias", "division", "org", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and not self.errors:
            try:
                data["alias"] = check_place_alias(
                    data.get("alias", ""), division=data.get("division"), org=data.get("org")
                )
            except InvalidInput as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(PlaceAlias)
class PlaceAliasAdmin(admin.ModelAdmin[PlaceAlias]):
    form = PlaceAliasForm
    list_display = ("alias", "division", "org", "note", "created_at")
    search_fields = ("alias", "note", "division__name", "org__name")
    autocomplete_fields = ("division", "org")
    readonly_fields = ("created_at",)

    def get_readonly_fields(self, request: HttpRequest, obj: PlaceAlias | None = None) -> Any:
        # The router notices added and removed aliases, not edited ones: to change what an
        # alias says or names, delete it and add another. The note is free to edit.
        if obj is not None:
            return ("alias", "division", "org", "created_at")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: PlaceAlias, form: Any, change: bool) -> None:
        if change:
            PlaceAlias.objects.filter(pk=obj.pk).update(note=obj.note.strip())
            return
        saved = add_place_alias(obj.alias, division=obj.division, org=obj.org, note=obj.note)
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def delete_model(self, request: HttpRequest, obj: PlaceAlias) -> None:
        remove_place_alias(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PlaceAlias]) -> None:
        for alias in queryset:
            remove_place_alias(alias)


def _category_choices() -> list[tuple[str, str]]:
    categories = [(c.code, f"{c.code} {c.name}") for c in taxonomy().categories]
    return [("", gettext("（默认）")), *categories]


class DispatchThresholdForm(forms.ModelForm[DispatchThreshold]):
    category = forms.ChoiceField(choices=_category_choices, required=False, label=_("类别"))

    class Meta:
        model = DispatchThreshold
        fields = ("category", "enabled", "min_confidence")

    def clean_min_confidence(self) -> float:
        value = float(self.cleaned_data["min_confidence"])
        if not 0.0 <= value <= 1.0:
            raise forms.ValidationError(_("应在 0 到 1 之间"))
        return value


@admin.register(DispatchThreshold)
class DispatchThresholdAdmin(admin.ModelAdmin[DispatchThreshold]):
    form = DispatchThresholdForm
    list_display = ("__str__", "category", "enabled", "min_confidence", "updated_at")
    list_editable = ("enabled", "min_confidence")
    list_display_links = ("__str__",)
    ordering = ("category",)

    def get_readonly_fields(
        self, request: HttpRequest, obj: DispatchThreshold | None = None
    ) -> Any:
        return ("category", "updated_at") if obj is not None else ("updated_at",)

    def save_model(
        self, request: HttpRequest, obj: DispatchThreshold, form: Any, change: bool
    ) -> None:
        saved = set_dispatch_threshold(
            obj.category, enabled=obj.enabled, min_confidence=obj.min_confidence
        )
        obj.pk, obj.updated_at = saved.pk, saved.updated_at


@admin.register(TriageModel)
class TriageModelAdmin(admin.ModelAdmin[TriageModel]):
    """Versions are made by `sanshi triage-train`, which activates one only if no worse."""

    list_display = ("version", "created_at", "active", "accuracy", "critical_recall", "added")
    list_filter = ("active",)
    ordering = ("-created_at",)
    fields = ("version", "created_at", "active", "metrics", "examples", "note")
    readonly_fields = fields

    @admin.display(description=_("类别准确率"))
    def accuracy(self, obj: TriageModel) -> Any:
        return obj.metrics.get("category_accuracy")

    @admin.display(description=_("紧急召回率"))
    def critical_recall(self, obj: TriageModel) -> Any:
        return obj.metrics.get("critical_recall")

    @admin.display(description=_("人工样本数"))
    def added(self, obj: TriageModel) -> int:
        return len(obj.examples)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TriageModel | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: TriageModel | None = None) -> bool:
        return False
