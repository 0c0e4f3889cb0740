"""Duties pages: a committee member's yearly report (述职, phone-friendly), the chair's
federation overview with evaluations, point rules and export, and trainings.
Thin: parse, load through an access helper, call one action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User as AuthUser
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanshi.audit.actions import audit_export
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import InvalidInput, NotAllowed, NotFound, SanshiError, show_on_form
from sanshi.core.parsing import int_or_none
from sanshi.duties import actions, exports
from sanshi.duties.access import (
    TRAINER_ROLES,
    access_federation,
    access_member,
    access_training,
    federations_read_by,
    may_evaluate,
    may_train,
    trainings_visible_to,
)
from sanshi.duties.forms import EvaluationForm, RuleForm, TrainingForm
from sanshi.duties.models import RULE_FIELDS
from sanshi.duties.selectors import (
    attendance_counts,
    evaluation_of,
    federation_report,
    figures_for,
    member_orgs,
    points,
    rule_for,
    today,
)
from sanshi.orgs.models import Org, Person
from sanshi.orgs.selectors import person_for_user


def _year(request: ConsoleRequest) -> int:
    raw = request.GET.get("year", "")
    this_year = today().year
    if not raw:
        return this_year
    if not 2000 <= (int_or_none(raw) or 0) <= this_year:
        raise InvalidInput("a year from 2000 to this year", fields={"year": "invalid"})
    return int(raw)


@require_GET
@console_view
def home(request: ConsoleRequest) -> HttpResponse:
    me = person_for_user(request.user)
    return page(
        request,
        "duties/home.html",
        {
            "year": _year(request),
            "me": me,
            "mine": member_orgs(me) if me else [],
            "federations": federations_read_by(request.user).order_by("path")[:200],
            "trains": bool(request.viewer.orgs_with(TRAINER_ROLES)),
        },
    )


@require_GET
@console_view
def federation(request: ConsoleRequest, org_id: int) -> HttpResponse:
    org = access_federation(request.user, org_id)
    year = _year(request)
    return page(
        request,
        "duties/federation.html",
        {
            "org": org,
            "year": year,
            "rows": federation_report(org, year),
            "rule": rule_for(org),
            "may_evaluate": may_evaluate(request.user, org),
        },
    )


@require_http_methods(["GET", "POST"])
@console_view
def rules(request: ConsoleRequest, org_id: int) -> HttpResponse:
    org = access_federation(request.user, org_id)
    if not may_evaluate(request.user, org):
        raise NotAllowed("only the federation's chair sets its point rules")
    current = rule_for(org)
    form = RuleForm(request.POST or None, initial={f: getattr(current, f) for f in RULE_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_point_rule(org, actor=request.user, values=form.cleaned_data)
        except SanshiError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("积分规则已保存。"))
            return HttpResponseRedirect(reverse("duties:federation", args=[org.pk]))
    status = 400 if request.method == "POST" else 200
    return page(request, "duties/rules.html", {"org": org, "form": form, "rule": current}, status)


def _report_context(request: ConsoleRequest, org: Org, person: Person, year: int) -> dict[str, Any]:
    figures = figures_for(person, org, year)
    total, lines = points(figures, rule_for(org))
    return {
        "org": org,
        "person": person,
        "year": year,
        "figures": figures,
        "total": total,
        "lines": lines,
        "evaluation": evaluation_of(org, person, year),
        "may_evaluate": may_evaluate(request.user, org),
        "years": list(range(today().year, today().year - 4, -1)),
    }


@require_GET
@console_view
def report(request: ConsoleRequest, org_id: int, person_id: int) -> HttpResponse:
    org = Org.objects.filter(pk=org_id).first()
    if org is None:
        raise NotFound("no such committee member")
    person = access_member(request.user, org, person_id)
    context = _report_context(request, org, person, _year(request))
    context["form"] = EvaluationForm()
    return page(request, "duties/report.html", context)


@require_POST
@console_view
def evaluate(request: ConsoleRequest, org_id: int, person_id: int) -> HttpResponse:
    org = access_federation(request.user, org_id)
    person = access_member(request.user, org, person_id)
    year = _year(request)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            actions.evaluate_member(
                org,
                person,
                actor=request.user,
                year=year,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
            )
        except SanshiError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("评议已保存。"))
            url = reverse("duties:report", args=[org.pk, person.pk])
            return HttpResponseRedirect(f"{url}?year={year}")
    context = _report_context(request, org, person, year)
    context["form"] = form
    return page(request, "duties/report.html", context, status=400)


@require_GET
@console_view
def export(request: ConsoleRequest, org_id: int) -> HttpResponse:
    org = access_federation(request.user, org_id)
    year = _year(request)
    body, rows = exports.federation_xlsx(org, year)
    if isinstance(request.user, AuthUser):
        audit_export(
            request.user, "duties_evaluation", rows=rows, filters={"org": org.pk, "year": year}
        )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="duties-{org.pk}-{year}.xlsx"'
    return response


# ---------------------------------------------------------------- trainings


def _training_orgs(request: ConsoleRequest) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in request.viewer.orgs_with(TRAINER_ROLES)]


@require_http_methods(["GET", "POST"])
@console_view
def trainings(request: ConsoleRequest) -> HttpResponse:
    form = TrainingForm(request.POST or None, orgs=_training_orgs(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = Org.objects.filter(pk=data.pop("org")).first()
        try:
            if org is None or not may_train(request.user, org):
                raise NotAllowed("only the federation's chairs and staff run its trainings")
            training = actions.create_training(org, actor=request.user, **data)
        except SanshiError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("培训已建立。"))
            return HttpResponseRedirect(reverse("duties:training", args=[training.pk]))
    rows = list(trainings_visible_to(request.user).order_by("-held_on", "-pk")[:100])
    counts = attendance_counts([t.pk for t in rows])
    return page(
        request,
        "duties/trainings.html",
        {
            "trainings": [(t, counts.get(t.pk, 0)) for t in rows],
            "form": form,
            "may_create": bool(_training_orgs(request)),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@console_view
def training(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_training(request.user, pk)
    present = set(found.attendance.values_list("person_id", flat=True))
    return page(
        request,
        "duties/training.html",
        {
            "training": found,
            "people": [(p, p.pk in present) for p in actions.eligible_attendees(found)],
            "present": len(present),
        },
    )


@require_POST
@console_view
def attendance(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_training(request.user, pk)
    ids = [n for v in request.POST.getlist("person") if (n := int_or_none(v)) is not None]
    people = list(Person.objects.filter(pk__in=ids))
    if len(people) != len(set(ids)):
        raise InvalidInput("no such person", fields={"people": "invalid"})
    added = actions.record_attendance(found, people, actor=request.user)
    messages.success(request, _("已记录 %(n)s 人出勤。") % {"n": added})
    return HttpResponseRedirect(reverse("duties:training", args=[found.pk]))
