"""Every write about places and activities: one function each, one transaction each, audited.

Signing up, cancelling, checking in and feedback are the resident's (no account: her sign-up
code is her key); everything else is done by people who run the place or the org, checked
here. Capacity is kept by a conditional UPDATE on the activity's `taken` counter, so two
residents signing up at once can never both take the last place.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import secrets
from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sanshi.audit.actions import record_audit
from sanshi.core import clock
from sanshi.core.crypto import normalise_phone, phone_index
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.orgs.models import Division, Membership, Org
from sanshi.places import reminders
from sanshi.places.access import may_run_org, may_run_place
from sanshi.places.models import (
    Activity,
    ActivitySeries,
    Audience,
    Duty,
    OpeningHours,
    Place,
    PlaceKind,
    PlacePhoto,
    SignUp,
)
from sanshi.triage.routing import route_address
from sanshi.volunteers import actions as volunteer_actions
from sanshi.volunteers.models import Volunteer

User = AuthUser | AnonymousUser

MOBILE = re.compile(r"^1[3-9]\d{9}$")
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
PHOTO_LONG_SIDE = 2000
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
CHECK_IN_EARLY = dt.timedelta(minutes=60)
MAX_SERIES_WEEKS = 52
CHILD_MAX_AGE = 17


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise NotAllowed(f"you may not {what}")


def _short(text: str, field: str, limit: int, *, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(f"{field} is required", fields={field: "required"})
    if len(text) > limit:
        raise InvalidInput(f"at most {limit} characters", fields={field: "too long"})
    return text


def _token() -> str:
    return secrets.token_urlsafe(18)[:24]


# ---------------------------------------------------------------- places


def _division_for(address: str) -> Division | None:
    """The deepest official division the address parser reaches, if any."""
    if not address:
        return None
    route = route_address(address)
    if not route.division_code:
        return None
    return Division.objects.filter(code=route.division_code).first()


def _place_fields(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "kind" in values:
        if values["kind"] not in PlaceKind.values:
            raise InvalidInput("choose a kind of place", fields={"kind": "invalid"})
        clean["kind"] = values["kind"]
    if "name" in values:
        clean["name"] = _short(values["name"], "name", 100, required=True)
    if "address" in values:
        clean["address"] = _short(values["address"], "address", 200)
    if "phone" in values:
        phone = _short(values["phone"], "phone", 32)
        if phone and not re.fullmatch(r"[0-9+\- ]{5,32}", phone):
            raise InvalidInput("digits and dashes only", fields={"phone": "invalid"})
        clean["phone"] = phone
    if "capacity" in values:
        try:
            capacity = int(values["capacity"])
        except (TypeError, ValueError):
            raise InvalidInput("a whole number", fields={"capacity": "invalid"}) from None
        if not 0 <= capacity <= 100_000:
            raise InvalidInput("between 0 and 100000", fields={"capacity": "out of range"})
        clean["capacity"] = capacity
    if "facilities" in values:
        clean["facilities"] = _short(values["facilities"], "facilities", 300)
    if "is_public" in values:
        clean["is_public"] = bool(values["is_public"])
    return clean


def create_place(org: Org, *, actor: User, **values: Any) -> Place:
    """A place of the org; its address is routed to an official division."""
    _require(may_run_org(actor, org), "create places for this org")
    fields = _place_fields(
        {"address": "", "phone": "", "capacity": 0, "facilities": "", "is_public": True, **values}
    )
    for required in ("kind", "name"):
        if required not in fields:
            raise InvalidInput(f"{required} is required", fields={required: "required"})
    place = Place(
        org=org, created_at=clock.now(), division=_division_for(fields["address"]), **fields
    )
    try:
        with transaction.atomic():
            place.save(force_insert=True)
            record_audit(
                actor, "place.created", "place", place.pk, {"org": org.pk, "kind": place.kind}
            )
    except IntegrityError:
        raise InvalidInput("this org has a place of that name", fields={"name": "taken"}) from None
    return place


def update_place(place: Place, *, actor: User, **values: Any) -> Place:
    """Change what the place's page says; a new address is routed again."""
    _require(may_run_place(actor, place), "change this place")
    fields = _place_fields(values)
    if "address" in fields and fields["address"] != place.address:
        fields["division"] = _division_for(fields["address"])
    changed = [name for name, value in fields.items() if getattr(place, name) != value]
    if not changed:
        return place
    for name in changed:
        setattr(place, name, fields[name])
    try:
        with transaction.atomic():
            place.save(update_fields=changed)
            record_audit(actor, "place.updated", "place", place.pk, {"fields": sorted(changed)})
    except IntegrityError:
        raise InvalidInput("this org has a place of that name", fields={"name": "taken"}) from None
    return place


def close_place(place: Place, *, actor: User) -> Place:
    _require(may_run_org(actor, place.org), "close this place")
    now = clock.now()
    with transaction.atomic():
        if Place.objects.filter(pk=place.pk, closed_at__isnull=True).update(closed_at=now) != 1:
            raise Conflict("the place is already closed")
        place.closed_at = now
        record_audit(actor, "place.closed", "place", place.pk, {})
    return place


Span = tuple[int, dt.time, dt.time]


def _check_spans(spans: Iterable[Span]) -> list[Span]:
    clean = sorted(set(spans))
    for weekday, opens, closes in clean:
        if not 0 <= weekday <= 6:
            raise InvalidInput("weekday 0 (Monday) to 6 (Sunday)", fields={"hours": "weekday"})
        if closes <= opens:
            raise InvalidInput("a span closes after it opens", fields={"hours": "order"})
    for (day_a, _opens_a, closes_a), (day_b, opens_b, _closes_b) in itertools.pairwise(clean):
        if day_a == day_b and opens_b < closes_a:
            raise InvalidInput("spans of one day must not overlap", fields={"hours": "overlap"})
    return clean


def set_opening_hours(place: Place, spans: Iterable[Span], *, actor: User) -> list[OpeningHours]:
    """Replace the place's weekly hours (holidays of the work calendar close it anyway)."""
    _require(may_run_place(actor, place), "change this place's hours")
    clean = _check_spans(spans)
    rows = [OpeningHours(place=place, weekday=d, opens=o, closes=c) for d, o, c in clean]
    with transaction.atomic():
        Place.objects.select_for_update().filter(pk=place.pk).first()  # one editor at a time
        OpeningHours.objects.filter(place=place).delete()
        OpeningHours.objects.bulk_create(rows)
        record_audit(
            actor,
            "place.hours_set",
            "place",
            place.pk,
            {"spans": [[d, o.isoformat("minutes"), c.isoformat("minutes")] for d, o, c in clean]},
        )
    return rows


def set_managers(place: Place, users: Iterable[AuthUser], *, actor: User) -> list[int]:
    """The people who run the place day to day: members of its org or an org below it."""
    _require(may_run_org(actor, place.org), "choose this place's managers")
    chosen = {u.pk for u in users}
    members = set(
        Membership.objects.filter(
            person__user_id__in=chosen, org__path__startswith=place.org.path
        ).values_list("person__user_id", flat=True)
    )
    if chosen - members:
        raise InvalidInput(
            "managers are people of this org or one below it", fields={"managers": "outside"}
        )
    with transaction.atomic():
        place.managers.set(sorted(chosen))
        record_audit(actor, "place.managers_set", "place", place.pk, {"users": sorted(chosen)})
    return sorted(chosen)


def _clean_image(data: bytes) -> tuple[bytes, int, int]:
    """The picture re-encoded as a JPEG with no metadata (EXIF, GPS, comments) at all."""
    if not data or len(data) > PHOTO_MAX_BYTES:
        raise InvalidInput("a photo up to 8 MB", fields={"photo": "size"})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise InvalidInput("a JPEG, PNG or WebP photo", fields={"photo": "format"})
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise InvalidInput("the photo is too large", fields={"photo": "pixels"})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)  # keep it upright before dropping EXIF
            upright.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
            # A new image from the pixels alone carries nothing of the original's info.
            pixels = upright.convert("RGB")
            clean = Image.new("RGB", pixels.size)
            clean.paste(pixels)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise InvalidInput("not a photo we can read", fields={"photo": "unreadable"}) from None
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), clean.width, clean.height


def add_photo(place: Place, data: bytes, *, actor: User, caption: str = "") -> PlacePhoto:
    """A photo of the place, checked, stripped of its metadata and stored."""
    _require(may_run_place(actor, place), "add photos of this place")
    caption = _short(caption, "caption", 100)
    body, width, height = _clean_image(data)
    name = default_storage.save(f"places/{place.pk}/{_token()}.jpg", ContentFile(body))
    photo = PlacePhoto(
        place=place,
        path=name,
        width=width,
        height=height,
        caption=caption,
        uploaded_by=actor if isinstance(actor, AuthUser) else None,
        created_at=clock.now(),
    )
    try:
        with transaction.atomic():
            photo.save(force_insert=True)
            record_audit(actor, "place.photo_added", "place", place.pk, {"photo": photo.pk})
    except Exception:
        default_storage.delete(name)  # nothing half-written
        raise
    return photo


def remove_photo(photo: PlacePhoto, *, actor: User) -> None:
    _require(may_run_place(actor, photo.place), "remove photos of this place")
    with transaction.atomic():
        PlacePhoto.objects.filter(pk=photo.pk).delete()
        record_audit(actor, "place.photo_removed", "place", photo.place_id, {"photo": photo.pk})
        transaction.on_commit(partial(default_storage.delete, photo.path))


# ---------------------------------------------------------------- activities


def _checked_time_and_capacity(starts_at: dt.datetime, ends_at: dt.datetime, capacity: Any) -> int:
    """The capacity as a number, once the time and the capacity of an activity check out
    (when it is created and when it is changed)."""
    if ends_at <= starts_at:
        raise InvalidInput(_("结束时间须晚于开始时间"), fields={"ends_at": "before start"})
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        raise InvalidInput(_("名额须为整数"), fields={"capacity": "invalid"}) from None
    if not 1 <= capacity <= 10_000:
        raise InvalidInput(_("名额须在 1 到 10000 之间"), fields={"capacity": "out of range"})
    return capacity


def _activity_values(
    *,
    org: Org | None,
    place: Place | None,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: Any,
    audience: str,
    location: str,
    description: str,
    signup_opens: dt.datetime | None,
    signup_closes: dt.datetime | None,
) -> dict[str, Any]:
    if place is not None:
        org = place.org
    if org is None:
        raise InvalidInput("an org or a place organises it", fields={"org": "required"})
    if audience not in Audience.values:
        raise InvalidInput("choose an audience", fields={"audience": "invalid"})
    capacity = _checked_time_and_capacity(starts_at, ends_at, capacity)
    opens = signup_opens or clock.now()
    closes = signup_closes or starts_at
    if closes <= opens or closes > ends_at:
        raise InvalidInput(
            "sign-up closes after it opens and by the end", fields={"signup_closes": "invalid"}
        )
    default_location = (place.address or place.name) if place is not None else ""
    return {
        "org": org,
        "place": place,
        "title": _short(title, "title", 100, required=True),
        "description": _short(description, "description", 2000),
        "audience": audience,
        "location": _short(location or default_location, "location", 200, required=True),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": capacity,
        "signup_opens": opens,
        "signup_closes": closes,
    }


def _may_organise(actor: User, org: Org | None, place: Place | None) -> bool:
    if place is not None:
        return may_run_place(actor, place)
    return org is not None and may_run_org(actor, org)


def create_activity(
    *,
    actor: User,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: Any,
    org: Org | None = None,
    place: Place | None = None,
    audience: str = Audience.EVERYONE,
    location: str = "",
    description: str = "",
    signup_opens: dt.datetime | None = None,
    signup_closes: dt.datetime | None = None,
) -> Activity:
    """An activity of an org, or of one of its places; published on the public site."""
    _require(_may_organise(actor, org, place), "organise activities here")
    values = _activity_values(
        org=org,
        place=place,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        audience=audience,
        location=location,
        description=description,
        signup_opens=signup_opens,
        signup_closes=signup_closes,
    )
    activity = Activity(
        door_token=_token(), created_at=clock.now(), created_by=_user(actor), **values
    )
    with transaction.atomic():
        activity.save(force_insert=True)
        record_audit(
            actor,
            "activity.created",
            "activity",
            activity.pk,
            {"org": activity.org_id, "place": activity.place_id},
        )
    return activity


def create_series(*, actor: User, weeks: int, **values: Any) -> ActivitySeries:
    """The same activity every week for `weeks` weeks (sign-up windows move with it)."""
    org, place = values.get("org"), values.get("place")
    _require(_may_organise(actor, org, place), "organise activities here")
    if not 2 <= int(weeks) <= MAX_SERIES_WEEKS:
        raise InvalidInput(f"2 to {MAX_SERIES_WEEKS} weeks", fields={"weeks": "out of range"})
    first = _activity_values(
        org=org,
        place=place,
        title=values["title"],
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        capacity=values["capacity"],
        audience=values.get("audience", Audience.EVERYONE),
        location=values.get("location", ""),
        description=values.get("description", ""),
        signup_opens=values.get("signup_opens"),
        signup_closes=values.get("signup_closes"),
    )
    now = clock.now()
    series = ActivitySeries(
        org=first["org"], place=place, title=first["title"], weeks=int(weeks), created_at=now
    )
    with transaction.atomic():
        series.save(force_insert=True)
        rows = []
        for week in range(int(weeks)):
            shift = dt.timedelta(weeks=week)
            moved = {k: (v + shift if k in _MOVING else v) for k, v in first.items()}
            rows.append(
                Activity(
                    series=series,
                    door_token=_token(),
                    created_at=now,
                    created_by=_user(actor),
                    **moved,
                )
            )
        Activity.objects.bulk_create(rows)
        record_audit(
            actor,
            "activity.series_created",
            "series",
            series.pk,
            {"weeks": int(weeks), "org": series.org_id},
        )
    return series


_MOVING = frozenset({"starts_at", "ends_at", "signup_closes"})


def _user(actor: User) -> AuthUser | None:
    return actor if isinstance(actor, AuthUser) else None


def cancel_activity(activity: Activity, *, actor: User) -> Activity:
    """Call it off; everyone signed up (and waiting) is told."""
    _require(_may_organise(actor, activity.org, activity.place), "cancel this activity")
    now = clock.now()
    with transaction.atomic():
        done = Activity.objects.filter(pk=activity.pk, cancelled_at__isnull=True).update(
            cancelled_at=now
        )
        if done != 1:
            raise Conflict("the activity is already cancelled")
        activity.cancelled_at = now
        ids = list(
            activity.signups.exclude(status=SignUp.Status.CANCELLED).values_list("pk", flat=True)
        )
        record_audit(actor, "activity.cancelled", "activity", activity.pk, {"told": len(ids)})
        transaction.on_commit(partial(reminders.tell_cancelled, ids))
    return activity


_CHANGEABLE = ("starts_at", "ends_at", "location", "capacity")


def _changed_values(activity: Activity, values: dict[str, Any]) -> dict[str, Any]:
    """The new time, location and capacity, checked together; only what differs."""
    unknown = set(values) - set(_CHANGEABLE)
    if unknown:
        raise InvalidInput(_("这些内容不能在这里修改"), fields=dict.fromkeys(unknown, "unknown"))
    new = {name: values.get(name, getattr(activity, name)) for name in _CHANGEABLE}
    new["capacity"] = _checked_time_and_capacity(new["starts_at"], new["ends_at"], new["capacity"])
    new["location"] = _short(new["location"], "location", 200, required=True)
    return {k: v for k, v in new.items() if v != getattr(activity, k)}


def _log_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def change_activity(activity: Activity, *, actor: User, **values: Any) -> Activity:
    """Move a published activity, change where it is or how many it takes; everyone signed
    up or waiting is told. More places move people up from the waiting list; fewer places
    than are taken is refused and nothing is written."""
    _require(_may_organise(actor, activity.org, activity.place), "change this activity")
    now = clock.now()
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.cancelled_at is not None:
            raise Conflict(_("活动已取消，不能再修改"))
        if locked.ends_at <= now:
            raise Conflict(_("活动已结束，不能再修改"))
        changed = _changed_values(locked, values)
        if not changed:
            return locked
        if changed.get("capacity", locked.capacity) < locked.taken:
            raise InvalidInput(
                _("已有 %(n)s 人报名成功，名额不能少于 %(n)s") % {"n": locked.taken},
                fields={"capacity": "below taken"},
            )
        if "starts_at" in changed and changed["starts_at"] <= now:
            raise InvalidInput(_("新的开始时间须在现在之后"), fields={"starts_at": "past"})
        update = dict(changed)
        if "starts_at" in changed:  # the sign-up window closes as much earlier or later
            shifted = locked.signup_closes + (changed["starts_at"] - locked.starts_at)
            update["signup_closes"] = min(shifted, changed.get("ends_at", locked.ends_at))
            if update["signup_closes"] <= locked.signup_opens:
                raise InvalidInput(
                    _("新的开始时间早于报名开放时间"), fields={"starts_at": "before sign-up"}
                )
        before = {k: _log_value(getattr(locked, k)) for k in changed}
        Activity.objects.filter(pk=locked.pk).update(**update)
        for name, value in update.items():
            setattr(activity, name, value)
        moved = _promote(activity) if changed.get("capacity", 0) > locked.capacity else []
        live = activity.signups.exclude(status=SignUp.Status.CANCELLED)
        if "starts_at" in changed:  # a new reminder before the new time
            live.filter(reminded_at__isnull=False).update(reminded_at=None)
        told = list(live.order_by("pk").values_list("pk", flat=True))
        activity.refresh_from_db(fields=["taken"])
        record_audit(
            actor,
            "activity.changed",
            "activity",
            activity.pk,
            {
                "before": before,
                "after": {k: _log_value(v) for k, v in changed.items()},
                "moved_up": moved,
                "told": len(told),
            },
        )
        transaction.on_commit(partial(reminders.tell_changed, told, moved))
    return activity


# ---------------------------------------------------------------- sign-ups (residents)


def _child(
    activity: Activity, child_name: str, child_age: Any, consent: bool
) -> tuple[str, int | None]:
    child_name = _short(child_name, "child_name", 32)
    if activity.audience != Audience.CHILDREN:
        if child_name or child_age not in (None, ""):
            raise InvalidInput("this activity is not for children", fields={"child_name": "no"})
        return "", None
    if not consent:
        raise InvalidInput(
            "a guardian consents for the child", fields={"guardian_consent": "required"}
        )
    if not child_name:
        raise InvalidInput("the child's name", fields={"child_name": "required"})
    try:
        age = int(child_age)
    except (TypeError, ValueError):
        raise InvalidInput("the child's age in years", fields={"child_age": "invalid"}) from None
    if not 0 <= age <= CHILD_MAX_AGE:
        raise InvalidInput("a child is 0 to 17 years old", fields={"child_age": "out of range"})
    return child_name, age


def sign_up(
    activity: Activity,
    *,
    name: str,
    phone: str,
    child_name: str = "",
    child_age: Any = None,
    guardian_consent: bool = False,
) -> SignUp:
    """A resident takes a place, or a place on the waiting list when it is full."""
    name = _short(name, "name", 32, required=True)
    digits = normalise_phone(phone)
    if not MOBILE.match(digits):
        raise InvalidInput("a mainland mobile number, 11 digits", fields={"phone": "invalid"})
    child_name, age = _child(activity, child_name, child_age, guardian_consent)
    now = clock.now()
    if activity.cancelled_at is not None or not activity.is_published:
        raise Conflict("this activity is not taking sign-ups")
    if not activity.signup_opens <= now < activity.signup_closes:
        raise Conflict("sign-up is not open now")
    signup = SignUp(
        activity=activity,
        name=name,
        phone=digits,
        phone_index=phone_index(digits),
        child_name=child_name,
        child_age=age,
        guardian_consent=bool(guardian_consent and age is not None),
        code=_token(),
        created_at=now,
    )
    try:
        with transaction.atomic():
            took = Activity.objects.filter(pk=activity.pk, taken__lt=F("capacity")).update(
                taken=F("taken") + 1
            )
            signup.status = SignUp.Status.CONFIRMED if took else SignUp.Status.WAITING
            signup.save(force_insert=True)
            record_audit(
                None,
                "activity.signed_up",
                "signup",
                signup.pk,
                {"activity": activity.pk, "status": signup.status},
            )
    except IntegrityError:
        raise InvalidInput(
            "this phone number is already signed up", fields={"phone": "signed up"}
        ) from None
    return signup


def _promote(activity: Activity) -> list[int]:
    """Move the longest-waiting sign-ups up while there are free places (inside a transaction)."""
    moved: list[int] = []
    while True:
        first = (
            SignUp.objects.filter(activity=activity, status=SignUp.Status.WAITING)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if first is None:
            return moved
        took = Activity.objects.filter(pk=activity.pk, taken__lt=F("capacity")).update(
            taken=F("taken") + 1
        )
        if not took:
            return moved
        up = SignUp.objects.filter(pk=first, status=SignUp.Status.WAITING).update(
            status=SignUp.Status.CONFIRMED
        )
        if up:
            moved.append(first)
        else:  # cancelled meanwhile: give the place back and look again
            Activity.objects.filter(pk=activity.pk).update(taken=F("taken") - 1)


def cancel_signup(signup: SignUp) -> SignUp:
    """The resident (holding her code) cancels; the first on the waiting list moves up."""
    if signup.activity.starts_at <= clock.now():
        raise Conflict("the activity has started")
    now = clock.now()
    with transaction.atomic():
        was = (
            SignUp.objects.select_for_update()
            .filter(pk=signup.pk)
            .values_list("status", flat=True)
            .first()
        )
        done = (
            SignUp.objects.filter(pk=signup.pk, status=was)
            .exclude(status=SignUp.Status.CANCELLED)
            .update(status=SignUp.Status.CANCELLED, cancelled_at=now)
        )
        if done != 1:
            raise Conflict("the sign-up is already cancelled")
        moved: list[int] = []
        if was == SignUp.Status.CONFIRMED:
            Activity.objects.filter(pk=signup.activity_id, taken__gt=0).update(taken=F("taken") - 1)
            moved = _promote(signup.activity)
        signup.status, signup.cancelled_at = SignUp.Status.CANCELLED, now
        record_audit(
            None,
            "activity.signup_cancelled",
            "signup",
            signup.pk,
            {"activity": signup.activity_id, "moved_up": moved},
        )
        transaction.on_commit(partial(reminders.tell_moved_up, moved))
    return signup


def _check_in(signup: SignUp, actor: User | None, how: str) -> SignUp:
    activity = signup.activity
    now = clock.now()
    if signup.status != SignUp.Status.CONFIRMED:
        raise Conflict("only a confirmed sign-up checks in")
    if activity.cancelled_at is not None:
        raise Conflict("the activity is cancelled")
    if not activity.starts_at - CHECK_IN_EARLY <= now <= activity.ends_at:
        raise Conflict("check-in opens an hour before the start and closes at the end")
    with transaction.atomic():
        done = SignUp.objects.filter(
            pk=signup.pk, status=SignUp.Status.CONFIRMED, checked_in_at__isnull=True
        ).update(checked_in_at=now, checked_in_by=_user(actor) if actor else None)
        if done != 1:
            raise Conflict("already checked in")
        signup.checked_in_at = now
        record_audit(
            actor, "activity.checked_in", "signup", signup.pk, {"activity": activity.pk, "how": how}
        )
    return signup


def check_in_at_door(signup: SignUp, door_token: str) -> SignUp:
    """The resident scanned the code at the door: it must be this activity's."""
    if not secrets.compare_digest(door_token, signup.activity.door_token):
        raise InvalidInput("this code is for another activity", fields={"door": "other"})
    return _check_in(signup, None, "door")


def check_in_by_staff(signup: SignUp, *, actor: User) -> SignUp:
    """Staff scanned the resident's code (or ticked her on the list)."""
    activity = signup.activity
    _require(_may_organise(actor, activity.org, activity.place), "check people in here")
    return _check_in(signup, actor, "staff")


def leave_feedback(signup: SignUp, *, rating: Any, text: str = "") -> SignUp:
    """After the activity, someone who came rates it (1 to 5) and may say why; once."""
    if signup.checked_in_at is None:
        raise Conflict("feedback comes from those who came")
    if clock.now() < signup.activity.ends_at:
        raise Conflict("feedback opens when the activity ends")
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        raise InvalidInput("1 to 5 stars", fields={"rating": "invalid"}) from None
    if not 1 <= stars <= 5:
        raise InvalidInput("1 to 5 stars", fields={"rating": "out of range"})
    text = _short(text, "feedback", 500)
    now = clock.now()
    with transaction.atomic():
        done = SignUp.objects.filter(pk=signup.pk, feedback_at__isnull=True).update(
            rating=stars, feedback=text, feedback_at=now
        )
        if done != 1:
            raise Conflict("feedback was already given")
        signup.rating, signup.feedback, signup.feedback_at = stars, text, now
        record_audit(None, "activity.feedback", "signup", signup.pk, {"rating": stars})
    return signup


# ---------------------------------------------------------------- volunteers on duty


def put_on_duty(activity: Activity, volunteer: Volunteer, *, actor: User) -> Duty:
    """A volunteer of the organising org's tree serves at the activity."""
    _require(_may_organise(actor, activity.org, activity.place), "arrange duty here")
    if volunteer.status != Volunteer.Status.APPROVED:
        raise Conflict("only an approved volunteer goes on duty")
    org_path, own_path = activity.org.path, volunteer.org.path
    if not (own_path.startswith(org_path) or org_path.startswith(own_path)):
        raise InvalidInput("a volunteer of this org's tree", fields={"volunteer": "outside"})
    duty = Duty(activity=activity, volunteer=volunteer, created_at=clock.now())
    try:
        with transaction.atomic():
            duty.save(force_insert=True)
            record_audit(
                actor, "activity.duty_added", "activity", activity.pk, {"volunteer": volunteer.pk}
            )
    except IntegrityError:
        raise InvalidInput("she is already on duty", fields={"volunteer": "on duty"}) from None
    return duty


def record_duty_hours(duty: Duty, hours: Any, *, actor: User) -> Duty:
    """Her hours go to her service record through the volunteers' own action (to be
    confirmed there by a second person, as every record is)."""
    activity = duty.activity
    _require(_may_organise(actor, activity.org, activity.place), "record duty hours here")
    if clock.now() < activity.starts_at:
        raise Conflict("hours are recorded once the activity has begun")
    with transaction.atomic():
        locked = Duty.objects.select_for_update().filter(pk=duty.pk, record__isnull=True).first()
        if locked is None:
            raise Conflict("her hours for this activity are already recorded")
        record = volunteer_actions.record_service(
            duty.volunteer,
            actor=actor,
            activity=activity.title[:100],
            served_on=timezone.localdate(activity.starts_at),
            hours=hours,
        )
        Duty.objects.filter(pk=duty.pk).update(record=record)
        duty.record = record
        record_audit(
            actor,
            "activity.duty_hours",
            "activity",
            activity.pk,
            {
                "volunteer": duty.volunteer_id,
                "record": record.pk,
                "hours": str(Decimal(record.hours)),
            },
        )
    return duty


# ---------------------------------------------------------------- reminders


def send_reminders(*, within: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Remind everyone confirmed for an activity starting within `within`, once each; safe
    to run twice at once (each reminder is claimed by a conditional UPDATE)."""
    now = clock.now()
    due = SignUp.objects.filter(
        status=SignUp.Status.CONFIRMED,
        reminded_at__isnull=True,
        activity__cancelled_at__isnull=True,
        activity__starts_at__gt=now,
        activity__starts_at__lte=now + within,
    ).values_list("pk", flat=True)
    claimed: list[int] = []
    for pk in list(due):
        with transaction.atomic():
            if SignUp.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                claimed.append(pk)
                transaction.on_commit(partial(reminders.remind, [pk]))
    return len(claimed)
