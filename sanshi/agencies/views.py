"""Staff pages: the projects one can see, and one project's report with its forms."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sanshi.agencies import actions
from sanshi.agencies.access import access_project, may_keep, projects_visible_to
from sanshi.agencies.selectors import project_report
from sanshi.concerns.access import concerns_visible_to
from sanshi.concerns.tracking import normalise_tracking_code
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import InvalidInput


class ActivityForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("活动"), max_length=100)
    held_on = forms.DateField(label=gettext_lazy("日期"),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    participants = forms.IntegerField(label=gettext_lazy("参与人次"), min_value=0)
    hours = forms.DecimalField(label=gettext_lazy("时长（小时）"), min_value=0, max_value=24,
                               decimal_places=1, max_digits=4)  # fmt: skip


class LinkForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("诉求查询码"), max_length=20)


@require_GET
@console_view
def projects(request: ConsoleRequest) -> HttpResponse:
    rows = projects_visible_to(request.user).order_by("-starts_on", "name")
    return page(request, "agencies/projects.html", {"projects": rows})


@require_GET
@console_view
def project(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_project(request.user, pk)
    return page(request, "agencies/project.html", {
        "project": found,
        "lines": project_report(found),
        "activities": found.activities.order_by("-held_on", "-pk")[:50],
        "may_keep": may_keep(request.user, found),
        "activity_form": ActivityForm(),
        "link_form": LinkForm(),
    })  # fmt: skip


def _back(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("agencies:project", args=[pk]))


@require_POST
@console_view
def project_activity(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_project(request.user, pk)
    form = ActivityForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("; ".join(f"{f}: {e[0]}" for f, e in form.errors.items()))
    actions.record_activity(found, actor=request.user, **form.cleaned_data)
    messages.success(request, _("活动已记录。"))
    return _back(pk)


@require_POST
@console_view
def project_link(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_project(request.user, pk)
    form = LinkForm(request.POST)
    code = normalise_tracking_code(form.data.get("code", "")) if form.is_valid() else None
    concern = concerns_visible_to(request.user).filter(tracking_code=code).first() if code else None
    if concern is None:
        raise InvalidInput(
            "no concern you can see has that tracking code", fields={"code": "invalid"}
        )
    actions.link_concern(found, concern.pk, actor=request.user)
    messages.success(request, _("诉求已计入本项目。"))
    return _back(pk)
