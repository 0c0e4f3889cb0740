"""The phone pages as a progressive web app (issue 26 item 5): the service worker, a page
for when a page was never kept, and the one endpoint the offline queue sends visits to.

The queue (static network/pwa.js) keeps unsent visits in IndexedDB, each with its own
Idempotency-Key; `sync_visit` answers a retry of the same key with the first answer, so a
visit sent twice (the network came back mid-request) is stored once.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanshi.console.views.common import ConsoleRequest, console_view
from sanshi.core.errors import InvalidInput, SanshiError
from sanshi.core.idempotency import Answer, answer_once, fingerprint
from sanshi.network import actions
from sanshi.network.access import access_household, own_households
from sanshi.network.forms import VisitForm

# Bump when the kept shell changes: the new worker drops the old caches.
SHELL_VERSION = "1"
SHELL_ASSETS = (
    "console/console.css",
    "network/network.css",
    "network/pwa.js",
    "network/icon-192.png",
    "network/icon-512.png",
)
KEY = re.compile(r"^[A-Za-z0-9-]{16,64}$")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker, served under /network/ so that its scope is the phone pages."""
    context = {
        "version": SHELL_VERSION,
        "assets": json.dumps([static(a) for a in SHELL_ASSETS]),
        "offline": reverse("network:offline"),
        "scope": reverse("network:home"),
    }
    response = render(request, "network/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page it never kept (no personal data in it)."""
    return render(request, "network/offline.html")


@require_POST
@console_view
def sync_visit(request: ConsoleRequest) -> HttpResponse:
    """A visit from the phone's queue: form fields, with an Idempotency-Key header."""
    key = request.headers.get("Idempotency-Key", "")
    if not KEY.match(key):
        return _error(InvalidInput(_("缺少或无效的 Idempotency-Key。")))
    print_ = fingerprint("POST", request.path, request.body)
    try:
        answer = answer_once(f"phone:{request.user.pk}", key, print_, lambda: _log(request))
    except SanshiError as exc:
        return _error(exc)
    response = JsonResponse(answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _log(request: ConsoleRequest) -> Answer:
    choices = [(h.pk, h.address) for h in own_households(request.user)]
    form = VisitForm(request.POST, households=choices)
    if not form.is_valid():
        fields = {name: str(errors[0]) for name, errors in form.errors.items()}
        raise InvalidInput(_("这条走访记录不完整或有误。"), fields=fields)
    data = form.cleaned_data
    household = access_household(request.user, data["household"], how="visit")
    visit = actions.log_visit(
        household,
        actor=request.user,
        visited_on=data["visited_on"],
        found=data["found"],
        follow_up=data["follow_up"],
    )
    url = reverse("network:visit", args=[visit.pk])
    return Answer(201, {"visit_id": visit.pk, "url": url})


def _error(exc: SanshiError) -> JsonResponse:
    body: dict[str, Any] = {"error": exc.message, "fields": exc.fields}
    return JsonResponse(body, status=exc.status)
