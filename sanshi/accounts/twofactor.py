"""Two-factor login (TOTP, django-otp): who needs it, checking a code, enrolling a device.

Who needs it: admins (is_staff or is_superuser), chairs and protection officers, when
SANSHI_2FA_REQUIRED is on (the default). They sign in with their password as usual; until they
also give a code, SecondFactorMiddleware sends every page to /accounts/2fa/ (or to
/accounts/2fa/setup/ when they have no authenticator yet). The authenticator's secret is
sealed at rest (sanshi.accounts.models.Authenticator); backup codes are in backup_codes.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login

from sanshi.accounts.backup_codes import CODES_PER_SET, backup_codes_left, replace_backup_codes
from sanshi.accounts.models import Authenticator, BackupCode, BackupCodeSet
from sanshi.audit.actions import AuditAction, record_audit
from sanshi.orgs.models import Role
from sanshi.orgs.selectors import roles_of_user

ROLES_NEEDING_2FA = frozenset({Role.CHAIR, Role.PROTECTION_OFFICER})
DEMO_DEVICE = "demo"
DEVICE = "authenticator"
REPLACEMENT = "replacement"  # a new authenticator being set up while the old one still works


def requires_second_factor(user: User | AnonymousUser | Any) -> bool:
    """True when this signed-in user must give a one-time code before using the site."""
    if not getattr(settings, "SANSHI_2FA_REQUIRED", True):
        return False
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(m.role in ROLES_NEEDING_2FA for m in roles_of_user(user))


def is_verified(request: HttpRequest) -> bool:
    """True when this session has given a code (django-otp's OTPMiddleware keeps track)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check()) if callable(check) else False


def needs_code_now(request: HttpRequest) -> bool:
    """Signed in with a password, must give a code, has not yet."""
    return requires_second_factor(request.user) and not is_verified(request)


def confirmed_device(user: User) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, confirmed=True).order_by("pk").first()


@dataclass(frozen=True)
class SecondFactor:
    """What one's own profile page says about one's second factor."""

    backup_codes_left: int


def second_factor_of(user: User) -> SecondFactor | None:
    """None without a confirmed authenticator; else how many backup codes are left."""
    if not Authenticator.objects.filter(user=user, confirmed=True).exists():
        return None
    return SecondFactor(backup_codes_left=backup_codes_left(user))


def verify_code(request: HttpRequest, code: str) -> bool:
    """Check a code against the user's authenticator; on success mark the session verified.

    A code already used is refused (replay) and repeated failures slow down
    (OTP_TOTP_THROTTLE_FACTOR); both outcomes are audited.
    """
    user: User = request.user  # type: ignore[assignment]
    with transaction.atomic():
        device = Authenticator.objects.select_for_update().filter(user=user, confirmed=True).first()
        ok = device is not None and device.verify_token(code)
        if ok:
            record_audit(user, AuditAction.SECOND_FACTOR_OK, "user", user.pk, _where(request))
        else:
            _audit_failure(request, user)
    if ok and device is not None:
        otp_login(request, device)
    return ok


def pending_device(user: User) -> Authenticator:
    """The unconfirmed authenticator being set up (the same one until it is confirmed)."""
    return _pending(user, DEVICE)


def confirm_enrolment(request: HttpRequest, code: str) -> list[str] | None:
    """Confirm the pending authenticator with its first code: the session is then verified.

    Returns the user's new backup codes, to be shown once, or None when the code was wrong.
    Only allowed while the user has no confirmed authenticator: a stolen password must not be
    enough to add a second one.
    """
    user: User = request.user  # type: ignore[assignment]
    with transaction.atomic():
        if confirmed_device(user) is not None:
            return None
        device = _checked_pending(request, user, DEVICE, code)
        if device is None:
            return None
        codes = _put_in_use(request, user, device, AuditAction.SECOND_FACTOR_ENROLLED, {})
    otp_login(request, device)
    return codes


def pending_replacement(user: User) -> Authenticator:
    """The new authenticator being set up to replace the current one (the same until confirmed)."""
    return _pending(user, REPLACEMENT)


def confirm_replacement(request: HttpRequest, code: str) -> list[str] | None:
    """Swap in the replacement authenticator once its first code is right; new backup codes.

    For a session already verified (by the old authenticator or a backup code: a lost phone).
    The old authenticator keeps working until this moment, so the account is never left
    without one. Returns the new backup codes, to be shown once, or None for a wrong code.
    """
    user: User = request.user  # type: ignore[assignment]
    with transaction.atomic():
        device = _checked_pending(request, user, REPLACEMENT, code)
        if device is None:
            return None
        replaced, _ = Authenticator.objects.filter(user=user, confirmed=True).delete()
        codes = _put_in_use(
            request, user, device, AuditAction.SECOND_FACTOR_REPLACED, {"replaced": replaced}
        )
    otp_login(request, device)
    return codes


def _pending(user: User, name: str) -> Authenticator:
    device = Authenticator.objects.filter(user=user, confirmed=False, name=name).first()
    return device or Authenticator.objects.create(user=user, name=name, confirmed=False)


def _checked_pending(
    request: HttpRequest, user: User, name: str, code: str
) -> Authenticator | None:
    """The unconfirmed authenticator `name`, locked, if `code` is right for it (else audited)."""
    device = (
        Authenticator.objects.select_for_update()
        .filter(user=user, confirmed=False, name=name)
        .first()
    )
    if device is None or not device.verify_token(code):
        _audit_failure(request, user)
        return None
    return device


def _put_in_use(
    request: HttpRequest,
    user: User,
    device: Authenticator,
    action: str,
    data: dict[str, Any],
) -> list[str]:
    """Confirm the device as the user's authenticator, with a new set of backup codes."""
    Authenticator.objects.filter(pk=device.pk).update(confirmed=True, name=DEVICE)
    device.confirmed, device.name = True, DEVICE
    codes = replace_backup_codes(user)
    audited = {**_where(request), **data, "backup_codes": CODES_PER_SET}
    record_audit(user, action, "user", user.pk, audited)
    return codes


@dataclass(frozen=True)
class Removed:
    authenticators: int
    backup_codes: int  # unused ones


def reset_second_factor(user: User, *, actor: User | None, reason: str) -> Removed:
    """Remove all of a user's authenticators and backup codes (lost phone and codes).

    They set up a new authenticator at their next login (and get new backup codes with it).
    """
    with transaction.atomic():
        unused = BackupCode.objects.filter(code_set__user=user, used_at=None).count()
        BackupCodeSet.objects.filter(user=user).delete()
        deleted, _ = Authenticator.objects.filter(user=user).delete()
        removed = Removed(authenticators=deleted, backup_codes=unused)
        record_audit(
            actor,
            AuditAction.SECOND_FACTOR_RESET,
            "user",
            user.pk,
            {"devices": deleted, "backup_codes": unused, "reason": reason},
        )
    return removed


def provision_demo_device(user: User) -> str:
    """Give a demo account a confirmed authenticator and return its otpauth:// URI.

    The URI carries the secret: print it next to the demo password (any authenticator app
    can scan or import it), or run `sanshi demo-totp USERNAME` for the current code. A second
    call returns the same URI, so reloading the demo keeps what people set up.
    """
    with transaction.atomic():
        device = Authenticator.objects.filter(user=user, name=DEMO_DEVICE, confirmed=True).first()
        if device is None:
            device = Authenticator.objects.create(user=user, name=DEMO_DEVICE, confirmed=True)
            record_audit(
                None, AuditAction.SECOND_FACTOR_ENROLLED, "user", user.pk, {"device": DEMO_DEVICE}
            )
    return device.config_url


def _where(request: HttpRequest) -> dict[str, str]:
    return {"ip": request.META.get("REMOTE_ADDR", "")}


def _audit_failure(request: HttpRequest, user: User) -> None:
    data = {**_where(request), "method": "totp"}
    record_audit(user, AuditAction.SECOND_FACTOR_FAILED, "user", user.pk, data)
