"""Signing in and out, one's own profile and roles, and the language switch."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from sanshi.accounts.twofactor import second_factor_of
from sanshi.console.views.common import ConsoleRequest, console_view, page


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link cannot sign anyone out."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Nothing personal stays in the browser: the phone pages' kept copies, their queue
        # of unsent visits, the service worker, drafts (issue 26).
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@require_GET
@console_view
def profile(request: ConsoleRequest) -> HttpResponse:
    """Who I am: my person record, the roles I hold in which orgs, my second factor."""
    memberships = sorted(request.viewer.memberships, key=lambda m: m.org.path)
    context = {"memberships": memberships, "second_factor": second_factor_of(request.viewer.user)}
    return page(request, "console/profile.html", context)
