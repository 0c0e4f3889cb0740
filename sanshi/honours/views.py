"""Honours pages. Public (phone-first): the honour roll, typical cases, a studio's page.
Staff: nominations from nomination to award, cases from draft to publication."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanshi.concerns.access import concerns_visible_to
from sanshi.concerns.tracking import normalise_tracking_code
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import Conflict, InvalidInput, NotFound, SanshiError
from sanshi.honours import actions
from sanshi.honours.access import (
    HONOURS_ROLES,
    access_case,
    access_nomination,
    access_studio_place,
    cases_visible_to,
    nominations_visible_to,
    studio_places_kept_by,
)
from sanshi.honours.forms import CaseForm, NominationForm, StudioForm, TeamMemberForm, WorkForm
from sanshi.honours.models import Nomination, Studio, StudioMember, StudioWork, WorkKind
from sanshi.honours.selectors import honour_roll, public_studios, published_cases
from sanshi.orgs.models import Org
from sanshi.orgs.selectors import roles_of_user

# ---------------------------------------------------------------- public


@require_GET
def roll(request: HttpRequest) -> HttpResponse:
    rows = list(honour_roll()[:500])
    cases = list(published_cases()[:20])
    return render(
        request,
        "honours/roll.html",
        {"rows": rows, "cases": cases, "studios": list(public_studios())},
    )


@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    found = published_cases().filter(pk=pk).first()
    if found is None:
        raise Http404("no such case")
    return render(request, "honours/case.html", {"case": found})


@require_GET
def studio(request: HttpRequest, place_id: int) -> HttpResponse:
    found = public_studios().filter(place__pk=place_id).first()
    if found is None:
        raise Http404("no such studio")
    works = list(found.works.order_by("-held_on", "-pk"))
    context = {
        "studio": found,
        "team": list(found.team.order_by("pk")),
        "projects": [w for w in works if w.kind == WorkKind.PROJECT],
        "activities": [w for w in works if w.kind == WorkKind.ACTIVITY][:30],
    }
    return render(request, "honours/studio.html", context)


# ---------------------------------------------------------------- staff


def _orgs(request: ConsoleRequest) -> list[tuple[int, str]]:
    return sorted(
        {(m.org.pk, m.org.name) for m in roles_of_user(request.user) if m.role in HONOURS_ROLES}
    )


def _staff_page(request: ConsoleRequest, form: NominationForm, status: int = 200) -> HttpResponse:
    nominations = list(nominations_visible_to(request.user).order_by("-year", "-pk")[:200])
    cases = list(cases_visible_to(request.user).order_by("-written_at")[:100])
    if not _orgs(request) and not nominations:
        raise Http404("no honours here")
    context = {
        "nominations": nominations,
        "cases": cases,
        "form": form,
        "case_form": CaseForm(),
        "studios": list(studio_places_kept_by(request.user).order_by("name")[:50]),
    }
    return page(request, "honours/staff.html", context, status=status)


@require_http_methods(["GET", "POST"])
@console_view
def staff(request: ConsoleRequest) -> HttpResponse:
    form = NominationForm(request.POST or None, orgs=_orgs(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.nominate(
                Org.objects.get(pk=data["org"]),
                actor=request.user,
                kind=data["kind"],
                level=data["level"],
                year=data["year"],
                nominee=data["nominee"],
                unit=data["unit"],
                deeds=data["deeds"],
            )
        except SanshiError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已推荐。"))
            return HttpResponseRedirect(reverse("honours:staff"), status=303)
    return _staff_page(request, form, status=400 if request.method == "POST" else 200)


STEPS: dict[str, Callable[..., Nomination]] = {
    "review": actions.start_review,
    "award": actions.award,
    "decline": actions.decline,
}


@require_POST
@console_view
def nomination_step(request: ConsoleRequest, pk: int, step: str) -> HttpResponse:
    found = access_nomination(request.user, pk)
    if step in STEPS:
        STEPS[step](found, actor=request.user)
    elif step in ("consent", "withdraw"):
        actions.record_roll_consent(found, actor=request.user, consent=step == "consent")
    else:
        raise Http404("no such step")
    messages.success(request, _("已保存。"))
    return HttpResponseRedirect(reverse("honours:staff"), status=303)


@require_POST
@console_view
def case_new(request: ConsoleRequest) -> HttpResponse:
    form = CaseForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(_("请填写诉求编号、标题和正文"))
    data = form.cleaned_data
    code = normalise_tracking_code(data["tracking"])
    concern = concerns_visible_to(request.user).filter(tracking_code=code).first() if code else None
    if concern is None:
        raise NotFound("no such concern")
    actions.write_case(
        concern,
        actor=request.user,
        title=data["title"],
        body=data["body"],
        reporter_consented=data["consent"],
    )
    messages.success(request, _("案例草稿已保存，请另一位同事审核发布。"))
    return HttpResponseRedirect(reverse("honours:staff"), status=303)


@require_POST
@console_view
def case_step(request: ConsoleRequest, pk: int, step: str) -> HttpResponse:
    found = access_case(request.user, pk)
    if step == "approve":
        actions.approve_case(found, actor=request.user)
    elif step == "withdraw":
        actions.withdraw_case(found, actor=request.user)
    else:
        raise Http404("no such step")
    messages.success(request, _("已保存。"))
    return HttpResponseRedirect(reverse("honours:staff"), status=303)


# ---------------------------------------------------------------- studios (staff)


def _to_studio(place_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("honours:staff_studio", args=[place_id]), status=303)


def _refused(request: ConsoleRequest, form: Any, place_id: int) -> HttpResponseRedirect:
    text = "; ".join(
        f"{form.fields[f].label if f in form.fields else ''} {e}"
        for f, errors in form.errors.items()
        for e in errors
    )
    messages.error(request, text)
    return _to_studio(place_id)


def _studio_of(place_id: int) -> Studio | None:
    return Studio.objects.filter(place_id=place_id).select_related("place").first()


@require_http_methods(["GET", "POST"])
@console_view
def staff_studio(request: ConsoleRequest, place_id: int) -> HttpResponse:
    """A studio's page from the staff side: leader and introduction (set up the first time),
    team, projects and activities."""
    place = access_studio_place(request.user, place_id)
    studio = _studio_of(place.pk)
    if request.method == "POST":
        form = StudioForm(request.POST)
        if not form.is_valid():
            return _refused(request, form, place.pk)
        try:
            if studio is None:
                actions.set_up_studio(place, actor=request.user, **form.cleaned_data)
            else:
                actions.update_studio(studio, actor=request.user, **form.cleaned_data)
        except (InvalidInput, Conflict) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
        return _to_studio(place.pk)
    initial = {}
    if studio is not None:
        initial = {
            "leader_name": studio.leader_name,
            "leader_title": studio.leader_title,
            "intro": studio.intro,
            "opened_on": studio.opened_on,
        }
    works = list(studio.works.order_by("-held_on", "-pk")) if studio else []
    context = {
        "place": place,
        "studio": studio,
        "form": StudioForm(initial=initial),
        "team": list(studio.team.order_by("pk")) if studio else [],
        "projects": [w for w in works if w.kind == WorkKind.PROJECT],
        "activities": [w for w in works if w.kind == WorkKind.ACTIVITY],
        "member_form": TeamMemberForm(),
        "work_form": WorkForm(),
    }
    return page(request, "honours/staff_studio.html", context)


def _kept_studio(request: ConsoleRequest, place_id: int) -> Studio:
    place = access_studio_place(request.user, place_id)
    studio = _studio_of(place.pk)
    if studio is None:
        raise NotFound("no studio page yet")
    return studio


@require_POST
@console_view
def staff_studio_member(request: ConsoleRequest, place_id: int) -> HttpResponse:
    studio = _kept_studio(request, place_id)
    form = TeamMemberForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, place_id)
    actions.add_team_member(studio, actor=request.user, **form.cleaned_data)
    messages.success(request, _("已加入团队。"))
    return _to_studio(place_id)


@require_POST
@console_view
def staff_studio_member_remove(request: ConsoleRequest, place_id: int, pk: int) -> HttpResponse:
    studio = _kept_studio(request, place_id)
    member = StudioMember.objects.filter(studio=studio, pk=pk).select_related("studio").first()
    if member is None:
        raise NotFound("no such member")
    actions.remove_team_member(member, actor=request.user)
    messages.success(request, _("已从团队中移除。"))
    return _to_studio(place_id)


@require_POST
@console_view
def staff_studio_work(request: ConsoleRequest, place_id: int) -> HttpResponse:
    studio = _kept_studio(request, place_id)
    form = WorkForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, place_id)
    try:
        actions.add_work(studio, actor=request.user, **form.cleaned_data)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已添加。"))
    return _to_studio(place_id)


@require_POST
@console_view
def staff_studio_work_remove(request: ConsoleRequest, place_id: int, pk: int) -> HttpResponse:
    studio = _kept_studio(request, place_id)
    work = StudioWork.objects.filter(studio=studio, pk=pk).select_related("studio").first()
    if work is None:
        raise NotFound("no such work")
    actions.remove_work(work, actor=request.user)
    messages.success(request, _("已移除。"))
    return _to_studio(place_id)
