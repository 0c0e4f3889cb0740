"""The resident's STOP (on her tracking page) and staff's record of a safe way and time."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sanshi.attachments.access import access_concern_in_full
from sanshi.console.views.common import ConsoleRequest, console_view
from sanshi.core.errors import SanshiError
from sanshi.intake import conf, ratelimit
from sanshi.intake.selectors import concern_by_tracking_code
from sanshi.intake.views import too_many
from sanshi.messaging.actions import record_contact_preference, stop_messages
from sanshi.messaging.forms import SafeContactForm
from sanshi.messaging.selectors import messages_stopped


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def stop(request: HttpRequest, code: str) -> HttpResponse:
    """Stop messages about a concern: the tracking code is the key, as for the tracking page."""
    ip = ratelimit.client_ip(request)
    limited = ratelimit.hit("track", ip, limit=conf.track_rate_per_ip(), window=60)
    if limited is not None:
        return too_many(request, limited.retry_after)
    concern = concern_by_tracking_code(code[:40])
    if concern is None:
        return render(request, "intake/track_not_found.html", status=404)
    if request.method == "POST":
        stop_messages(concern)
        return HttpResponseRedirect(reverse("intake-track", args=[concern.tracking_code]) + "#sms")
    return render(
        request,
        "messaging/stop.html",
        {"concern": concern, "stopped": messages_stopped(concern)},
    )


@require_POST
@console_view
def record_safe_contact(request: ConsoleRequest, pk: int) -> HttpResponse:
    """Staff record the way and time the resident said is safe (on a call, at a visit)."""
    concern = access_concern_in_full(request.user, pk)
    back = reverse("console:concern", args=[concern.pk]) + "#safe-contact"
    form = SafeContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择短信方式，并填写正确的时间。"))
        return HttpResponseRedirect(back)
    start: dt.time | None = form.cleaned_data["window_start"]
    end: dt.time | None = form.cleaned_data["window_end"]
    try:
        record_contact_preference(
            concern,
            channel=form.cleaned_data["channel"],
            window_start=start,
            window_end=end,
            language=request.LANGUAGE_CODE,
            actor=request.user,
        )
    except SanshiError:
        messages.error(request, _("安全时间段须有开始和结束，且两者不同。"))
        return HttpResponseRedirect(back)
    messages.success(request, _("已记录安全联系方式。"))
    return HttpResponseRedirect(back)
