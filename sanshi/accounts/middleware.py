"""Two middlewares: end idle sessions, and hold password-only sessions at the 2FA page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from sanshi.accounts import sessions, twofactor
from sanshi.core.middleware import for_machines

# Pages a signed-in user who still owes a code may open.
OPEN_BEFORE_CODE = frozenset(
    {
        "accounts:verify",
        "accounts:verify_backup",
        "accounts:setup",
        "accounts:logout",
        "console:logout",
        "console:set_language",
        "admin:logout",
        "healthz",
    }
)


class IdleSessionMiddleware:
    """Sign out a session that has been idle too long; otherwise note that it is active.

    Put it after AuthenticationMiddleware. The view then sees an anonymous user and sends
    them to the login page as usual.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not for_machines(request) and request.user.is_authenticated:
            if sessions.idle_too_long(request):
                req: Any = request
                req.sanshi_logout_reason = "idle"
                logout(request)
            else:
                sessions.touch(request)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Until a user who needs 2FA has given a code, only the 2FA pages and logout answer.

    Put it after django_otp's OTPMiddleware. Pages redirect (GET) to the code page with
    ?next=; anything else (POST, htmx) gets 403 with an HX-Redirect to the same place.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if for_machines(request):  # a token or api_key, no session: no code to ask for
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_CODE:
            return None
        if not twofactor.needs_code_now(request):
            return None
        target = code_page_url(request)
        if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
            return HttpResponseRedirect(target)
        response = HttpResponseForbidden(
            _("请先输入动态验证码。"), content_type="text/plain; charset=utf-8"
        )
        response["HX-Redirect"] = target
        return response


def code_page_url(request: HttpRequest) -> str:
    """The code page, or the setup page for a user who has no authenticator yet."""
    user: Any = request.user
    name = "accounts:verify" if twofactor.confirmed_device(user) else "accounts:setup"
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"
