"""Places' pages. Public (phone-first): the directory by district and community, a place with
its hours, photos, activities and calendar feed, an activity with its sign-up form, one's own
sign-up (QR code, cancel, feedback) and the check-in at the door. Staff (console): places,
hours, managers, photos, activities, the roster with check-in and duty, the monthly figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core import clock
from sanshi.core.crypto import mask_name, mask_phone, phone_index
from sanshi.core.errors import Conflict, InvalidInput, NotFound, SanshiError, show_on_form
from sanshi.core.parsing import int_or_none
from sanshi.intake import ratelimit
from sanshi.orgs.models import Membership, Org
from sanshi.places import actions
from sanshi.places.access import (
    access_activity,
    access_place,
    access_signup_by_code,
    activities_run_by,
    may_see_figures,
    orgs_to_run,
    places_run_by,
)
from sanshi.places.forms import (
    ActivityChangeForm,
    ActivityForm,
    ChildSignUpForm,
    DoorForm,
    DutyForm,
    DutyHoursForm,
    FeedbackForm,
    HoursForm,
    ManagersForm,
    PhotoForm,
    PlaceForm,
    SignUpForm,
)
from sanshi.places.ical import place_calendar
from sanshi.places.models import Activity, Audience, Duty, Place, PlacePhoto, SignUp
from sanshi.places.selectors import (
    directory_orgs,
    monthly_figures,
    open_today,
    public_activity,
    public_place,
    public_places,
    published_activities,
    signup_by_code,
    week_table,
)
from sanshi.volunteers.access import volunteers_visible_to
from sanshi.volunteers.models import Volunteer

SESSION_SIGNUPS = "place_signups"
SIGNUP_RATE = 20  # sign-ups per address per hour
DOOR_RATE = 30


def _base(request: HttpRequest) -> str:
    base = str(getattr(settings, "SANSHI_BASE_URL", "")).rstrip("/")
    return base or request.build_absolute_uri("/").rstrip("/")


def _limited(request: HttpRequest, scope: str, limit: int) -> HttpResponse | None:
    hit = ratelimit.hit(scope, ratelimit.client_ip(request), limit=limit, window=3600)
    if hit is None:
        return None
    response = render(request, "intake/too_many.html", {"retry_after": hit.retry_after}, status=429)
    response["Retry-After"] = str(hit.retry_after)
    return response


def staff_scan_url(request: HttpRequest, signup: SignUp) -> str:
    """What the resident's QR code says: the staff page that checks her in."""
    return _base(request) + reverse("places:staff_scan", args=[signup.code])


def door_url(request: HttpRequest, activity: Activity) -> str:
    """What the code at the door says: the page where a resident checks herself in."""
    return _base(request) + reverse("places:door", args=[activity.door_token])


def _qr_svg(url: str, scale: int = 6) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=scale, border=2))


# ---------------------------------------------------------------- public pages


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Places by district and community, with a phone number to call first."""
    raw = request.GET.get("org", "")
    org_id = int_or_none(raw)
    org = Org.objects.filter(pk=org_id).first() if org_id is not None else None
    districts, communities = directory_orgs()
    places = list(public_places(org)[:200])
    rows = [(p, *open_today(p)) for p in places]
    return render(
        request,
        "places/directory.html",
        {
            "org": org,
            "districts": districts,
            "communities": communities,
            "rows": rows,
        },
    )


@require_GET
def place_page(request: HttpRequest, pk: int) -> HttpResponse:
    place = public_place(pk)
    if place is None:
        raise Http404
    is_open, today = open_today(place)
    return render(
        request,
        "places/place.html",
        {
            "place": place,
            "week": week_table(place),
            "is_open": is_open,
            "today": today,
            "photos": place.photos.order_by("pk"),
            "activities": published_activities(place=place)[:30],
        },
    )


@require_GET
def place_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """The place's activities as an iCalendar feed (the last 90 days and all to come)."""
    place = public_place(pk)
    if place is None:
        raise Http404
    since = clock.now() - dt.timedelta(days=90)
    activities = published_activities(place=place, upcoming=False).filter(ends_at__gte=since)
    body = place_calendar(place, activities, base_url=_base(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="place-{place.pk}.ics"'
    return response


@require_GET
def place_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = PlacePhoto.objects.filter(pk=pk).select_related("place").first()
    if photo is None or public_place(photo.place_id) is None:
        raise Http404
    return FileResponse(default_storage.open(photo.path, "rb"), content_type="image/jpeg")


def _signup_form(activity: Activity, data: Any = None) -> SignUpForm:
    if activity.audience == Audience.CHILDREN:
        return ChildSignUpForm(data)
    return SignUpForm(data)


def _remember(request: HttpRequest, signup: SignUp) -> None:
    codes = [c for c in request.session.get(SESSION_SIGNUPS, []) if c != signup.code]
    request.session[SESSION_SIGNUPS] = [signup.code, *codes][:20]


@never_cache
@require_http_methods(["GET", "POST"])
def activity_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = public_activity(pk)
    if activity is None:
        raise Http404
    form = _signup_form(activity, request.POST or None)
    if request.method == "POST":
        limited = _limited(request, "place-signup", SIGNUP_RATE)
        if limited is not None:
            return limited
        if form.is_valid():
            data = form.cleaned_data
            try:
                signup = actions.sign_up(
                    activity,
                    name=data["name"],
                    phone=data["phone"],
                    child_name=data.get("child_name", ""),
                    child_age=data.get("child_age"),
                    guardian_consent=data.get("guardian_consent", False),
                )
            except SanshiError as exc:
                show_on_form(form, exc)
            else:
                _remember(request, signup)
                return HttpResponseRedirect(reverse("places:signup", args=[signup.code]))
    now = clock.now()
    return render(
        request,
        "places/activity.html",
        {
            "activity": activity,
            "form": form,
            "open": activity.signup_opens <= now < activity.signup_closes
            and activity.cancelled_at is None,
            "left": max(activity.capacity - activity.taken, 0),
        },
        status=400 if request.method == "POST" else 200,
    )


def _own_signup(code: str) -> SignUp:
    signup = signup_by_code(code)
    if signup is None:
        raise Http404
    return signup


@never_cache
@require_GET
def signup_page(request: HttpRequest, code: str) -> HttpResponse:
    """Her sign-up: status, the QR code staff scan, cancel, and feedback afterwards."""
    signup = _own_signup(code)
    now = clock.now()
    activity = signup.activity
    waiting_ahead = 0
    if signup.status == SignUp.Status.WAITING:
        waiting_ahead = activity.signups.filter(
            status=SignUp.Status.WAITING, created_at__lt=signup.created_at
        ).count()
    return render(
        request,
        "places/signup.html",
        {
            "s": signup,
            "activity": activity,
            "qr_svg": _qr_svg(staff_scan_url(request, signup)),
            "may_cancel": signup.status != SignUp.Status.CANCELLED and now < activity.starts_at,
            "may_rate": signup.checked_in_at is not None
            and signup.feedback_at is None
            and now >= activity.ends_at,
            "feedback_form": FeedbackForm(),
            "waiting_ahead": waiting_ahead,
        },
    )


@require_POST
def signup_cancel(request: HttpRequest, code: str) -> HttpResponse:
    signup = _own_signup(code)
    try:
        actions.cancel_signup(signup)
    except SanshiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已取消报名。"))
    return HttpResponseRedirect(reverse("places:signup", args=[code]))


@require_POST
def signup_feedback(request: HttpRequest, code: str) -> HttpResponse:
    signup = _own_signup(code)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择评分。"))
    else:
        try:
            actions.leave_feedback(
                signup, rating=form.cleaned_data["rating"], text=form.cleaned_data["feedback"]
            )
        except SanshiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("谢谢您的评价！"))
    return HttpResponseRedirect(reverse("places:signup", args=[code]))


def _door_signup(request: HttpRequest, activity: Activity, form: DoorForm) -> SignUp | None:
    """Her sign-up for this activity: from this phone's session, else by her phone number."""
    live = activity.signups.exclude(status=SignUp.Status.CANCELLED)
    codes = request.session.get(SESSION_SIGNUPS, [])
    found = live.filter(code__in=codes).first() if codes else None
    if found is None and form.is_bound and form.is_valid():
        found = live.filter(phone_index=phone_index(form.cleaned_data["phone"])).first()
    return found


@never_cache
@require_http_methods(["GET", "POST"])
def door(request: HttpRequest, token: str) -> HttpResponse:
    """The page the code at the door opens: she checks herself in."""
    activity = Activity.objects.filter(door_token=token).select_related("place").first()
    if activity is None:
        raise Http404
    form = DoorForm(request.POST or None)
    signup = _door_signup(request, activity, form) if request.method == "POST" else None
    if request.method == "POST":
        limited = _limited(request, "place-door", DOOR_RATE)
        if limited is not None:
            return limited
        if signup is None:
            form.add_error(None, _("没有找到您的报名。请核对手机号，或请工作人员帮忙。"))
        else:
            try:
                actions.check_in_at_door(signup, token)
            except SanshiError as exc:
                form.add_error(None, exc.message)
            else:
                _remember(request, signup)
                return HttpResponseRedirect(reverse("places:signup", args=[signup.code]))
    known = (
        bool(request.session.get(SESSION_SIGNUPS))
        and activity.signups.filter(code__in=request.session.get(SESSION_SIGNUPS, []))
        .exclude(status=SignUp.Status.CANCELLED)
        .exists()
    )
    return render(
        request,
        "places/door.html",
        {"activity": activity, "form": form, "known": known},
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- staff pages


def _form_error(request: HttpRequest, form: Any) -> None:
    text = "; ".join(
        f"{form.fields[f].label if f in form.fields else ''} {e}"
        for f, errs in form.errors.items()
        for e in errs
    )
    messages.error(request, text)


def _to_place(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("places:staff_place", args=[pk]))


def _to_activity(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("places:staff_activity", args=[pk]))


@require_GET
@console_view
def staff_home(request: ConsoleRequest) -> HttpResponse:
    places = places_run_by(request.user).order_by("org__path", "name")
    upcoming = (
        activities_run_by(request.user)
        .filter(ends_at__gte=clock.now(), cancelled_at__isnull=True)
        .order_by("starts_at")[:30]
    )
    orgs = orgs_to_run(request.user)
    return page(
        request,
        "places/staff_home.html",
        {
            "places": places,
            "upcoming": upcoming,
            "orgs": orgs,
            "form": PlaceForm(),
            "activity_form": ActivityForm(initial={"weeks": 1}, auto_id="act_%s"),
        },
    )


@require_POST
@console_view
def staff_new_place(request: ConsoleRequest) -> HttpResponse:
    form = PlaceForm(request.POST)
    orgs = {o.pk: o for o in orgs_to_run(request.user)}
    raw = request.POST.get("org", "")
    org = orgs.get(int_or_none(raw) or 0)
    if org is None:
        raise NotFound("no such org")
    if not form.is_valid():
        _form_error(request, form)
        return HttpResponseRedirect(reverse("places:staff_home"))
    place = actions.create_place(org, actor=request.user, **form.cleaned_data)
    messages.success(request, _("阵地已建立。"))
    return _to_place(place.pk)


def _hours_initial(place: Place) -> dict[str, str]:
    initial: dict[str, list[str]] = {}
    for h in place.hours.order_by("weekday", "opens"):
        initial.setdefault(f"day{h.weekday}", []).append(f"{h.opens:%H:%M}-{h.closes:%H:%M}")
    return {k: "、".join(v) for k, v in initial.items()}


def _people(place: Place) -> list[tuple[int, str]]:
    rows = (
        Membership.objects.filter(org__path__startswith=place.org.path, person__user__isnull=False)
        .select_related("person", "org")
        .order_by("person__name")
    )
    seen: dict[int, str] = {}
    for m in rows:
        seen.setdefault(int(m.person.user_id or 0), f"{m.person.name}（{m.org.name}）")
    return sorted(seen.items(), key=lambda kv: kv[1])


@require_GET
@console_view
def staff_place(request: ConsoleRequest, pk: int) -> HttpResponse:
    place = access_place(request.user, pk)
    form = PlaceForm(initial={f: getattr(place, f) for f in PlaceForm.base_fields})
    managers = [str(pk) for pk in place.managers.values_list("pk", flat=True)]
    return page(
        request,
        "places/staff_place.html",
        {
            "place": place,
            "form": form,
            "hours_form": HoursForm(initial=_hours_initial(place)),
            "managers_form": ManagersForm(initial={"managers": managers}, people=_people(place)),
            "photo_form": PhotoForm(),
            "photos": place.photos.order_by("pk"),
            "activity_form": ActivityForm(initial={"place": place.pk, "weeks": 1}),
            "activities": place.activities.order_by("-starts_at")[:50],
            "is_open": open_today(place),
        },
    )


@require_POST
@console_view
def staff_place_edit(request: ConsoleRequest, pk: int) -> HttpResponse:
    place = access_place(request.user, pk)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return _to_place(pk)
    actions.update_place(place, actor=request.user, **form.cleaned_data)
    messages.success(request, _("已保存。"))
    return _to_place(pk)


@require_POST
@console_view
def staff_hours(request: ConsoleRequest, pk: int) -> HttpResponse:
    place = access_place(request.user, pk)
    form = HoursForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return _to_place(pk)
    try:
        spans = form.spans()
    except Exception as exc:  # a ValidationError: say which text was not understood
        raise InvalidInput(" ".join(getattr(exc, "messages", [str(exc)]))) from None
    actions.set_opening_hours(place, spans, actor=request.user)
    messages.success(request, _("开放时间已保存；法定节假日自动闭馆。"))
    return _to_place(pk)


@require_POST
@console_view
def staff_managers(request: ConsoleRequest, pk: int) -> HttpResponse:
    place = access_place(request.user, pk)
    form = ManagersForm(request.POST, people=_people(place))
    if not form.is_valid():
        _form_error(request, form)
        return _to_place(pk)
    users = get_user_model().objects.filter(pk__in=[int(x) for x in form.cleaned_data["managers"]])
    actions.set_managers(place, list(users), actor=request.user)
    messages.success(request, _("管理员已更新。"))
    return _to_place(pk)


@require_POST
@console_view
def staff_photo(request: ConsoleRequest, pk: int) -> HttpResponse:
    place = access_place(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_error(request, form)
        return _to_place(pk)
    upload = form.cleaned_data["photo"]
    if upload.size > actions.PHOTO_MAX_BYTES:
        raise InvalidInput("a photo up to 8 MB", fields={"photo": "size"})
    actions.add_photo(
        place, upload.read(), actor=request.user, caption=form.cleaned_data["caption"]
    )
    messages.success(request, _("照片已上传（已去除拍摄地点等信息）。"))
    return _to_place(pk)


@require_POST
@console_view
def staff_photo_remove(request: ConsoleRequest, pk: int, photo_id: int) -> HttpResponse:
    place = access_place(request.user, pk)
    photo = place.photos.filter(pk=photo_id).first()
    if photo is None:
        raise NotFound("no such photo")
    actions.remove_photo(photo, actor=request.user)
    messages.success(request, _("照片已删除。"))
    return _to_place(pk)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


@require_POST
@console_view
def staff_new_activity(request: ConsoleRequest) -> HttpResponse:
    form = ActivityForm(request.POST)
    raw_place = request.POST.get("place", "")
    place_id = int_or_none(raw_place)
    place = access_place(request.user, place_id) if place_id is not None else None
    org = None
    if place is None:
        orgs = {o.pk: o for o in orgs_to_run(request.user)}
        raw = request.POST.get("org", "")
        org = orgs.get(int_or_none(raw) or 0)
        if org is None:
            raise NotFound("no such org")
    back = _to_place(place.pk) if place else HttpResponseRedirect(reverse("places:staff_home"))
    if not form.is_valid():
        _form_error(request, form)
        return back
    data = form.cleaned_data
    values: dict[str, Any] = {
        "org": org,
        "place": place,
        "title": data["title"],
        "description": data["description"],
        "audience": data["audience"],
        "location": data["location"],
        "starts_at": _aware(data["starts_at"]),
        "ends_at": _aware(data["ends_at"]),
        "capacity": data["capacity"],
        "signup_closes": _aware(data["signup_closes"]),
    }
    if data["weeks"] > 1:
        series = actions.create_series(actor=request.user, weeks=data["weeks"], **values)
        messages.success(request, _("已建立 %(n)s 次每周活动。") % {"n": series.weeks})
        return back
    activity = actions.create_activity(actor=request.user, **values)
    messages.success(request, _("活动已发布。"))
    return _to_activity(activity.pk)


@require_GET
@console_view
def staff_activity(request: ConsoleRequest, pk: int) -> HttpResponse:
    """The roster: who signed up, who came, who waits; volunteers on duty."""
    activity = access_activity(request.user, pk)
    signups = activity.signups.exclude(status=SignUp.Status.CANCELLED).order_by("created_at", "pk")
    rows = [
        (s, s.name, mask_phone(s.phone), mask_name(s.child_name) if s.child_name else "")
        for s in signups
    ]
    volunteers = volunteers_visible_to(request.user).filter(status=Volunteer.Status.APPROVED)
    return page(
        request,
        "places/staff_activity.html",
        {
            "activity": activity,
            "rows": rows,
            "confirmed": sum(1 for s in signups if s.status == SignUp.Status.CONFIRMED),
            "came": sum(1 for s in signups if s.checked_in_at),
            "duties": activity.duties.select_related("volunteer", "record").order_by("pk"),
            "duty_form": DutyForm(volunteers=[(v.pk, v.name) for v in volunteers.order_by("name")]),
            "hours_form": DutyHoursForm(),
            "door_url": door_url(request, activity),
            "change_form": ActivityChangeForm(
                initial={
                    "starts_at": timezone.localtime(activity.starts_at),
                    "ends_at": timezone.localtime(activity.ends_at),
                    "location": activity.location,
                    "capacity": activity.capacity,
                }
            ),
        },
    )


@require_GET
@console_view
def staff_door(request: ConsoleRequest, pk: int) -> HttpResponse:
    """A page to print or show on a tablet at the door: the activity's check-in code."""
    activity = access_activity(request.user, pk)
    url = door_url(request, activity)
    return page(
        request,
        "places/staff_door.html",
        {
            "activity": activity,
            "url": url,
            "qr_svg": _qr_svg(url, scale=10),
        },
    )


@require_POST
@console_view
def staff_check_in(request: ConsoleRequest, pk: int, signup_id: int) -> HttpResponse:
    activity = access_activity(request.user, pk)
    signup = activity.signups.filter(pk=signup_id).first()
    if signup is None:
        raise NotFound("no such sign-up")
    actions.check_in_by_staff(signup, actor=request.user)
    messages.success(request, _("已签到。"))
    return _to_activity(pk)


@require_http_methods(["GET", "POST"])
@console_view
def staff_scan(request: ConsoleRequest, code: str) -> HttpResponse:
    """Staff scanned a resident's code: her sign-up, and a button to check her in."""
    signup = access_signup_by_code(request.user, code)
    if request.method == "POST":
        actions.check_in_by_staff(signup, actor=request.user)
        messages.success(request, _("已签到。"))
        return HttpResponseRedirect(reverse("places:staff_scan", args=[code]))
    return page(
        request,
        "places/staff_scan.html",
        {
            "s": signup,
            "activity": signup.activity,
            "name": signup.name,
            "child": mask_name(signup.child_name) if signup.child_name else "",
        },
    )


@require_POST
@console_view
def staff_cancel_activity(request: ConsoleRequest, pk: int) -> HttpResponse:
    activity = access_activity(request.user, pk)
    actions.cancel_activity(activity, actor=request.user)
    messages.success(request, _("活动已取消，已短信通知报名的居民。"))
    return _to_activity(pk)


def _same_minute(posted: dt.datetime, current: dt.datetime) -> dt.datetime:
    """The form shows minutes: a time sent back unchanged keeps its seconds (no change)."""
    value = posted if timezone.is_aware(posted) else timezone.make_aware(posted)
    return current if value == current.replace(second=0, microsecond=0) else value


@require_POST
@console_view
def staff_change_activity(request: ConsoleRequest, pk: int) -> HttpResponse:
    """New time, location or capacity; a refusal (fewer places than are taken) is shown on the
    roster and nothing changes."""
    activity = access_activity(request.user, pk)
    form = ActivityChangeForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return _to_activity(pk)
    data = form.cleaned_data
    try:
        actions.change_activity(
            activity,
            actor=request.user,
            starts_at=_same_minute(data["starts_at"], activity.starts_at),
            ends_at=_same_minute(data["ends_at"], activity.ends_at),
            location=data["location"],
            capacity=data["capacity"],
        )
    except (InvalidInput, Conflict) as exc:
        messages.error(request, exc.message)
        return _to_activity(pk)
    messages.success(request, _("活动已修改，已短信通知报名和候补的居民。"))
    return _to_activity(pk)


@require_POST
@console_view
def staff_duty(request: ConsoleRequest, pk: int) -> HttpResponse:
    activity = access_activity(request.user, pk)
    visible = volunteers_visible_to(request.user)
    form = DutyForm(request.POST, volunteers=[(v.pk, v.name) for v in visible])
    if not form.is_valid():
        _form_error(request, form)
        return _to_activity(pk)
    volunteer = visible.get(pk=form.cleaned_data["volunteer"])
    actions.put_on_duty(activity, volunteer, actor=request.user)
    messages.success(request, _("已安排值班志愿者。"))
    return _to_activity(pk)


@require_POST
@console_view
def staff_duty_hours(request: ConsoleRequest, pk: int, duty_id: int) -> HttpResponse:
    activity = access_activity(request.user, pk)
    duty = Duty.objects.filter(pk=duty_id, activity=activity).select_related("volunteer").first()
    if duty is None:
        raise NotFound("no such duty")
    form = DutyHoursForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return _to_activity(pk)
    actions.record_duty_hours(duty, form.cleaned_data["hours"], actor=request.user)
    messages.success(request, _("时长已记入志愿服务记录，待另一位工作人员确认。"))
    return _to_activity(pk)


def _month(request: HttpRequest) -> tuple[int, int]:
    raw = request.GET.get("month", "")
    today = timezone.localdate(clock.now())
    try:
        year, month = (int(x) for x in raw.split("-"))
        if 2000 <= year <= today.year + 1 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


@require_GET
@console_view
def staff_figures(request: ConsoleRequest) -> HttpResponse:
    """Sessions, people (unique and repeat), children served, hours open and volunteer hours,
    per month; for those who run places (others: not found)."""
    if not may_see_figures(request.user, request.viewer.grants):
        raise NotFound("no figures to show")
    year, month = _month(request)
    places = places_run_by(request.user)
    orgs = orgs_to_run(request.user)
    by_place, by_org = monthly_figures(places, orgs, year, month)
    previous = dt.date(year, month, 1) - dt.timedelta(days=1)
    following = dt.date(year, month, 28) + dt.timedelta(days=5)
    return page(
        request,
        "places/staff_figures.html",
        {
            "year": year,
            "month": month,
            "by_place": by_place,
            "by_org": by_org,
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
            # Opening hours alone are the timetable, not work done: without activities,
            # attendance, children or volunteer hours the month is said to be empty.
            "quiet": not any(
                f.sessions or f.signups or f.attendances or f.children or f.volunteer_hours
                for f in [*by_place, *by_org]
            ),
        },
    )
