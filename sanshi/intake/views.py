"""The residents' pages: home, report, confirmation, tracking and rating, member cards."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import segno
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sanshi.attachments.sanitise import clean_uploads
from sanshi.concerns.actions import record_follow_up
from sanshi.concerns.models import Channel, Concern, Status, Urgency
from sanshi.concerns.sla import deadlines_from, policy_for
from sanshi.concerns.tracking import format_tracking_code, normalise_tracking_code
from sanshi.core import parsing
from sanshi.core.errors import SanshiError
from sanshi.intake import conf, ratelimit
from sanshi.intake.forms import RatingForm, ReportForm
from sanshi.intake.lines import lines_to_show
from sanshi.intake.models import MemberCard
from sanshi.intake.selectors import (
    Area,
    active_card,
    area_for,
    cities_of,
    community_picker,
    concern_by_tracking_code,
    provinces,
    public_timeline,
    township_choices,
)
from sanshi.intake.take_in import ConcernIntake, take_in_concern
from sanshi.messaging.actions import ContactChoice
from sanshi.messaging.templates import language_of
from sanshi.orgs.models import Division, Org

CONSENT_VERSION = "2026-11"
SESSION_DONE = "intake_done"


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with Retry-After, as a page a person can read."""
    response = render(request, "intake/too_many.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/home.html")


@never_cache
@require_http_methods(["GET", "HEAD"])
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Leave for a neutral site: forget this visitor's session and ask the browser to clear
    what it holds of this site (cache, cookies, storage). exit.js arrives here through
    location.replace, so the page left is not kept in the history."""
    request.session.flush()
    response = HttpResponseRedirect(conf.quick_exit_url())
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response["Referrer-Policy"] = "no-referrer"
    return response


# ---------------------------------------------------------------- report


def _area(request: HttpRequest) -> Area | None:
    """The picker's area from ?province= / ?city= (the GET step), else the site's default."""
    province, city = request.GET.get("province", ""), request.GET.get("city", "")
    if city and province and not city.startswith(province[:2]):
        city = ""  # the province changed: start again from the new province
    return area_for(city or province or request.POST.get("area", ""), conf.intake_area())


def _report_context(
    request: HttpRequest,
    form: ReportForm,
    area: Area | None,
    card: MemberCard | None,
    by_township: dict[str, list[str]],
) -> dict[str, Any]:
    return {
        "form": form,
        "area": area,
        "provinces": provinces() if area is not None else [],
        "cities": cities_of(area.province) if area is not None else [],
        "selected_city": area.chain[1].code if area is not None and len(area.chain) > 1 else "",
        "card": card,
        "by_township": by_township,
    }


def _card_from(request: HttpRequest) -> MemberCard | None:
    code = request.POST.get("card") or request.GET.get("card") or ""
    try:  # a code, or no card: never a NUL for the database to refuse (core.parsing)
        code = parsing.parse_code(code, max_length=16, name="card") if code else ""
    except parsing.Unparsable:
        return None
    return active_card(code) if code else None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            request.POST  # noqa: B018 - parse now: an oversized body is the sender's fault
        except (RequestDataTooBig, TooManyFieldsSent):
            return render(request, "intake/too_large.html", status=413)
    area = _area(request)
    card = _card_from(request)
    communities, by_township = community_picker(area)
    choices = {"townships": township_choices(area), "communities": communities}
    if card is not None and card.membership.org.level == Org.Level.COMMUNITY:
        # The card's own community is always offered, wherever the picker stands.
        org = card.membership.org
        others = [
            (group, [o for o in orgs if o[0] != str(org.pk)])
            for group, orgs in choices["communities"]
        ]
        mine = (_("名片所属"), [(str(org.pk), org.name)])
        choices["communities"] = [mine, *[(g, orgs) for g, orgs in others if orgs]]
    if request.method != "POST":
        initial = {"card": card.code if card else "", "once": secrets.token_urlsafe(16)}
        if card is not None and card.membership.org.level == Org.Level.COMMUNITY:
            initial["community"] = str(card.membership.org_id)
        form = ReportForm(initial=initial, **choices)
        return render(
            request, "intake/report.html", _report_context(request, form, area, card, by_township)
        )
    limited = ratelimit.hit(
        "report-ip", ratelimit.client_ip(request), limit=conf.form_rate_per_ip(), window=3600
    )
    if limited is not None:
        return too_many(request, limited.retry_after)
    form = ReportForm(request.POST, request.FILES, **choices)
    once = (request.POST.get("once") or "")[:64]
    # Shared by every worker (sanshi.core.limits): a resent form is taken in once.
    if once and not ratelimit.claim("intake-once", once, ttl=86400):
        return _already_sent(request, ratelimit.recall("intake-once", once))
    concern, critical = _submit(request, form, card) if form.is_valid() else (None, False)
    if once and not isinstance(concern, Concern):
        ratelimit.release("intake-once", once)  # nothing was taken in: it may be sent again
    if isinstance(concern, HttpResponse):
        return concern
    if concern is None:
        context = _report_context(request, form, area, card, by_township)
        return render(request, "intake/report.html", context, status=400)
    receipt = {"code": concern.tracking_code, "critical": critical}
    if once:
        ratelimit.remember("intake-once", once, receipt, ttl=86400)
    request.session[SESSION_DONE] = receipt
    return HttpResponseRedirect(reverse("intake-done"))


def _already_sent(request: HttpRequest, receipt: Any) -> HttpResponse:
    """A double tap or a resent form: show the first submission's confirmation."""
    if isinstance(receipt, dict):
        request.session[SESSION_DONE] = receipt
        return HttpResponseRedirect(reverse("intake-done"))
    return render(request, "intake/in_progress.html", status=409)


# What the form says when the consent rule (take_in.legal_basis_for) finds something missing.
# What the form says when the reporter's consent is missing (the guardian's: the rule's own
# message, concerns.actions.minor_consent_problem).
CONSENT_MISSING = gettext_lazy("请阅读个人信息处理说明并勾选同意。")


def _submit(
    request: HttpRequest, form: ReportForm, card: MemberCard | None
) -> tuple[Concern | HttpResponse | None, bool]:
    """Check the place and the phone's rate, then take the concern in; errors go on the form."""
    data = form.cleaned_data
    division, community = _place(form, data)
    if form.errors:
        return None, False
    if data["phone"]:
        limited = ratelimit.hit(
            "report-phone", data["phone"], limit=conf.form_rate_per_phone(), window=3600
        )
        if limited is not None:
            return too_many(request, limited.retry_after), False
    try:
        files = clean_uploads(data["attachments"])
    except SanshiError as exc:
        form.add_error("attachments", exc.message)
        return None, False
    intake = ConcernIntake(
        text=data["text"],
        channel=Channel.MEMBER_CARD if card is not None else Channel.WEB,
        address=_address_text(division, community, data["address"]),
        subcategory=data["subcategory"],
        division=division,
        community=community,
        reporter_name=data["name"],
        reporter_phone=data["phone"],
        anonymous=data["anonymous"] or not (data["name"] or data["phone"]),
        minor_under_14=data["minor_under_14"],
        guardian_consent=data["guardian_consent"],
        publish_consent=data["publish_consent"],
        # The basis follows from consent, who reports and danger (take_in decides).
        legal_basis=None,
        consent=data["consent"],
        reporter_relation=data["reporter"],
        consent_version=CONSENT_VERSION if data["consent"] else "",
        member=card.membership.person if card is not None else None,
        attachments=files,
        contact=ContactChoice(
            data["contact_channel"],
            data["contact_from"],
            data["contact_until"],
            language_of(request.LANGUAGE_CODE),
        )
        if data["phone"]
        else None,
    )
    try:
        taken = take_in_concern(intake, actor=None)
    except SanshiError as exc:
        if "consent" in exc.fields:
            form.add_error("consent", str(CONSENT_MISSING))
        if "guardian_consent" in exc.fields:
            form.add_error("guardian_consent", exc.message)
        if not {"consent", "guardian_consent"} & set(exc.fields):
            form.add_error(None, exc.message)
        return None, False
    return taken.concern, taken.critical


def _address_text(division: Division | None, community: Org | None, free: str) -> str:
    """What the resident picked and typed, in one line, for routing and for the handler."""
    parts: list[str] = []
    node = division
    while node is not None:
        parts.insert(0, node.name)
        node = node.parent
    if community is not None:
        parts.append(community.name.removesuffix("妇联"))
    if free:
        parts.append(free)
    return " ".join(parts)[:300]


def _place(form: ReportForm, data: dict[str, Any]) -> tuple[Division | None, Org | None]:
    """The picked township and community, checked against each other."""
    division = Division.objects.filter(code=data["township"]).first() if data["township"] else None
    community = (
        Org.objects.filter(pk=int(data["community"]), level=Org.Level.COMMUNITY)
        .select_related("parent")
        .first()
        if data["community"].isdigit()
        else None
    )
    township_org = community.parent if community is not None else None
    if (
        division is not None
        and township_org is not None
        and township_org.division_code
        and not township_org.division_code.startswith(division.code)
    ):
        form.add_error("community", _("所选村/社区不在所选乡镇/街道，请重新选择。"))
    return division, community


@never_cache
@require_http_methods(["GET", "HEAD"])
def done(request: HttpRequest) -> HttpResponse:
    """The confirmation: emergency numbers first when there is danger, then the code."""
    receipt: dict[str, Any] = request.session.get(SESSION_DONE) or {}
    concern = concern_by_tracking_code(str(receipt.get("code", "")))
    if concern is None:
        return HttpResponseRedirect(reverse("intake-report"))
    critical = bool(receipt.get("critical"))
    return render(
        request,
        "intake/done.html",
        {
            "concern": concern,
            "critical": critical,
            "lines": lines_to_show(concern.triage, critical=critical),
            "code": format_tracking_code(concern.tracking_code),
            "due": _deadlines(concern),
            "contactable": bool(concern.reporter_phone),
        },
    )


def _deadlines(concern: Concern) -> dict[str, dt.datetime | None]:
    """When it will be signed for, the resident contacted, and answered."""
    if concern.resolve_due is not None:
        return {
            "sign": concern.sign_due,
            "contact": concern.contact_due,
            "resolve": concern.resolve_due,
        }
    due = deadlines_from(concern.received_at, policy_for(concern.urgency, concern.category))
    return {"sign": due.sign, "contact": due.contact, "resolve": due.resolve}


# ---------------------------------------------------------------- tracking and rating


def _track_limited(request: HttpRequest) -> ratelimit.Limited | None:
    """Every lookup counts; an IP that guessed wrong too often waits, even for a right code."""
    ip = ratelimit.client_ip(request)
    return ratelimit.peek("track-miss", ip, limit=conf.track_misses_per_ip(), window=600) or (
        ratelimit.hit("track", ip, limit=conf.track_rate_per_ip(), window=60)
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    ratelimit.hit(
        "track-miss", ratelimit.client_ip(request), limit=conf.track_misses_per_ip(), window=600
    )
    return render(request, "intake/track_not_found.html", status=404)


@never_cache
@require_http_methods(["GET", "HEAD"])
def track_lookup(request: HttpRequest) -> HttpResponse:
    """The track box on the home page: ?code=... goes to /track/<code>/."""
    raw = (request.GET.get("code") or "")[:40]
    if not raw.strip():
        return render(request, "intake/track_lookup.html")
    code = normalise_tracking_code(raw)
    if code is None:
        limited = _track_limited(request)
        return too_many(request, limited.retry_after) if limited else _not_found(request)
    return HttpResponseRedirect(reverse("intake-track", args=[code]))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest, code: str) -> HttpResponse:
    limited = _track_limited(request)
    if limited is not None:
        return too_many(request, limited.retry_after)
    concern = concern_by_tracking_code(code[:40])
    if concern is None:
        return _not_found(request)
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and concern.status == Status.REPLIED and form.is_valid():
        try:
            record_follow_up(
                concern,
                actor=None,
                solved=form.cleaned_data["solved"] == "yes",
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except SanshiError as exc:
            form.add_error(None, exc.message)
        else:
            return HttpResponseRedirect(
                reverse("intake-track", args=[concern.tracking_code]) + "#rated"
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "intake/track.html", _track_context(concern, form), status=status)


def _track_context(concern: Concern, form: RatingForm) -> dict[str, Any]:
    return {
        "concern": concern,
        "code": format_tracking_code(concern.tracking_code),
        "status_label": str(STATUS_LABELS.get(concern.status, concern.status)),
        "timeline": public_timeline(concern),
        "form": form,
        "can_rate": concern.status == Status.REPLIED,
        "reopened": concern.status == Status.REOPENED,
        "open": concern.is_open,
        "lines": lines_to_show(concern.triage, critical=concern.urgency == Urgency.CRITICAL)
        if concern.is_open
        else [],
    }


STATUS_LABELS: dict[str, Any] = {
    Status.RECEIVED: gettext_lazy("已受理"),
    Status.DISPATCHED: gettext_lazy("已派单"),
    Status.RETURNED: gettext_lazy("重新派单中"),
    Status.SIGNED: gettext_lazy("办理中（已签收）"),
    Status.IN_PROGRESS: gettext_lazy("办理中"),
    Status.REPLIED: gettext_lazy("已答复，请您评价"),
    Status.REOPENED: gettext_lazy("重办"),
    Status.CLOSED: gettext_lazy("已办结"),
    Status.MERGED: gettext_lazy("已并案办理"),
}


# ---------------------------------------------------------------- member cards


def _card_or_404(request: HttpRequest, code: str) -> MemberCard | HttpResponse:
    card = active_card(code[:16])
    if card is None:
        return render(request, "intake/card_not_found.html", status=404)
    return card


@require_http_methods(["GET", "HEAD"])
def member_card(request: HttpRequest, code: str) -> HttpResponse:
    card = _card_or_404(request, code)
    if isinstance(card, HttpResponse):
        return card
    return render(request, "intake/card.html", {"card": card, **_card_context(card)})


@require_http_methods(["GET", "HEAD"])
def member_card_print(request: HttpRequest, code: str) -> HttpResponse:
    card = _card_or_404(request, code)
    if isinstance(card, HttpResponse):
        return card
    url = request.build_absolute_uri(reverse("intake-card", args=[card.code]))
    svg = segno.make(url, error="m").svg_inline(scale=6, border=2)
    return render(
        request,
        "intake/card_print.html",
        {"card": card, "url": url, "qr_svg": svg, **_card_context(card)},
    )


@require_http_methods(["GET", "HEAD"])
def member_card_qr(request: HttpRequest, code: str) -> HttpResponse:
    card = _card_or_404(request, code)
    if isinstance(card, HttpResponse):
        return card
    url = request.build_absolute_uri(reverse("intake-card", args=[card.code]))
    svg = segno.make(url, error="m").svg_inline(scale=8, border=4)
    return HttpResponse(
        '<?xml version="1.0" encoding="utf-8"?>\n' + svg,
        content_type="image/svg+xml; charset=utf-8",
    )


def _card_context(card: MemberCard) -> dict[str, Any]:
    org = card.membership.org
    return {
        "person_name": card.membership.person.name,
        "initial": card.membership.person.name[:1],
        "community": org.name,
        "township": org.parent.name if org.parent is not None else "",
        "helps_with": card.membership.helps_with,
        "role": card.membership.get_role_display(),
    }
