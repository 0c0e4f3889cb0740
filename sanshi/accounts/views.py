"""The second step of signing in: give a code (or a backup code), or set up an authenticator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sanshi.accounts import backup_codes, twofactor
from sanshi.accounts.forms import BackupCodeForm, CodeForm
from sanshi.accounts.models import Authenticator, totp_issuer
from sanshi.core.errors import Conflict


def _next(request: HttpRequest) -> str:
    """Where to go after the code: ?next= when it is ours, else the console home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else str(settings.LOGIN_REDIRECT_URL)


def _after_code(request: HttpRequest) -> str:
    """Where a session goes once verified: ?next=, but first to the backup codes page when
    the user has no unused backup code left (or never had any)."""
    user: Any = request.user
    if backup_codes.backup_codes_left(user) == 0:
        return f"{reverse('accounts:backup_codes')}?{urlencode({'next': _next(request)})}"
    return _next(request)


def _verify_page(
    request: HttpRequest, code_form: CodeForm, backup_form: BackupCodeForm, status: int
) -> HttpResponse:
    context = {
        "form": code_form,
        "backup_form": backup_form,
        "next": _next(request),
        # The name to look for in the app, as the QR code set it up.
        "shown_as": totp_issuer() or request.user.get_username(),
    }
    return render(request, "accounts/verify.html", context, status=status)


def _redirect_before_code(request: HttpRequest) -> HttpResponse | None:
    """Already verified: on to ?next=. No authenticator yet: to the setup page."""
    if twofactor.is_verified(request):
        return HttpResponseRedirect(_next(request))
    if twofactor.confirmed_device(request.user) is None:  # type: ignore[arg-type]
        return HttpResponseRedirect(f"{reverse('accounts:setup')}?{request.GET.urlencode()}")
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the code from the user's authenticator app (or, in a second form, a backup code)."""
    if (elsewhere := _redirect_before_code(request)) is not None:
        return elsewhere
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and twofactor.verify_code(request, form.cleaned_data["code"]):
            return HttpResponseRedirect(_after_code(request))
        if form.is_valid():
            form.add_error(
                "code",
                _("验证码不正确、已用过或尝试过于频繁，请稍等片刻，用下一个验证码再试。"),
            )
        status = 400
    return _verify_page(request, form, BackupCodeForm(), status)


@never_cache
@login_required
@require_POST
def verify_backup(request: HttpRequest) -> HttpResponse:
    """Sign in with a backup code instead (the second form of the code page)."""
    if (elsewhere := _redirect_before_code(request)) is not None:
        return elsewhere
    form = BackupCodeForm(request.POST)
    if form.is_valid():
        if backup_codes.verify_backup_code(request, form.cleaned_data["backup_code"]):
            return HttpResponseRedirect(_after_code(request))
        form.add_error("backup_code", _("备用码不正确或已用过；连续出错后需稍等片刻才能再试。"))
    return _verify_page(request, CodeForm(), form, 400)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: scan the QR code, confirm with the first code.

    Once confirmed, the page shows the new backup codes, this once.
    """
    user: Any = request.user
    if twofactor.confirmed_device(user) is not None:
        return HttpResponseRedirect(f"{reverse('accounts:verify')}?{request.GET.urlencode()}")
    return _new_authenticator(
        request, twofactor.pending_device(user), twofactor.confirm_enrolment, replacing=False
    )


def _new_authenticator(
    request: HttpRequest,
    device: Authenticator,
    confirm: Callable[[HttpRequest, str], list[str] | None],
    *,
    replacing: bool,
) -> HttpResponse:
    """The QR code of a new authenticator; its first code (POST) confirms it and shows the
    new backup codes, once."""
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            codes = confirm(request, form.cleaned_data["code"])
            if codes is not None:
                return _codes_page(request, codes, enrolled=True)
            form.add_error("code", _("验证码不正确，请对准二维码重新添加后再试。"))
        status = 400
    uri = device.config_url
    context = {
        "form": form,
        "next": _next(request),
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title="otpauth"),
        "secret": device.secret,
        "replacing": replacing,
    }
    return render(request, "accounts/setup.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def replace(request: HttpRequest) -> HttpResponse:
    """Replace the authenticator (a new phone, or a lost one after signing in with a backup
    code): scan a new QR code and confirm with its first code; the old one works until then."""
    if (unverified := _verify_first(request)) is not None:
        return unverified
    user: Any = request.user
    if twofactor.confirmed_device(user) is None:
        return HttpResponseRedirect(f"{reverse('accounts:setup')}?{request.GET.urlencode()}")
    return _new_authenticator(
        request, twofactor.pending_replacement(user), twofactor.confirm_replacement, replacing=True
    )


def _verify_first(request: HttpRequest) -> HttpResponse | None:
    """A session not yet verified goes to the code page first, and comes back here after."""
    if twofactor.is_verified(request):
        return None
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('accounts:verify')}?{query}")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def backup_codes_page(request: HttpRequest) -> HttpResponse:
    """How many backup codes are left; POST makes a new set (the old one stops working)."""
    if (unverified := _verify_first(request)) is not None:
        return unverified
    user: Any = request.user
    status, conflict = 200, False
    if request.method == "POST":
        try:
            codes = backup_codes.make_backup_codes(
                user, actor=user, data={"ip": request.META.get("REMOTE_ADDR", "")}
            )
        except Conflict:
            status, conflict = 409, True
        else:
            return _codes_page(request, codes, enrolled=False)
    left = backup_codes.backup_codes_left(user)
    context = {"left": left, "conflict": conflict, "next": _next(request)}
    return render(request, "accounts/backup_codes.html", context, status=status)


def _codes_page(request: HttpRequest, codes: list[str], *, enrolled: bool) -> HttpResponse:
    """The new backup codes, shown this once (they are stored only as keyed hashes)."""
    context = {"codes": codes, "enrolled": enrolled, "next": _next(request)}
    return render(request, "accounts/backup_codes.html", context)
