"""Volunteers' pages. Public (phone-first): register, find my record and certificates,
verify a certificate. Staff: review, teams, service records, certificates, totals, export."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User as AuthUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanshi.audit.actions import audit_export
from sanshi.concerns.access import concerns_visible_to
from sanshi.concerns.models import Concern
from sanshi.concerns.tracking import normalise_tracking_code
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core import clock
from sanshi.core.crypto import mask_phone, phone_index
from sanshi.core.errors import InvalidInput, NotAllowed, SanshiError
from sanshi.core.parsing import int_or_none
from sanshi.intake import ratelimit
from sanshi.orgs.models import Org
from sanshi.volunteers import actions, exports
from sanshi.volunteers.access import (
    access_service_record,
    access_volunteer,
    staff_paths,
    volunteers_visible_to,
)
from sanshi.volunteers.certificate import FontMissing, certificate_pdf
from sanshi.volunteers.forms import (
    AVAILABILITY,
    SKILLS,
    AssignForm,
    CorrectForm,
    JoinForm,
    LookupForm,
    ReviewForm,
    ServiceForm,
    TeamForm,
    VerifyForm,
)
from sanshi.volunteers.idcard import mask_id_number
from sanshi.volunteers.models import Certificate, Team, Volunteer
from sanshi.volunteers.selectors import (
    certificate_by_number,
    certificate_by_token,
    confirmed_hours,
    next_star,
    own_lookup,
    pending_review,
    records_of,
    star_level,
    totals,
    verify,
    year_sum,
)

SESSION_ME = "volunteer_me"
JOIN_RATE = 10  # registrations per address per hour
LOOKUP_RATE = 10  # look-ups per address per hour
SKILL_LABELS = dict(SKILLS)
AVAILABILITY_LABELS = dict(AVAILABILITY)


def _fail(form: Any, exc: SanshiError) -> None:
    for field in exc.fields:
        if field in form.fields:
            form.add_error(field, exc.message)
            return
    form.add_error(None, exc.message)


def _verify_url(request: HttpRequest, certificate: Certificate) -> str:
    path = reverse("volunteers:verify_token", args=[certificate.token])
    base = getattr(settings, "SANSHI_BASE_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def _pdf(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    try:
        body = certificate_pdf(certificate, _verify_url(request, certificate))
    except FontMissing as exc:
        return HttpResponse(
            exc.message, status=exc.status, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return response


def _limited(request: HttpRequest, scope: str, limit: int) -> HttpResponse | None:
    hit = ratelimit.hit(scope, ratelimit.client_ip(request), limit=limit, window=3600)
    if hit is None:
        return None
    response = render(request, "intake/too_many.html", {"retry_after": hit.retry_after}, status=429)
    response["Retry-After"] = str(hit.retry_after)
    return response


# ---------------------------------------------------------------- public pages


def _communities() -> list[tuple[int, str]]:
    rows = Org.objects.filter(level=Org.Level.COMMUNITY).order_by("name")
    return [(o.pk, o.name.removesuffix("妇联")) for o in rows]


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Register as a 巾帼志愿者 with one's community federation."""
    form = JoinForm(request.POST or None, communities=_communities())
    if request.method == "POST":
        limited = _limited(request, "volunteer-join", JOIN_RATE)
        if limited is not None:
            return limited
        if form.is_valid():
            data = form.cleaned_data
            try:
                org = Org.objects.filter(pk=data["community"]).first()
                if org is None:
                    raise InvalidInput("choose your community", fields={"community": "required"})
                actions.register_volunteer(
                    org=org,
                    name=data["name"],
                    phone=data["phone"],
                    id_number=data["id_number"],
                    consent=data["consent"],
                    skills=",".join(data["skills"]),
                    availability=data["availability"],
                )
            except SanshiError as exc:
                _fail(form, exc)
            else:
                return HttpResponseRedirect(reverse("volunteers:joined"))
    status = 400 if request.method == "POST" else 200
    return render(request, "volunteers/join.html", {"form": form}, status=status)


@require_GET
def joined(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/joined.html")


@never_cache
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """A volunteer finds her own record with her phone and ID number (both must match)."""
    form = LookupForm(request.POST or None)
    if request.method == "POST":
        limited = _limited(request, "volunteer-lookup", LOOKUP_RATE)
        if limited is not None:
            return limited
        if form.is_valid():
            found = own_lookup(
                phone_index(form.cleaned_data["phone"]),
                actions.id_index(form.cleaned_data["id_number"]),
            )
            if found is not None:
                request.session.cycle_key()
                request.session[SESSION_ME] = found.pk
                return HttpResponseRedirect(reverse("volunteers:me"))
            form.add_error(None, _("没有找到与手机号和身份证号都相符的登记。"))
    volunteer = _me(request)
    if volunteer is None:
        status = 400 if request.method == "POST" else 200
        return render(request, "volunteers/lookup.html", {"form": form}, status=status)
    hours = confirmed_hours(volunteer)
    return render(
        request,
        "volunteers/me.html",
        {
            "v": volunteer,
            "hours": hours,
            "stars": range(star_level(hours)),
            "next_star": next_star(hours),
            "records": records_of(volunteer)[:50],
            "certificates": volunteer.certificates.filter(revoked=False).order_by("-issued_at"),
        },
    )


@require_POST
def forget_me(request: HttpRequest) -> HttpResponse:
    """Leave the record on a shared phone: the session forgets her."""
    request.session.pop(SESSION_ME, None)
    return HttpResponseRedirect(reverse("volunteers:me"))


def _me(request: HttpRequest) -> Volunteer | None:
    pk = request.session.get(SESSION_ME)
    return Volunteer.objects.filter(pk=pk).select_related("org", "team").first() if pk else None


@never_cache
@require_GET
def my_certificate(request: HttpRequest, number: str) -> HttpResponse:
    volunteer = _me(request)
    certificate = certificate_by_number(number)
    if volunteer is None or certificate is None or certificate.volunteer_id != volunteer.pk:
        raise Http404
    return _pdf(request, certificate)


@require_http_methods(["GET", "POST"])
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """Anyone checks a certificate by its number."""
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limited = _limited(request, "certificate-verify", 60)
        if limited is not None:
            return limited
        certificate = certificate_by_number(form.cleaned_data["number"])
        if certificate is not None:
            return HttpResponseRedirect(
                reverse("volunteers:verify_token", args=[certificate.token])
            )
        form.add_error("number", _("没有这个编号的证书。"))
    status = 404 if request.method == "POST" else 200
    return render(request, "volunteers/verify_lookup.html", {"form": form}, status=status)


@require_GET
def verify_token(request: HttpRequest, token: str) -> HttpResponse:
    """The page the QR code opens: the certificate as issued, checked against the record."""
    certificate = certificate_by_token(token)
    if certificate is None:
        return render(
            request,
            "volunteers/verify_lookup.html",
            {"form": VerifyForm(), "missing": True},
            status=404,
        )
    verdict = verify(certificate)
    return render(
        request,
        "volunteers/verify.html",
        {
            "c": certificate,
            "verdict": verdict,
            "name": certificate.volunteer.name[:1] + "*" * (len(certificate.volunteer.name) - 1),
            "issued": timezone.localdate(certificate.issued_at),
        },
    )


# ---------------------------------------------------------------- staff pages


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    this = timezone.localdate(clock.now()).year
    year = int_or_none(raw)
    return year if year is not None and 2000 <= year <= this else this


@require_GET
@console_view
def staff_home(request: ConsoleRequest) -> HttpResponse:
    visible = volunteers_visible_to(request.user)
    year = _year(request)
    return page(
        request,
        "volunteers/staff_home.html",
        {
            "year": year,
            "pending": [(v, mask_phone(v.phone)) for v in pending_review(visible)[:50]],
            "people": totals(visible, year=year, by="person")[:20],
            "teams": totals(visible, year=year, by="team"),
            "orgs": totals(visible, year=year, by="org"),
            "year_hours": year_sum(visible, year),
            "count": visible.filter(status=Volunteer.Status.APPROVED).count(),
            "team_form": TeamForm(),
            "may_lead": bool(staff_paths(request.user)),
        },
    )


def _teams_for(volunteer: Volunteer) -> list[tuple[int, str]]:
    ids = [int(p) for p in volunteer.org.path.strip("/").split("/") if p]
    return [(t.pk, t.name) for t in Team.objects.filter(org_id__in=ids).order_by("name")]


@require_GET
@console_view
def staff_volunteer(request: ConsoleRequest, pk: int) -> HttpResponse:
    volunteer = access_volunteer(request.user, pk)
    hours = confirmed_hours(volunteer)
    skills = [str(SKILL_LABELS.get(s, s)) for s in volunteer.skills.split(",") if s]
    return page(
        request,
        "volunteers/staff_volunteer.html",
        {
            "v": volunteer,
            "phone": mask_phone(volunteer.phone),
            "id_number": mask_id_number(volunteer.id_number),
            "skills": skills,
            "availability": AVAILABILITY_LABELS.get(volunteer.availability, volunteer.availability),
            "hours": hours,
            "stars": star_level(hours),
            "records": records_of(volunteer)
            .select_related("concern")
            .prefetch_related("corrections"),
            "certificates": volunteer.certificates.order_by("-issued_at"),
            "review_form": ReviewForm(),
            "service_form": ServiceForm(initial={"served_on": timezone.localdate(clock.now())}),
            "correct_form": CorrectForm(auto_id=False),
            "assign_form": AssignForm(
                initial={"team": volunteer.team_id}, teams=_teams_for(volunteer)
            ),
        },
    )


def _back(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("volunteers:staff_volunteer", args=[pk]))


def _form_error(request: HttpRequest, form: Any) -> None:
    text = "; ".join(
        f"{form.fields[f].label if f in form.fields else ''} {e}"
        for f, errs in form.errors.items()
        for e in errs
    )
    messages.error(request, text)


@require_POST
@console_view
def staff_review(request: ConsoleRequest, pk: int) -> HttpResponse:
    volunteer = access_volunteer(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return _back(pk)
    approve = form.cleaned_data["decision"] == "approve"
    actions.review_volunteer(
        volunteer, actor=request.user, approve=approve, note=form.cleaned_data["note"]
    )
    messages.success(request, _("已通过。") if approve else _("已退回。"))
    return _back(pk)


def _concern_by_code(request: ConsoleRequest, text: str) -> Concern:
    """The concern the service was for, by its tracking code, if the organiser may see it."""
    code = normalise_tracking_code(text)
    found = concerns_visible_to(request.user).filter(tracking_code=code).first() if code else None
    if found is None:
        raise InvalidInput(
            "no concern you can see has that tracking code", fields={"concern_code": "not found"}
        )
    return found


@require_POST
@console_view
def staff_service(request: ConsoleRequest, pk: int) -> HttpResponse:
    volunteer = access_volunteer(request.user, pk)
    form = ServiceForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return _back(pk)
    data = form.cleaned_data
    concern = _concern_by_code(request, data["concern_code"]) if data["concern_code"] else None
    actions.record_service(
        volunteer,
        actor=request.user,
        activity=data["activity"],
        served_on=data["served_on"],
        hours=data["hours"],
        concern=concern,
    )
    messages.success(request, _("服务记录已录入，待另一位工作人员确认。"))
    return _back(pk)


@require_POST
@console_view
def staff_confirm(request: ConsoleRequest, rid: int) -> HttpResponse:
    record = access_service_record(request.user, rid)
    actions.confirm_service(record, actor=request.user)
    messages.success(request, _("已确认。"))
    return _back(record.volunteer_id)


@require_POST
@console_view
def staff_correct(request: ConsoleRequest, rid: int) -> HttpResponse:
    record = access_service_record(request.user, rid)
    form = CorrectForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return _back(record.volunteer_id)
    actions.correct_service(
        record,
        actor=request.user,
        hours=form.cleaned_data["hours"],
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("已更正，原时长与原因已留痕。"))
    return _back(record.volunteer_id)


@require_POST
@console_view
def staff_team(request: ConsoleRequest, pk: int) -> HttpResponse:
    volunteer = access_volunteer(request.user, pk)
    form = AssignForm(request.POST, teams=_teams_for(volunteer))
    if not form.is_valid():
        _form_error(request, form)
        return _back(pk)
    team = (
        Team.objects.filter(pk=form.cleaned_data["team"]).first()
        if form.cleaned_data["team"]
        else None
    )
    actions.assign_team(volunteer, team, actor=request.user)
    messages.success(request, _("已调整服务队。"))
    return _back(pk)


@require_POST
@console_view
def staff_new_team(request: ConsoleRequest) -> HttpResponse:
    form = TeamForm(request.POST)
    orgs = request.viewer.orgs_with(actions.REVIEWER_ROLES)
    if not form.is_valid() or not orgs:
        messages.error(request, _("请填写服务队名称。") if orgs else _("您不能在此建服务队。"))
        return HttpResponseRedirect(reverse("volunteers:staff_home"))
    actions.create_team(orgs[0], actor=request.user, name=form.cleaned_data["name"])
    messages.success(request, _("服务队已建立。"))
    return HttpResponseRedirect(reverse("volunteers:staff_home"))


@require_POST
@console_view
def staff_issue(request: ConsoleRequest, pk: int) -> HttpResponse:
    volunteer = access_volunteer(request.user, pk)
    certificate = actions.issue_certificate(volunteer, actor=request.user)
    messages.success(request, _("证书已出具：%(n)s。") % {"n": certificate.number})
    return _back(pk)


@require_GET
@console_view
def staff_certificate(request: ConsoleRequest, cid: int) -> HttpResponse:
    certificate = (
        Certificate.objects.filter(
            pk=cid, volunteer__in=volunteers_visible_to(request.user).values("pk")
        )
        .select_related("volunteer", "org")
        .first()
    )
    if certificate is None:
        raise Http404
    return _pdf(request, certificate)


@require_GET
@console_view
def staff_export(request: ConsoleRequest) -> HttpResponse:
    """Confirmed service of a year in the national volunteer system's columns (docs/volunteers.md)."""
    if not request.viewer.orgs_with(actions.REVIEWER_ROLES):
        raise NotAllowed("exports are for the federation's chairs and staff")
    year = _year(request)
    visible = volunteers_visible_to(request.user)
    body, rows = exports.national_xlsx(visible, year)
    if isinstance(request.user, AuthUser):
        audit_export(request.user, "volunteer_service", rows=rows, filters={"year": year})
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="volunteer-service-{year}.xlsx"'
    return response
