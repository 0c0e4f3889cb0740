"""Taking a call or a visitor: phone number first, the caller's history, the text with
triage shown live, and one intake through `take_in_concern`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from sanshi.concerns.access import access_concern
from sanshi.concerns.models import Urgency
from sanshi.concerns.tracking import format_tracking_code
from sanshi.console import calls
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import InvalidInput, NotFound
from sanshi.intake.take_in import take_in_concern
from sanshi.triage.engine import triage
from sanshi.triage.kinds import DangerKind, lines_for

# Asked, in this order, when triage hears danger: short, answerable with yes or no.
SAFETY_QUESTIONS = (
    gettext_noop("您现在安全吗？伤害您的人在身边吗？"),
    gettext_noop("您方便说话吗？不方便的话，只回答“是”或“不是”就可以。"),
    gettext_noop("有人受伤吗？需要叫救护车吗？"),
    gettext_noop("家里有孩子或老人吗？他们现在安全吗？"),
    gettext_noop("您现在在什么地方？（记下详细地址）"),
    gettext_noop("之后怎样联系您才安全？（时间、方式、能不能留言）"),
)


@require_http_methods(["GET", "POST"])
@console_view
def take_call(request: ConsoleRequest) -> HttpResponse:
    """The call screen; a valid POST takes the concern in and clears the screen for the next."""
    orgs = calls.require_call_taker(request.viewer)
    form = calls.CallForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            taken = take_in_concern(calls.call_intake(form, who="console"), actor=request.user)
        except InvalidInput as exc:
            field = next((f for f in exc.fields if f in form.fields), None)
            form.add_error(field, exc.message)
        else:
            code = format_tracking_code(taken.concern.tracking_code)
            messages.success(request, _("已记录，编号 %(code)s。") % {"code": code})
            return HttpResponseRedirect(f"{reverse('console:call')}?done={taken.concern.pk}")
    return page(request, "console/call.html", _context(request, form, orgs), status=_status(form))


def _status(form: calls.CallForm) -> int:
    return 400 if form.is_bound and form.errors else 200


def _context(request: ConsoleRequest, form: calls.CallForm, orgs: list[Any]) -> dict[str, Any]:
    done = request.GET.get("done", "")
    concern = None
    if done.isdigit():
        try:
            concern = access_concern(request.user, int(done))
        except NotFound:
            concern = None
    phone = form.data.get("phone", "") if form.is_bound else ""
    return {
        "form": form,
        "history": calls.caller_history(request.viewer, str(phone)),
        "places": calls.places_for(orgs),
        "done": concern,
        "many_orgs": len(orgs) > 1,
    }


@require_POST
@console_view
def call_history(request: ConsoleRequest) -> HttpResponse:
    """The caller's earlier concerns this staff member may open (htmx fragment)."""
    calls.require_call_taker(request.viewer)
    history = calls.caller_history(request.viewer, request.POST.get("phone", "")[:32])
    return page(request, "console/partials/call_history.html", {"history": history})


@require_POST
@console_view
def call_triage(request: ConsoleRequest) -> HttpResponse:
    """What triage reads in the text so far, and for danger the safety questions and lines."""
    calls.require_call_taker(request.viewer)
    text = request.POST.get("text", "")[: calls.MAX_TEXT].strip()
    address = request.POST.get("address", "")[:200].strip()
    if not text:
        return page(request, "console/partials/call_triage.html", {"result": None})
    result = triage(text, address or None)
    kinds = [str(DangerKind(k).label) for k in result.kinds if k in DangerKind.values]
    danger = result.critical or result.needs_check
    return page(
        request,
        "console/partials/call_triage.html",
        {
            "result": result,
            "danger": danger,
            "urgency": Urgency(result.urgency).label if result.urgency in Urgency.values else "",
            "kinds": kinds,
            "questions": [_(q) for q in SAFETY_QUESTIONS] if danger else [],
            "lines": lines_for(list(result.kinds)) if danger else [],
            "route": result.route.as_dict() if result.route is not None else None,
        },
    )
