"""The notification centre: what happened that I must know about."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import NotFound
from sanshi.notifications.actions import mark_all_read, mark_read
from sanshi.notifications.delivery import kind_label
from sanshi.notifications.models import Notification
from sanshi.notifications.selectors import notifications_for

LIMIT = 100


@require_GET
@console_view
def centre(request: ConsoleRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    items = list(notifications_for(request.viewer.user_id, unread_only=unread_only)[:LIMIT])
    rows = [{"n": n, "label": kind_label(n.kind)} for n in items]
    return page(request, "console/notifications.html", {"rows": rows, "unread_only": unread_only})


@require_POST
@console_view
def open_one(request: ConsoleRequest, pk: int) -> HttpResponse:
    """Mark it read and go to its concern."""
    n = Notification.objects.filter(pk=pk, user_id=request.viewer.user_id).first()
    if n is None:
        raise NotFound("no such notification")
    mark_read(request.viewer.user_id, n.pk)
    if n.concern_id is None:  # a notice: its own page (a path inside the site)
        target = n.link if n.link.startswith("/") else reverse("console:notifications")
        return HttpResponseRedirect(target, status=303)
    return HttpResponseRedirect(reverse("console:concern", args=[n.concern_id]), status=303)


@require_POST
@console_view
def read_all(request: ConsoleRequest) -> HttpResponse:
    mark_all_read(request.viewer.user_id)
    return HttpResponseRedirect(reverse("console:notifications"), status=303)
