"""Backup codes: ten one-time codes for signing in when the authenticator is not at hand.

A user gets a set when confirming an authenticator (shown once, on the page after), can make a
new set from /accounts/2fa/backup-codes/ (which ends the old one), and an admin can make one
with `sanshi backup-codes USERNAME`. Only keyed hashes are stored (sanshi.accounts.models).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login

from sanshi.accounts.models import (
    Authenticator,
    BackupCode,
    BackupCodeSet,
    backup_code_digest,
    new_backup_codes,
)
from sanshi.audit.actions import AuditAction, record_audit
from sanshi.core.errors import Conflict

CODES_PER_SET = 10
DEVICE = "backup codes"


def backup_codes_left(user: User) -> int:
    """How many of the user's backup codes are still unused."""
    return BackupCode.objects.filter(code_set__user=user, used_at=None).count()


def replace_backup_codes(user: User) -> list[str]:
    """A new set of codes for the user, ending the old set; call it inside a transaction.

    The set's row is locked first, so a code being checked at the same moment is checked
    against either the old set or the new one, never half of each.
    """
    code_set, _ = BackupCodeSet.objects.get_or_create(user=user, defaults={"name": DEVICE})
    BackupCodeSet.objects.select_for_update().filter(pk=code_set.pk).first()
    BackupCode.objects.filter(code_set=code_set).delete()
    codes = new_backup_codes(CODES_PER_SET)
    BackupCode.objects.bulk_create(
        [BackupCode(code_set=code_set, digest=backup_code_digest(code)) for code in codes]
    )
    return codes


def make_backup_codes(user: User, *, actor: User | None, data: dict[str, str]) -> list[str]:
    """A new set of backup codes (the old ones stop working); audited, never with the codes.

    Only for a user with an authenticator: without one the code page is the setup page, where
    a code from this set could not be used.
    """
    with transaction.atomic():
        if not Authenticator.objects.filter(user=user, confirmed=True).exists():
            raise Conflict(f"{user.get_username()} has no authenticator yet")
        replaced = backup_codes_left(user)
        codes = replace_backup_codes(user)
        record_audit(
            actor,
            AuditAction.BACKUP_CODES_MADE,
            "user",
            user.pk,
            {**data, "codes": len(codes), "unused_replaced": replaced},
        )
    return codes


def verify_backup_code(request: HttpRequest, code: str) -> bool:
    """Check a backup code; a right one is spent and the session is verified.

    The set's row is locked (select_for_update) and the spend is a conditional update, so of
    two requests with the same code exactly one succeeds. Both outcomes are audited with the
    address; a success also with the number of codes left, never the code.
    """
    user: User = request.user  # type: ignore[assignment]
    where = {"ip": request.META.get("REMOTE_ADDR", "")}
    with transaction.atomic():
        code_set = (
            BackupCodeSet.objects.select_for_update().filter(user=user, confirmed=True).first()
        )
        ok = code_set is not None and code_set.verify_token(code)
        if ok:
            data = {**where, "left": backup_codes_left(user)}
            record_audit(user, AuditAction.SECOND_FACTOR_BACKUP_USED, "user", user.pk, data)
        else:
            data = {**where, "method": "backup_code"}
            record_audit(user, AuditAction.SECOND_FACTOR_FAILED, "user", user.pk, data)
    if ok and code_set is not None:
        otp_login(request, code_set)
    return ok
