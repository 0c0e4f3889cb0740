"""Roster pages: the chair's roster (terms, joining, leaving), a member's directory consent,
and the public directory per community."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import SanshiError
from sanshi.core.parsing import int_or_none
from sanshi.network import rosters
from sanshi.network.models import Office, Seat, Term
from sanshi.orgs.actions import create_person
from sanshi.orgs.models import Org

SHOW_CHOICES = [
    ("show_name", gettext_lazy("姓名和职务")),
    ("show_sector", gettext_lazy("所在领域")),
    ("show_helps_with", gettext_lazy("可以帮什么")),
    ("show_card", gettext_lazy("亮牌二维码（居民可直接向我反映）")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TermForm(forms.Form):
    number = forms.IntegerField(label=gettext_lazy("第几届"), min_value=1, max_value=99)
    starts_on = forms.DateField(label=gettext_lazy("开始"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("结束"), widget=DATE)


class SeatForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=64)
    office = forms.ChoiceField(label=gettext_lazy("职务"), choices=Office.choices)
    joined_on = forms.DateField(label=gettext_lazy("加入日期"), widget=DATE)
    sector = forms.CharField(
        label=gettext_lazy("领域（新领域妇联）"), max_length=32, required=False
    )
    helps_with = forms.CharField(label=gettext_lazy("可以帮什么"), max_length=200, required=False)


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=gettext_lazy("离任日期"), widget=DATE)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=200)


class ConsentForm(forms.Form):
    show = forms.MultipleChoiceField(
        label=gettext_lazy("在社区公开名录中显示"),
        required=False,
        choices=SHOW_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )


def _org_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("org", "") or request.POST.get("org", "")
    return int_or_none(raw)


@require_GET
@console_view
def roster(request: ConsoleRequest) -> HttpResponse:
    org = rosters.roster_org(request.user, _org_param(request))
    terms = list(Term.objects.filter(org=org).order_by("-number"))
    seats = (
        Seat.objects.filter(term__org=org)
        .select_related("membership__person", "term")
        .order_by("-term__number", "left_on", "office", "joined_on")
    )
    return page(
        request,
        "network/roster.html",
        {
            "org": org,
            "terms": terms,
            "current": sorted((s for s in seats if s.left_on is None), key=rosters.rank),
            "past": [s for s in seats if s.left_on is not None],
            "term_form": TermForm(),
            "seat_form": SeatForm(),
            "leave_form": LeaveForm(auto_id=False),
        },
    )


def _back(org: Org) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("network:roster") + f"?org={org.pk}")


def _say(request: HttpRequest, form: forms.Form) -> None:
    messages.error(
        request,
        "; ".join(
            f"{form.fields[f].label if f in form.fields else ''} {e}"
            for f, errs in form.errors.items()
            for e in errs
        ),
    )


@require_POST
@console_view
def roster_term(request: ConsoleRequest) -> HttpResponse:
    org = rosters.roster_org(request.user, _org_param(request))
    form = TermForm(request.POST)
    if not form.is_valid():
        _say(request, form)
        return _back(org)
    rosters.open_term(org, actor=request.user, **form.cleaned_data)
    messages.success(request, _("已记录新一届。"))
    return _back(org)


@require_POST
@console_view
def roster_seat(request: ConsoleRequest, term_id: int) -> HttpResponse:
    org = rosters.roster_org(request.user, _org_param(request))
    term = Term.objects.filter(pk=term_id, org=org).first()
    if term is None:
        raise Http404
    form = SeatForm(request.POST)
    if not form.is_valid():
        _say(request, form)
        return _back(org)
    data = form.cleaned_data
    try:
        person = create_person(name=data["name"], gender="female", actor=request.user)
        rosters.seat_member(
            term,
            person,
            actor=request.user,
            office=data["office"],
            joined_on=data["joined_on"],
            sector=data["sector"],
            helps_with=data["helps_with"],
        )
    except SanshiError as exc:
        messages.error(request, exc.message)
        return _back(org)
    messages.success(request, _("已加入。"))
    return _back(org)


@require_POST
@console_view
def roster_leave(request: ConsoleRequest, seat_id: int) -> HttpResponse:
    org = rosters.roster_org(request.user, _org_param(request))
    seat = (
        Seat.objects.filter(pk=seat_id, term__org=org).select_related("term", "membership").first()
    )
    if seat is None:
        raise Http404
    form = LeaveForm(request.POST)
    if not form.is_valid():
        _say(request, form)
        return _back(org)
    rosters.leave_seat(seat, actor=request.user, **form.cleaned_data)
    messages.success(request, _("已记录离任。"))
    return _back(org)


@require_http_methods(["GET", "POST"])
@console_view
def directory_consent(request: ConsoleRequest) -> HttpResponse:
    """A member chooses what the public directory shows of her."""
    seat = rosters.own_seat(request.user)
    if seat is None:
        return page(request, "network/consent.html", {"seat": None, "form": None})
    current = [f for f in rosters.DIRECTORY_FIELDS if getattr(seat, f)]
    form = ConsentForm(request.POST or None, initial={"show": current})
    if request.method == "POST" and form.is_valid():
        rosters.set_directory_consent(seat, actor=request.user, show=set(form.cleaned_data["show"]))
        messages.success(request, _("已保存公开设置。"))
        return HttpResponseRedirect(reverse("network:consent"))
    return page(
        request,
        "network/consent.html",
        {"seat": seat, "form": form, "directory_org": seat.term.org},
    )


@require_GET
def public_directory(request: HttpRequest, org_id: int) -> HttpResponse:
    """亮执委身份: who the community's committee members are, as each agreed to show."""
    org = Org.objects.filter(pk=org_id, level=Org.Level.COMMUNITY).first()
    if org is None:
        raise Http404
    return render(request, "network/directory.html", {"org": org, "rows": rosters.directory(org)})
