"""Enterprise pages. Public (phone-first): the request form and the entrepreneurs'
directory. Staff: coverage figures, a district's listed enterprises and directory entries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import InvalidInput, NotFound, SanshiError, show_on_form
from sanshi.enterprises import actions
from sanshi.enterprises.access import (
    access_district,
    access_entrepreneur,
    access_listed,
    districts_visible_to,
)
from sanshi.enterprises.forms import (
    NO_FEDERATION,
    EntrepreneurForm,
    LinkForm,
    ListedForm,
    RequestForm,
)
from sanshi.enterprises.models import Entrepreneur, ListedEnterprise
from sanshi.enterprises.selectors import coverage, public_directory, recent_requests
from sanshi.intake import ratelimit
from sanshi.intake.views import SESSION_DONE
from sanshi.orgs.models import Org

REQUEST_RATE = 10  # requests per address per hour


# What the public form says when an action refuses a field (its own messages are English).
PUBLIC_MESSAGES = {
    "consent": gettext_lazy("请勾选同意后再提交。"),
    "phone": gettext_lazy("请填写 7 到 15 位数字的电话号码。"),
    "kind": gettext_lazy("请选择需要什么帮助。"),
    "federation": gettext_lazy("请从列表中选择企业所属妇联。"),
    "enterprise": gettext_lazy("请填写企业名称（不超过 100 字）。"),
    "contact_name": gettext_lazy("请填写联系人（不超过 32 字）。"),
    "text": gettext_lazy("请写明具体情况（不超过 2000 字）。"),
}


def _federations() -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in actions.enterprise_federations()]


# ---------------------------------------------------------------- public pages


@never_cache
@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    """An enterprise asks its federation (or the city's) for help."""
    form = RequestForm(request.POST or None, federations=_federations())
    if request.method == "POST":
        hit = ratelimit.hit(
            "enterprise-request", ratelimit.client_ip(request), limit=REQUEST_RATE, window=3600
        )
        if hit is not None:
            response = render(
                request, "intake/too_many.html", {"retry_after": hit.retry_after}, status=429
            )
            response["Retry-After"] = str(hit.retry_after)
            return response
        if form.is_valid():
            data = form.cleaned_data
            chosen = data["federation"] or NO_FEDERATION
            federation = None if chosen == NO_FEDERATION else Org.objects.filter(pk=chosen).first()
            try:
                if chosen != NO_FEDERATION and federation is None:
                    raise InvalidInput(
                        "choose your enterprise's federation", fields={"federation": "invalid"}
                    )
                concern = actions.submit_request(
                    actions.RequestForm(
                        kind=data["kind"],
                        enterprise=data["enterprise"],
                        contact_name=data["contact_name"],
                        phone=data["phone"],
                        text=data["text"],
                        federation=federation,
                        consent=data["consent"],
                    )
                )
            except SanshiError as exc:
                show_on_form(form, exc, PUBLIC_MESSAGES)
            else:
                request.session[SESSION_DONE] = {"code": concern.tracking_code, "critical": False}
                return HttpResponseRedirect(reverse("intake-done"))
    status = 400 if request.method == "POST" else 200
    return render(request, "enterprises/request.html", {"form": form}, status=status)


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """The opt-in directory of women entrepreneurs."""
    return render(request, "enterprises/directory.html", {"rows": public_directory()})


# ---------------------------------------------------------------- staff pages


@require_GET
@console_view
def staff_home(request: ConsoleRequest) -> HttpResponse:
    districts = districts_visible_to(request.user)
    return page(
        request,
        "enterprises/staff_home.html",
        {
            "coverage": coverage(districts),
            "requests": recent_requests(request.user),
        },
    )


def _district_context(district: Org, **forms: Any) -> dict[str, Any]:
    return {
        "district": district,
        "listed": ListedEnterprise.objects.filter(district=district)
        .select_related("federation")
        .order_by("name"),
        "entrepreneurs": Entrepreneur.objects.filter(district=district, listed=True).order_by(
            "name", "pk"
        ),
        "listed_form": forms.get("listed_form") or ListedForm(),
        "link_form": LinkForm(federations=_federations()),
        "entrepreneur_form": forms.get("entrepreneur_form") or EntrepreneurForm(),
    }


@require_GET
@console_view
def district(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_district(request.user, pk)
    return page(request, "enterprises/district.html", _district_context(found))


def _back(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("enterprises:district", args=[pk]))


@require_POST
@console_view
def district_list(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_district(request.user, pk)
    form = ListedForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            actions.list_enterprise(found, actor=request.user, **form.cleaned_data)
        except SanshiError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            messages.success(request, _("企业已列入名单。"))
            return _back(pk)
    context = _district_context(found, listed_form=form)
    return page(request, "enterprises/district.html", context, status=status)


@require_POST
@console_view
def listed_link(request: ConsoleRequest, pk: int) -> HttpResponse:
    listed = access_listed(request.user, pk)
    form = LinkForm(request.POST, federations=_federations())
    if not form.is_valid():
        raise InvalidInput("choose the enterprise's federation", fields={"federation": "invalid"})
    federation = Org.objects.filter(pk=form.cleaned_data["federation"]).first()
    if federation is None:
        raise NotFound("no such federation")
    actions.link_federation(listed, federation, actor=request.user)
    messages.success(request, _("已记录企业妇联。"))
    return _back(listed.district_id)


@require_POST
@console_view
def district_entrepreneur(request: ConsoleRequest, pk: int) -> HttpResponse:
    found = access_district(request.user, pk)
    form = EntrepreneurForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        consent = data.pop("consent")
        try:
            actions.add_entrepreneur(
                found, actions.EntrepreneurEntry(**data), actor=request.user, consent=consent
            )
        except SanshiError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("已列入女企业家名录。"))
            return _back(pk)
    context = _district_context(found, entrepreneur_form=form)
    return page(request, "enterprises/district.html", context, status=400)


@require_POST
@console_view
def entrepreneur_withdraw(request: ConsoleRequest, pk: int) -> HttpResponse:
    person = access_entrepreneur(request.user, pk)
    actions.withdraw_entrepreneur(person, actor=request.user)
    messages.success(request, _("已从名录中移除。"))
    return _back(person.district_id)
