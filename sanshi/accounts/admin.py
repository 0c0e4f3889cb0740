"""Users and groups in the admin, with every change of who may do what in the audit chain.

Authenticators are listed read-only, without their secret; django-otp's own TOTP device
admin is taken out (its table is no longer used, and its pages show the secret and QR code).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp import admin as otp_totp_admin

from sanshi.accounts.models import Authenticator
from sanshi.audit.actions import AuditAction, record_audit

PERMISSION_FLAGS = ("is_active", "is_staff", "is_superuser")


def permissions_of(user: User) -> dict[str, Any]:
    """What a user may do in Django terms: flags, groups and direct permissions."""
    fresh = User.objects.filter(pk=user.pk).first()
    if fresh is None:
        return {}
    return {
        **{flag: getattr(fresh, flag) for flag in PERMISSION_FLAGS},
        "groups": sorted(fresh.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{code}"
            for app, code in fresh.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


def permissions_of_group(group: Group) -> list[str]:
    return sorted(
        f"{app}.{code}"
        for app, code in group.permissions.values_list("content_type__app_label", "codename")
    )


def _message(message: Any) -> Any:
    return message if isinstance(message, list | str) else str(message)


class AuditedUserAdmin(UserAdmin):
    """Django's user admin; each add, change, password change and delete is audited."""

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, *args: Any, **kwargs: Any
    ) -> Any:
        before = (
            User.objects.filter(pk=object_id).first() if object_id and object_id.isdigit() else None
        )
        request.sanshi_before = permissions_of(before) if before else {}  # type: ignore[attr-defined]
        return super().changeform_view(request, object_id, *args, **kwargs)

    def log_addition(self, request: HttpRequest, obj: User, message: Any) -> Any:
        record_audit(request.user, "user.created", "user", obj.pk, {"after": permissions_of(obj)})
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: User, message: Any) -> Any:
        before = getattr(request, "sanshi_before", {})
        after = permissions_of(obj)
        changed = {
            k: {"from": before.get(k), "to": v}
            for k, v in after.items()
            if before and before.get(k) != v
        }
        data = {"changes": changed, "message": _message(message)}
        record_audit(request.user, AuditAction.USER_CHANGED, "user", obj.pk, data)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for user in queryset:
            record_audit(
                request.user, "user.deleted", "user", user.pk, {"username": user.get_username()}
            )
        return super().log_deletions(request, queryset)


class AuditedGroupAdmin(GroupAdmin):
    """A group's permissions apply to all its members: changes to them are audited too."""

    def log_addition(self, request: HttpRequest, obj: Group, message: Any) -> Any:
        record_audit(
            request.user,
            "group.created",
            "group",
            obj.pk,
            {"permissions": permissions_of_group(obj)},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Group, message: Any) -> Any:
        data = {"permissions": permissions_of_group(obj), "message": _message(message)}
        record_audit(request.user, "group.changed", "group", obj.pk, data)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for group in queryset:
            record_audit(request.user, "group.deleted", "group", group.pk, {"name": group.name})
        return super().log_deletions(request, queryset)


class AuthenticatorAdmin(admin.ModelAdmin):
    """Who has an authenticator, since when, last used; never the secret. Read-only: removing
    one is `sanshi reset-2fa`, which is audited."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, AuditedGroupAdmin)
admin.site.register(Authenticator, AuthenticatorAdmin)
# Imported above so that it has registered itself (this module is discovered first).
admin.site.unregister(otp_totp_admin.TOTPDevice)
