"""Staff pages: the projects one can see, and one project's report with its forms."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanshi.agencies import actions
from sanshi.agencies.access import AGENCY_ROLES, access_project, may_keep, projects_visible_to
from sanshi.agencies.selectors import agency_people, project_report
from sanshi.concerns.access import concerns_visible_to
from sanshi.concerns.tracking import normalise_tracking_code
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import InvalidInput, NotAllowed, SanshiError
from sanshi.orgs.models import Org

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActivityForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("活动"), max_length=100)
    held_on = forms.DateField(
        label=gettext_lazy("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    participants = forms.IntegerField(label=gettext_lazy("参与人次"), min_value=0)
    hours = forms.DecimalField(
        label=gettext_lazy("时长（小时）"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        max_digits=4,
    )


class ProjectForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("项目名称"), max_length=100)
    funder = forms.CharField(label=gettext_lazy("出资方"), max_length=100)
    serves = forms.TypedChoiceField(label=gettext_lazy("服务地区"), coerce=int)
    starts_on = forms.DateField(label=gettext_lazy("开始"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("结束"), widget=DATE)
    target_groups = forms.CharField(label=gettext_lazy("服务对象"), max_length=200, required=False)
    activities = forms.IntegerField(
        label=gettext_lazy("承诺活动（场）"), min_value=0, required=False
    )
    participants = forms.IntegerField(
        label=gettext_lazy("承诺服务人次"), min_value=0, required=False
    )
    concerns = forms.IntegerField(
        label=gettext_lazy("承诺办结诉求（件）"), min_value=0, required=False
    )
    hours = forms.IntegerField(
        label=gettext_lazy("承诺服务时长（小时）"), min_value=0, required=False
    )

    def __init__(self, *args: object, areas: list[tuple[int, str]], **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        field = self.fields["serves"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = areas


class LinkForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("诉求查询码"), max_length=20)


def _my_agency(request: ConsoleRequest) -> Org | None:
    """The agency where the viewer works (staff or social worker), if any."""
    found = [
        m.org
        for m in request.viewer.memberships
        if m.role in AGENCY_ROLES and m.org.kind == Org.Kind.SOCIAL_ORG
    ]
    return found[0] if found else None


def _areas(agency: Org) -> list[tuple[int, str]]:
    """Communities under the county the agency is attached to."""
    parent = agency.parent
    rows = Org.objects.filter(level=Org.Level.COMMUNITY)
    if parent is not None:
        rows = rows.filter(path__startswith=parent.path)
    return [(o.pk, o.name) for o in rows.order_by("name")]


@require_http_methods(["GET", "POST"])
@console_view
def projects(request: ConsoleRequest) -> HttpResponse:
    agency = _my_agency(request)
    form = ProjectForm(request.POST or None, areas=_areas(agency) if agency else [])
    if request.method == "POST":
        if agency is None:
            raise NotAllowed("only an agency's staff record its projects here")
        if form.is_valid():
            data = form.cleaned_data
            promises = {
                m: data[m]
                for m in ("activities", "participants", "concerns", "hours")
                if data[m] is not None
            }
            serves = Org.objects.get(pk=data["serves"])
            created = actions.create_project(
                agency,
                actor=request.user,
                serves=serves,
                name=data["name"],
                funder=data["funder"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                target_groups=data["target_groups"],
                promises=promises,
            )
            messages.success(request, _("项目已建立。"))
            return _back(created.pk)
    rows = projects_visible_to(request.user).order_by("-starts_on", "name")
    return page(
        request,
        "agencies/projects.html",
        {
            "projects": rows,
            "agency": agency,
            "people": agency_people(agency) if agency else [],
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@console_view
def project(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_project(request.user, pk)
    return page(
        request,
        "agencies/project.html",
        {
            "project": found,
            "lines": project_report(found),
            "activities": found.activities.order_by("-held_on", "-pk")[:50],
            "may_keep": may_keep(request.user, found),
            "activity_form": ActivityForm(),
            "link_form": LinkForm(),
        },
    )


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


PROMISE_FIELDS = ("activities", "participants", "concerns", "hours")


def _edit_form(data: object) -> ProjectForm:
    """The project form without the area (a project keeps the area it serves)."""
    form = ProjectForm(data or None, areas=[])
    del form.fields["serves"]
    return form


@require_http_methods(["GET", "POST"])
@console_view
def project_edit(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_project(request.user, pk)
    if not may_keep(request.user, found):
        raise NotAllowed("you may not change this project")
    form = _edit_form(request.POST)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        promises = {m: data[m] for m in PROMISE_FIELDS if data[m] is not None}
        try:
            actions.update_project(
                found,
                actor=request.user,
                name=data["name"],
                funder=data["funder"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                target_groups=data["target_groups"],
                promises=promises,
            )
        except SanshiError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("项目已修改。"))
            return _back(pk)
    if request.method == "GET":
        targets = dict(found.promises.values_list("metric", "target"))
        form = ProjectForm(
            initial={
                "name": found.name,
                "funder": found.funder,
                "starts_on": found.starts_on,
                "ends_on": found.ends_on,
                "target_groups": found.target_groups,
                **targets,
            },
            areas=[],
        )
        del form.fields["serves"]
    status = 400 if request.method == "POST" else 200
    return page(request, "agencies/project_edit.html", {"project": found, "form": form}, status)
