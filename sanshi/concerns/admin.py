"""Admin for the rules of deadlines: SLA policies and calendar overrides.

Concerns themselves are not in the admin: they are read and changed only through the console
and the API, where access rules and the timeline apply.
"""

from __future__ import annotations

from django.contrib import admin

from sanshi.concerns.models import CalendarOverride, SlaPolicy


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = (
        "urgency",
        "category",
        "sign_within",
        "sign_unit",
        "contact_within",
        "contact_unit",
        "resolve_within",
        "resolve_unit",
        "remind_before_minutes",
    )
    list_filter = ("urgency",)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ("date", "is_working_day", "note")
    ordering = ("-date",)
