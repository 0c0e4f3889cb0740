"""What every console page shares: the signed-in viewer, the page frame, error answers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from sanshi.console.selectors import Viewer, viewer_for
from sanshi.core import clock
from sanshi.core.errors import SanshiError
from sanshi.notifications.selectors import unread_count

View = Callable[..., HttpResponse]


class ConsoleRequest(HttpRequest):
    viewer: Viewer
    htmx: HtmxDetails


def console_view(view: View) -> View:
    """Signed-in users only; loads the viewer once and answers SanshiErrors with their status."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        req: Any = request
        req.viewer = viewer_for(request.user)
        if not hasattr(request, "htmx"):  # django-htmx's middleware, or the same by hand
            req.htmx = HtmxDetails(request)
        try:
            return view(req, *args, **kwargs)
        except SanshiError as exc:
            return error_page(req, exc)

    return wrapper


def page(
    request: ConsoleRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a console page with the frame's needs (who is signed in, unread count)."""
    context = {
        "viewer": request.viewer,
        "unread": unread_count(request.user),
        "nav": request.resolver_match.url_name if request.resolver_match else "",
        "now": clock.now(),
        **context,
    }
    return render(request, template, context, status=status)


def error_page(request: ConsoleRequest, exc: SanshiError) -> HttpResponse:
    """A typed error as a page (or a fragment for htmx) with its own status, never a 500."""
    template = "console/partials/error.html" if request.htmx else "console/error.html"
    return page(request, template, {"error": exc}, status=exc.status)
