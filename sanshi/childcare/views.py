"""儿童之家 pages (phone-first): the day's list, sign-in and sign-out, enrolment, a child.

Thin: parse, load through access.py, call one action, render. A refused sign-out answers
with the day's list again, the refusal said in red, and its own status (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanshi.childcare import actions
from sanshi.childcare.access import (
    Reach,
    access_child,
    access_home_for_care,
    audit_child_read,
    homes_for,
    reach_of,
)
from sanshi.childcare.forms import EXTRA_COLLECTORS, CollectorForm, EnrollForm
from sanshi.childcare.models import Collector
from sanshi.childcare.selectors import day_rows, first_names_present, history
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core import clock
from sanshi.core.crypto import mask_phone
from sanshi.core.errors import NotFound, SanshiError
from sanshi.core.parsing import int_or_none
from sanshi.network.access import households_visible_to
from sanshi.places.models import Place


def _today() -> Any:
    return timezone.localdate(clock.now())


def _place_url(place_id: int) -> str:
    return reverse("childcare:place", args=[place_id])


@require_GET
@console_view
def home(request: ConsoleRequest) -> HttpResponse:
    homes = [{"place": p, "reach": r.value} for p, r in homes_for(request.user)]
    return page(request, "childcare/home.html", {"homes": homes})


def _day_page(
    request: ConsoleRequest, place: Place, reach: Reach, *, error: str = "", status: int = 200
) -> HttpResponse:
    today = _today()
    context: dict[str, Any] = {"place": place, "reach": reach.value, "today": today, "error": error}
    if reach == Reach.DAY_LIST:
        context["first_names"] = first_names_present(place, today)
    else:
        rows = day_rows(place, today)
        audit_child_read(request.user, [r.child.pk for r in rows], how="day_list")
        context["rows"] = rows
        context["hours"] = actions.hours_on(place, today)
    return page(request, "childcare/place.html", context, status=status)


@require_GET
@console_view
def place(request: ConsoleRequest, pk: int) -> HttpResponse:
    found, reach = reach_of(request.user, pk)
    return _day_page(request, found, reach)


def _households(request: ConsoleRequest, place: Place) -> list[tuple[int, str]]:
    rows = households_visible_to(request.user).filter(org__path__startswith=place.org.path)
    return [(h.pk, f"{h.keeper.name} · {h.address[:10]}") for h in rows.order_by("pk")]


def _extra_adults(data: dict[str, Any]) -> list[actions.Adult]:
    found = []
    for n in range(1, EXTRA_COLLECTORS + 1):
        name, relation, phone = (data.get(f"c{n}_{k}", "") for k in ("name", "relation", "phone"))
        if name or relation or phone:
            found.append(actions.Adult(name, relation, phone))
    return found


@require_http_methods(["GET", "POST"])
@console_view
def enroll(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_home_for_care(request.user, pk)
    form = EnrollForm(request.POST or None, households=_households(request, found))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = None
        if data["household"] is not None:
            household = households_visible_to(request.user).filter(pk=data["household"]).first()
        try:
            child, made = actions.enroll_child(
                found,
                actor=request.user,
                name=data["name"],
                first_name=data["first_name"],
                birth_year=data["birth_year"],
                guardian=actions.Adult(
                    data["guardian_name"], data["guardian_relation"], data["guardian_phone"]
                ),
                collectors=_extra_adults(data),
                consent=data["consent"],
                household=household,
            )
        except SanshiError as exc:
            form.add_error(None, exc.message)
        else:
            codes = [{"collector": c, "code": code} for c, code in made]
            return page(request, "childcare/codes.html", {"child": child, "codes": codes})
    status = 400 if request.method == "POST" else 200
    return page(request, "childcare/enroll.html", {"place": found, "form": form}, status=status)


@require_GET
@console_view
def child(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_child(request.user, pk)
    collectors = [
        {"c": c, "phone": mask_phone(c.phone)}
        for c in found.collectors.filter(active=True).order_by("pk")
    ]
    context = {
        "child": found,
        "guardian_phone": mask_phone(found.guardian_phone),
        "collectors": collectors,
        "history": history(found),
        "form": CollectorForm(),
    }
    return page(request, "childcare/child.html", context)


def _on_error(request: ConsoleRequest, place_id: int, exc: SanshiError) -> HttpResponse:
    found, reach = reach_of(request.user, place_id)
    return _day_page(request, found, reach, error=exc.message, status=exc.status)


@require_POST
@console_view
def child_sign_in(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_child(request.user, pk, how="sign_in")
    try:
        actions.sign_in(found, actor=request.user)
    except SanshiError as exc:
        return _on_error(request, found.place_id, exc)
    messages.success(request, _("%(name)s 已签到。") % {"name": found.first_name})
    return HttpResponseRedirect(_place_url(found.place_id), status=303)


def _collector_id(value: str) -> int | None:
    return int_or_none(value)


@require_POST
@console_view
def child_sign_out(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_child(request.user, pk, how="sign_out")
    try:
        actions.sign_out(
            found,
            actor=request.user,
            collector_id=_collector_id(request.POST.get("collector", "")),
            code=request.POST.get("code", ""),
        )
    except SanshiError as exc:
        return _on_error(request, found.place_id, exc)
    messages.success(request, _("%(name)s 已被接走。") % {"name": found.first_name})
    return HttpResponseRedirect(_place_url(found.place_id), status=303)


@require_POST
@console_view
def child_excuse(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_child(request.user, pk, how="excuse")
    try:
        actions.excuse_absence(found, actor=request.user, reason=request.POST.get("reason", ""))
    except SanshiError as exc:
        return _on_error(request, found.place_id, exc)
    messages.success(request, _("已记为请假。"))
    return HttpResponseRedirect(_place_url(found.place_id), status=303)


@require_POST
@console_view
def collector_add(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_child(request.user, pk, how="collector_add")
    form = CollectorForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            collector, code = actions.add_collector(
                found,
                actor=request.user,
                adult=actions.Adult(data["name"], data["relation"], data["phone"]),
            )
        except SanshiError as exc:
            form.add_error(None, exc.message)
        else:
            codes = [{"collector": collector, "code": code}]
            return page(request, "childcare/codes.html", {"child": found, "codes": codes})
    messages.error(
        request,
        " ".join(str(e) for e in form.errors.get("__all__", []))
        or _("请填写接送人的姓名、关系和电话。"),
    )
    return HttpResponseRedirect(reverse("childcare:child", args=[found.pk]), status=303)


@require_POST
@console_view
def collector_remove(request: ConsoleRequest, pk: int) -> HttpResponse:
    collector = Collector.objects.filter(pk=pk).select_related("child").first()
    if collector is None:
        raise NotFound("no such collector")
    found = access_child(request.user, collector.child_id, how="collector_remove")
    actions.remove_collector(collector, actor=request.user)
    messages.success(request, _("已移除这位接送人。"))
    return HttpResponseRedirect(reverse("childcare:child", args=[found.pk]), status=303)
