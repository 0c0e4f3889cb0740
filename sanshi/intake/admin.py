from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanshi.intake.actions import (
    create_open311_key,
    issue_member_card,
    revoke_member_card,
    revoke_open311_key,
)
from sanshi.intake.models import MemberCard, Open311Key, Open311Submission
from sanshi.orgs.models import Membership


@admin.register(MemberCard)
class MemberCardAdmin(admin.ModelAdmin[MemberCard]):
    list_display = ("code", "membership", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("code", "membership__person__name", "membership__org__name")
    readonly_fields = ("code", "created_at", "active")
    autocomplete_fields = ()
    raw_id_fields = ("membership",)
    actions = ("revoke",)

    def save_model(self, request: HttpRequest, obj: MemberCard, form: Any, change: bool) -> None:
        # New cards go through the action: it draws the code and keeps one card per member.
        if change:
            return
        card = issue_member_card(Membership.objects.get(pk=obj.membership_id))
        obj.pk, obj.code, obj.created_at, obj.active = card.pk, card.code, card.created_at, True

    @admin.action(description=_("停用所选亮牌码"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[MemberCard]) -> None:
        for card in queryset:
            revoke_member_card(card)


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin[Open311Key]):
    list_display = ("name", "prefix", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name",)
    fields = ("name", "prefix", "active", "created_at")
    readonly_fields = ("prefix", "active", "created_at")
    actions = ("revoke",)

    def save_model(self, request: HttpRequest, obj: Open311Key, form: Any, change: bool) -> None:
        if change:
            Open311Key.objects.filter(pk=obj.pk).update(name=obj.name.strip())
            return
        issued = create_open311_key(obj.name)
        obj.pk, obj.key_hash, obj.prefix = issued.key.pk, issued.key.key_hash, issued.key.prefix
        obj.created_at, obj.active = issued.key.created_at, True
        messages.warning(
            request,
            f"{gettext('新密钥只显示这一次，请立即复制：')} {issued.raw}",
        )

    @admin.action(description=_("停用所选密钥"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Open311Key]) -> None:
        for key in queryset:
            revoke_open311_key(key)


@admin.register(Open311Submission)
class Open311SubmissionAdmin(admin.ModelAdmin[Open311Submission]):
    list_display = ("concern", "client", "created_at")
    readonly_fields = ("client", "concern", "token", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
