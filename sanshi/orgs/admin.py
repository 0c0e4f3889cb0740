"""Admin for the federation tree and people (read-mostly: writes go through the actions)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sanshi.orgs.models import Division, Membership, Org, Person


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin[Division]):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")
    list_filter = ("level",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Division | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Division | None = None) -> bool:
        return False


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin[Org]):
    list_display = ("name", "level", "kind", "parent", "division_code")
    search_fields = ("name", "division_code")
    list_filter = ("level", "kind")
    readonly_fields = ("path", "depth", "parent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # create_org / move_org check the tree; the admin would not


class MembershipInline(admin.TabularInline[Membership, Person]):
    model = Membership
    extra = 0
    raw_id_fields = ("org",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "user")
    search_fields = ("name", "user__username")
    inlines = (MembershipInline,)
    raw_id_fields = ("user",)
