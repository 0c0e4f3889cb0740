"""The dispatch board: undispatched concerns, critical first; suggestions; bulk; returns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanshi.concerns.access import access_concern
from sanshi.concerns.actions import dispatch_concern
from sanshi.concerns.models import Concern
from sanshi.console import presenters
from sanshi.console.selectors import danger_queue, dispatch_queue, last_returns, returned_queue
from sanshi.console.steps import dispatch_targets, org_choices, people_in
from sanshi.console.suggestions import suggested_handlers
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import InvalidInput, NotAllowed, NotFound, SanshiError
from sanshi.orgs.models import Org

BOARD_LIMIT = 30


def _rows(concerns: list[Concern], targets: dict[int, Org]) -> list[dict[str, Any]]:
    rows = []
    for c in concerns:
        suggested = presenters.suggested_org_id(c.triage)
        rows.append(
            {
                "concern": c,
                "route": presenters.route_steps(c.triage),
                "ambiguous": presenters.route_ambiguous(c.triage),
                "suggested": targets.get(suggested) if suggested is not None else None,
            }
        )
    return rows


def _require_dispatcher(request: ConsoleRequest) -> None:
    if not request.viewer.is_dispatcher:
        raise NotAllowed(_("派单台只对派单员和工作人员开放"))


@require_GET
@console_view
def board(request: ConsoleRequest) -> HttpResponse:
    viewer = request.viewer
    if not viewer.is_dispatcher and viewer.is_protection_officer:
        return _danger_board(request)
    _require_dispatcher(request)
    targets = {o.pk: o for o in dispatch_targets(viewer)}
    queue = dispatch_queue(viewer)
    waiting = list(queue[:BOARD_LIMIT])
    returned = list(returned_queue(viewer)[:BOARD_LIMIT])
    reasons = last_returns(returned)
    return page(
        request,
        "console/dispatch.html",
        {
            "rows": _rows(waiting, targets),
            "waiting_count": queue.count() if len(waiting) == BOARD_LIMIT else len(waiting),
            "returned": [
                {
                    "concern": c,
                    "event": reasons.get(c.pk),
                    "suggested": _rows([c], targets)[0]["suggested"],
                }
                for c in returned
            ],
            "org_choices": org_choices(list(targets.values())),
        },
    )


def _danger_board(request: ConsoleRequest) -> HttpResponse:
    """A protection officer's board: danger waiting for dispatch in her territory, to take
    (or check) herself; dispatching stays with the dispatchers."""
    queue = danger_queue(request.viewer)
    waiting = list(queue[:BOARD_LIMIT])
    return page(
        request,
        "console/dispatch.html",
        {
            "rows": _rows(waiting, {}),
            "waiting_count": queue.count() if len(waiting) == BOARD_LIMIT else len(waiting),
            "danger_only": True,
        },
    )


def _target(viewer_targets: list[Org], raw: str) -> Org:
    org = {str(o.pk): o for o in viewer_targets}.get(raw.strip())
    if org is None:
        raise InvalidInput(_("请选择要派往的组织"), fields={"org": raw})
    return org


def _handler(org: Org, raw: str) -> list[Any]:
    if not raw.strip():
        return []
    found = [p for p in people_in([org.pk]) if str(p.pk) == raw.strip()]
    if not found:
        raise InvalidInput(_("所选人员不在该组织"), fields={"handler": raw})
    return found


def _done(request: ConsoleRequest, concern: Concern, org: Org) -> HttpResponse:
    if request.htmx:
        return page(
            request, "console/partials/dispatched_row.html", {"concern": concern, "org": org}
        )
    messages.success(
        request, _("%(code)s 已派往 %(org)s") % {"code": concern.tracking_code, "org": org.name}
    )
    return HttpResponseRedirect(reverse("console:dispatch"), status=303)


@require_POST
@console_view
def accept(request: ConsoleRequest, pk: int) -> HttpResponse:
    """One click: dispatch to the org (and first handler) the triage engine suggested."""
    _require_dispatcher(request)
    concern = access_concern(request.user, pk)
    targets = {o.pk: o for o in dispatch_targets(request.viewer)}
    suggested = presenters.suggested_org_id(concern.triage)
    org = targets.get(suggested) if suggested is not None else None
    if org is None:
        raise InvalidInput(_("没有可采纳的派单建议，请手动选择组织"))
    handlers = [
        p for p in suggested_handlers(concern) if p.pk in {x.pk for x in people_in([org.pk])}
    ]
    dispatch_concern(concern, org, actor=request.user, handlers=handlers[:1])
    return _done(request, concern, org)


@require_POST
@console_view
def dispatch_one(request: ConsoleRequest, pk: int) -> HttpResponse:
    """Dispatch to an org (and optionally one handler in it) the dispatcher picked."""
    _require_dispatcher(request)
    concern = access_concern(request.user, pk)
    org = _target(dispatch_targets(request.viewer), request.POST.get("org", ""))
    handlers = _handler(org, request.POST.get("handler", ""))
    dispatch_concern(
        concern,
        org,
        actor=request.user,
        handlers=handlers,
        note=request.POST.get("note", "").strip(),
    )
    return _done(request, concern, org)


@require_POST
@console_view
def bulk(request: ConsoleRequest) -> HttpResponse:
    """Dispatch every ticked concern to one org; each succeeds or fails on its own."""
    _require_dispatcher(request)
    org = _target(dispatch_targets(request.viewer), request.POST.get("org", ""))
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    if not ids:
        raise InvalidInput(_("请至少勾选一件诉求"), fields={"ids": "required"})
    done: list[str] = []
    failed: list[str] = []
    for concern_id in ids:
        try:
            concern = access_concern(request.user, concern_id)
            dispatch_concern(concern, org, actor=request.user)
            done.append(concern.tracking_code)
        except NotFound:
            failed.append(f"#{concern_id}: " + _("不存在"))
        except SanshiError as exc:
            failed.append(f"#{concern_id}: {exc.message}")
    if done:
        messages.success(
            request, _("已派往 %(org)s：%(codes)s") % {"org": org.name, "codes": "、".join(done)}
        )
    for line in failed:
        messages.error(request, line)
    return HttpResponseRedirect(reverse("console:dispatch"), status=303)


@require_GET
@console_view
def handler_options(request: ConsoleRequest) -> HttpResponse:
    """The <option>s for the people of the org picked in a dispatch form (htmx)."""
    raw = request.GET.get("org", "")
    org = {str(o.pk): o for o in dispatch_targets(request.viewer)}.get(raw)
    people = people_in([org.pk]) if org is not None else []
    return page(request, "console/partials/handler_options.html", {"people": people})
