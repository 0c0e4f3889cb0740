"""The audit viewer: Django admin, read-only, filtered by user, concern and action."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from sanshi.audit.actions import AuditAction, record_audit
from sanshi.audit.models import AuditEntry


class TextFilter(admin.SimpleListFilter):
    """A filter with a text box instead of a list of choices."""

    template = "admin/audit/text_filter.html"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("", "")]  # a filter with no lookups is not shown at all

    def choices(self, changelist: ChangeList) -> Iterator[Any]:
        others = [
            (key, value)
            for key, values in changelist.get_filters_params().items()
            if key != self.parameter_name
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {"value": self.value() or "", "others": others, "name": self.parameter_name}


class UserFilter(TextFilter):
    title = _("用户")
    parameter_name = "user"

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = (self.value() or "").strip()
        return queryset.filter(actor_name=value) if value else queryset


class ConcernFilter(TextFilter):
    title = _("诉求编号")
    parameter_name = "concern"

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = (self.value() or "").strip()
        return queryset.filter(object_type="concern", object_id=value) if value else queryset


class ActionFilter(admin.SimpleListFilter):
    title = _("操作")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        return [(a, a) for a in actions]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit rows through the admin."""

    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_id", "data"]
    list_filter = [UserFilter, ConcernFilter, ActionFilter, "object_type"]
    search_fields = ["=object_id", "=actor_name", "action"]
    date_hierarchy = "at"
    ordering = ["-seq"]
    list_per_page = 100
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Looking at the trail is itself kept in the trail, with the filters used."""
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            filters = {k: v for k, v in request.GET.items() if k != "p"}
            record_audit(request.user, AuditAction.AUDIT_VIEWED, "audit", "list", filters)
        return response
