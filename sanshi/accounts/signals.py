"""Logins, logouts, failed logins and lockouts go to the audit chain.

Django's auth signals are the one hook we accept for this (they fire from every login path:
the console, the admin, a test client); what they do is one audit call each.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from sanshi.accounts import sessions
from sanshi.audit.actions import AuditAction, record_audit

USERNAME_LIMIT = 150


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="sanshi.accounts.login")
    user_logged_out.connect(on_logout, dispatch_uid="sanshi.accounts.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="sanshi.accounts.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="sanshi.accounts.locked_out")


def client_ip(request: HttpRequest | None) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.mark_active(request)
    record_audit(user, AuditAction.LOGIN, "user", user.pk, {"ip": client_ip(request)})


def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, "sanshi_logout_reason", "signed_out")
    record_audit(
        user, AuditAction.LOGOUT, "user", user.pk, {"ip": client_ip(request), "reason": reason}
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:USERNAME_LIMIT]
    data = {
        "username": username,
        "ip": client_ip(request),
        "locked_out": bool(getattr(request, "axes_locked_out", False)),
    }
    record_audit(None, AuditAction.LOGIN_FAILED, "user", username[:64], data)


def on_locked_out(
    sender: Any,
    request: HttpRequest | None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    name = (username or "")[:USERNAME_LIMIT]
    record_audit(
        None, AuditAction.LOCKED_OUT, "user", name[:64], {"username": name, "ip": ip_address or ""}
    )
