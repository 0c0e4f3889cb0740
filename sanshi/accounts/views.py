"""The second step of signing in: give a code, or set up an authenticator first."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sanshi.accounts import twofactor
from sanshi.accounts.forms import CodeForm


def _next(request: HttpRequest) -> str:
    """Where to go after the code: ?next= when it is ours, else the console home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else str(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the code from the user's authenticator app."""
    user: Any = request.user
    if twofactor.is_verified(request):
        return HttpResponseRedirect(_next(request))
    if twofactor.confirmed_device(user) is None:
        return HttpResponseRedirect(f"{reverse('accounts:setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and twofactor.verify_code(request, form.cleaned_data["code"]):
            return HttpResponseRedirect(_next(request))
        if form.is_valid():
            form.add_error(
                "code", "验证码不正确、已用过或尝试过于频繁，请稍等片刻，用下一个验证码再试。"
            )
        status = 400
    return render(
        request, "accounts/verify.html", {"form": form, "next": _next(request)}, status=status
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: scan the QR code, confirm with the first code."""
    user: Any = request.user
    if twofactor.confirmed_device(user) is not None:
        return HttpResponseRedirect(f"{reverse('accounts:verify')}?{request.GET.urlencode()}")
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and twofactor.confirm_enrolment(request, form.cleaned_data["code"]):
            return HttpResponseRedirect(_next(request))
        if form.is_valid():
            form.add_error("code", "验证码不正确，请对准二维码重新添加后再试。")
        status = 400
    uri = str(device.config_url)
    context = {
        "form": form,
        "next": _next(request),
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title="otpauth"),
        "secret": uri.split("secret=", 1)[1].split("&", 1)[0],
    }
    return render(request, "accounts/setup.html", context, status=status)
