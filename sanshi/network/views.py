"""The committee member's phone pages: her households, overdue visits, logging a visit,
and turning a visit into a concern. Thin: parse, load through an access helper, one action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanshi.concerns.access import concerns_visible_to
from sanshi.concerns.tracking import format_tracking_code
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import SanshiError, show_on_form
from sanshi.core.parsing import int_or_none
from sanshi.network import actions
from sanshi.network.access import access_household, access_visit, own_households
from sanshi.network.forms import (
    CloseForm,
    HouseholdForm,
    RaiseForm,
    VisitForm,
    parse_people,
    people_text,
)
from sanshi.network.rosters import ROSTER_KEEPERS
from sanshi.network.selectors import (
    days_overdue,
    flag_labels,
    my_households,
    overdue_for,
    today,
    visits_of,
)


def _rows(households: list[Any]) -> list[dict[str, Any]]:
    """What a list shows of each household (sealed values opened once, here)."""
    return [
        {
            "h": h,
            "address": h.address,
            "flags": flag_labels(h.flags),
            "late": days_overdue(h),
        }
        for h in households
    ]


@require_GET
@console_view
def home(request: ConsoleRequest) -> HttpResponse:
    overdue = overdue_for(request.user)
    return page(
        request,
        "network/home.html",
        {
            "mine_overdue": _rows(overdue.mine),
            "org_overdue": _rows(overdue.org),
            "households": _rows(my_households(request.user)),
            "keeps_roster": any(m.role in ROSTER_KEEPERS for m in request.viewer.memberships),
        },
    )


@require_http_methods(["GET", "POST"])
@console_view
def household_new(request: ConsoleRequest) -> HttpResponse:
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = actions.add_household(
                actor=request.user,
                address=data["address"],
                people=parse_people(data["people"]),
                consent=data["consent"],
                flags=data["flags"],
            )
        except SanshiError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("已添加联系户。"))
            return HttpResponseRedirect(reverse("network:household", args=[household.pk]))
    status = 400 if request.method == "POST" else 200
    return page(request, "network/household_form.html", {"form": form, "household": None}, status)


@require_GET
@console_view
def household(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_household(request.user, pk)
    return page(
        request,
        "network/household.html",
        {
            "household": found,
            "address": found.address,
            "people": found.people,
            "flags": flag_labels(found.flags),
            "late": days_overdue(found),
            "visits": visits_of(found),
            "close_form": CloseForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@console_view
def household_edit(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_household(request.user, pk, how="edit")
    initial = {
        "address": found.address,
        "people": people_text(found.people),
        "consent": bool(found.people),
        "flags": found.flags,
    }
    form = HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_household(
                found,
                actor=request.user,
                address=data["address"],
                people=parse_people(data["people"]),
                consent=data["consent"],
                flags=data["flags"],
            )
        except SanshiError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return HttpResponseRedirect(reverse("network:household", args=[found.pk]))
    status = 400 if request.method == "POST" else 200
    return page(request, "network/household_form.html", {"form": form, "household": found}, status)


@require_POST
@console_view
def household_close(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_household(request.user, pk, how="close")
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明原因。"))
        return HttpResponseRedirect(reverse("network:household", args=[found.pk]))
    actions.close_household(found, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("已不再联系这一户。"))
    return HttpResponseRedirect(reverse("network:home"))


@require_http_methods(["GET", "POST"])
@console_view
def visit_new(request: ConsoleRequest) -> HttpResponse:
    """Log a visit: pick the household, say what was found; today is the default date."""
    choices = [(h.pk, h.address) for h in own_households(request.user).order_by("next_visit_due")]
    preset = request.GET.get("household", "")
    initial = {"visited_on": today(), "household": int_or_none(preset)}
    form = VisitForm(request.POST or None, initial=initial, households=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = access_household(request.user, data["household"], how="visit")
            visit = actions.log_visit(
                target,
                actor=request.user,
                visited_on=data["visited_on"],
                found=data["found"],
                follow_up=data["follow_up"],
            )
        except SanshiError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("走访已记录。"))
            return HttpResponseRedirect(reverse("network:visit", args=[visit.pk]))
    status = 400 if request.method == "POST" else 200
    return page(request, "network/visit_form.html", {"form": form, "empty": not choices}, status)


@require_GET
@console_view
def visit(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_visit(request.user, pk)
    text = found.found + (f"\n{found.follow_up}" if found.follow_up else "")
    return page(
        request,
        "network/visit.html",
        {
            "visit": found,
            "address": found.household.address,
            "raise_form": RaiseForm(initial={"text": text}),
            "concern_visible": _sees_concern(request, found),
        },
    )


def _sees_concern(request: ConsoleRequest, found: Any) -> bool:
    """Link to the concern in the console only where she may open it there."""
    if found.concern_id is None:
        return False
    return concerns_visible_to(request.user).filter(pk=found.concern_id).exists()


@require_POST
@console_view
def visit_raise(request: ConsoleRequest, pk: int) -> HttpResponse:
    """The visit becomes a concern in one step (the household's address and people go with it)."""
    found = access_visit(request.user, pk)
    form = RaiseForm(request.POST)
    if form.is_valid():
        try:
            concern = actions.raise_concern_from_visit(
                found,
                actor=request.user,
                text=form.cleaned_data["text"],
                consent=form.cleaned_data["consent"],
            )
        except SanshiError as exc:
            show_on_form(form, exc)
        else:
            messages.success(
                request,
                _("已转为诉求，查询码 %(code)s。")
                % {"code": format_tracking_code(concern.tracking_code)},
            )
            return HttpResponseRedirect(reverse("network:visit", args=[found.pk]))
    return page(
        request,
        "network/visit.html",
        {"visit": found, "address": found.household.address, "raise_form": form},
        status=400,
    )
