"""Open311 GeoReport v2 endpoints: thin views over the catalogue, selectors and actions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sanshi.attachments.fetch import fetch_media
from sanshi.attachments.sanitise import clean_uploads
from sanshi.concerns.models import Channel, ConcernEvent, Status
from sanshi.core import parsing
from sanshi.core.errors import SanshiError
from sanshi.core.idempotency import Answer, answer_once, fingerprint
from sanshi.core.views import UNAVAILABLE
from sanshi.core.views import unavailable as _unavailable
from sanshi.intake import conf, ratelimit
from sanshi.intake.actions import submit_open311_request
from sanshi.intake.models import Open311Key, Open311Submission
from sanshi.intake.open311 import render
from sanshi.intake.open311.catalogue import Attribute, Service, service, services
from sanshi.intake.open311.present import request_item, service_notice, update_item
from sanshi.intake.reporter import ReporterRelation
from sanshi.intake.selectors import PUBLIC_KINDS, active_open311_key, public_concerns
from sanshi.intake.take_in import ConcernIntake
from sanshi.orgs.models import Division

View = Callable[..., HttpResponse]
CHANGESET = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_SPAN = dt.timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_DESCRIPTION = 4000
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DIVISION = re.compile(r"[0-9]{2,12}")
# The most a page may skip: past it the offset means nothing (and overflows PostgreSQL's bigint).
MAX_PAGE = 100_000


class Problem(Exception):
    """One or more errors to answer with the spec's errors list."""

    def __init__(self, status: int, *problems: str) -> None:
        super().__init__(problems[0] if problems else "")
        self.status = status
        self.problems = problems


def _param(data: QueryDict, name: str) -> str:
    """An optional argument: empty counts as absent (the spec's rule)."""
    return (data.get(name) or "").strip()


def open311(view: View) -> View:
    """Check the format and jurisdiction, turn Problems and action errors into errors lists."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            data = request.POST if request.method == "POST" else request.GET
            jurisdiction = _param(data, "jurisdiction_id") or _param(request.GET, "jurisdiction_id")
            if jurisdiction and jurisdiction != conf.open311_jurisdiction():
                raise Problem(404, f"jurisdiction_id {jurisdiction!r} not found")
            return view(request, *args, fmt=fmt, **kwargs)
        except Problem as problem:
            response = render.errors(
                fmt, problem.status, [(problem.status, p) for p in problem.problems]
            )
            if isinstance(problem, RateLimited):
                response["Retry-After"] = str(problem.retry_after)
            return response
        except SanshiError as exc:
            details = [(exc.status, f"{k}: {v}") for k, v in exc.fields.items()]
            return render.errors(fmt, exc.status, [(exc.status, exc.message), *details])
        except (RequestDataTooBig, TooManyFieldsSent):
            return render.errors(fmt, 413, [(413, "request body too large")])
        except MultiPartParserError:
            return render.errors(
                fmt, 400, [(400, "send the form as application/x-www-form-urlencoded")]
            )
        except UNAVAILABLE:
            return _unavailable(request)  # the errors list with 503 and Retry-After

    return wrapper


# ---------------------------------------------------------------- discovery and services


@require_http_methods(["GET", "HEAD"])
@open311
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311-root"))
    changeset = render.w3c(CHANGESET)
    body = {
        "changeset": changeset,
        "contact": conf.open311_contact(),
        "key_service": "向妇联管理员申请 api_key / ask the federation's administrator for a key",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render.respond(fmt, "discovery", body)


def _service_item(s: Service) -> dict[str, Any]:
    return {
        "service_code": s.code,
        "service_name": s.sub.name,
        "description": f"{s.sub.name} / {s.sub.en}",
        "metadata": bool(s.attributes),
        "type": s.type,
        "keywords": ", ".join([s.sub.en, s.group]),
        "group": s.group,
    }


@require_http_methods(["GET", "HEAD"])
@open311
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return render.respond(fmt, "services", [_service_item(s) for s in services()])


def _attribute_item(a: Attribute, order: int) -> dict[str, Any]:
    return {
        "variable": a.variable,
        "code": a.code,
        "datatype": a.datatype,
        "required": a.required,
        "datatype_description": a.datatype_description or None,
        "order": order,
        "description": a.description,
        "values": [{"key": key, "name": name} for key, name in a.values],
    }


@require_http_methods(["GET", "HEAD"])
@open311
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    found = service(code)
    if found is None:
        raise Problem(404, f"service_code {code!r} not found")
    body = {
        "service_code": found.code,
        "attributes": [_attribute_item(a, i) for i, a in enumerate(found.attributes, start=1)],
    }
    return render.respond(fmt, "service_definition", body)


# ---------------------------------------------------------------- POST requests


def _client(request: HttpRequest) -> Open311Key:
    raw = _param(request.POST, "api_key") or _param(request.GET, "api_key")
    if not raw:
        raise Problem(403, "api_key missing")
    key = active_open311_key(raw)
    if key is None:
        raise Problem(403, "api_key invalid")
    return key


def _clean_text(value: str) -> str:
    """Control characters cannot be stored (PostgreSQL refuses NUL) nor shown in XML."""
    return _CONTROL.sub("", value).strip()


def _coordinates(data: QueryDict, errors: list[str]) -> tuple[Decimal | None, Decimal | None]:
    lat_raw, long_raw = _param(data, "lat"), _param(data, "long")
    if bool(lat_raw) != bool(long_raw):
        errors.append("lat and long must be given together")
        return None, None
    if not lat_raw:
        return None, None
    try:
        lat, lon = Decimal(lat_raw), Decimal(long_raw)
    except InvalidOperation:
        errors.append("lat and long must be decimal numbers (WGS84)")
        return None, None
    if not (lat.is_finite() and lon.is_finite() and -90 <= lat <= 90 and -180 <= lon <= 180):
        errors.append("lat must be within ±90 and long within ±180")
        return None, None
    return lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))


def _division(data: QueryDict, errors: list[str]) -> Division | None:
    code = _param(data, "address_id")
    if not code:
        return None
    division = Division.objects.filter(code=code).first() if _DIVISION.fullmatch(code) else None
    if division is None:
        errors.append(f"address_id {code!r} is not an official division code")
    return division


def _division_names(division: Division | None) -> str:
    names: list[str] = []
    while division is not None:
        names.insert(0, division.name)
        division = division.parent
    return "".join(names)


def _attribute_values(data: QueryDict, s: Service, errors: list[str]) -> dict[str, str]:
    """attribute[CODE]=v (or attribute[CODE][]=v for lists), checked against the definition."""
    values: dict[str, str] = {}
    for attribute in s.attributes:
        raw = data.getlist(f"attribute[{attribute.code}]") or data.getlist(
            f"attribute[{attribute.code}][]"
        )
        raw = [v.strip() for v in raw if v.strip()]
        if not raw:
            if attribute.required:
                errors.append(f"attribute[{attribute.code}] is required")
            continue
        allowed = {key for key, _name in attribute.values}
        if attribute.datatype == "singlevaluelist" and (len(raw) > 1 or raw[0] not in allowed):
            errors.append(f"attribute[{attribute.code}] must be one of {sorted(allowed)}")
            continue
        values[attribute.code] = raw[0]
    return values


# The personal fields the spec defines, with the most each may hold: a longer or malformed
# value is refused with its name (never cut short, which would store something else).
PERSONAL_LIMITS = {
    "first_name": 32,
    "last_name": 32,
    "phone": 32,
    "email": 254,
    "address_string": 300,
    "device_id": 128,
    "account_id": 128,
}
MAX_NAME = 64
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _personal_errors(data: QueryDict) -> list[str]:
    """What is wrong with the personal fields, one message per field, each naming it."""
    errors = [
        f"{name} is limited to {limit} characters"
        for name, limit in PERSONAL_LIMITS.items()
        if len(_param(data, name)) > limit
    ]
    if errors:
        return errors
    phone = _param(data, "phone")
    digits = sum(ch.isascii() and ch.isdigit() for ch in phone)
    if phone and (not _PHONE.fullmatch(phone) or not 3 <= digits <= 20):
        errors.append("phone must be a phone number: 3-20 digits, with + ( ) - or spaces")
    email = _param(data, "email")
    if email and not _EMAIL.fullmatch(email):
        errors.append("email must be an address such as name@example.org")
    if len(_reporter_name(data)) > MAX_NAME:
        errors.append(f"first_name and last_name together are limited to {MAX_NAME} characters")
    return errors


def _reporter_name(data: QueryDict) -> str:
    first, last = _clean_text(_param(data, "first_name")), _clean_text(_param(data, "last_name"))
    if re.search(r"[\u4e00-\u9fff]", first + last):
        return last + first  # Chinese names put the family name first
    return " ".join(p for p in (first, last) if p)


def _intake_arguments(data: QueryDict) -> tuple[Service, ConcernIntake]:
    errors: list[str] = []
    code = _param(data, "service_code")
    if not code:
        raise Problem(400, "service_code is required")
    s = service(code)
    if s is None:
        raise Problem(404, f"service_code {code!r} not found")
    errors.extend(_personal_errors(data))
    lat, lon = _coordinates(data, errors)
    division = _division(data, errors)
    # Routing reads the address text: without one, the official division's names stand in.
    address = _clean_text(_param(data, "address_string")) or _division_names(division)
    if lat is None and division is None and not address and not errors:
        errors.append("a location is required: lat and long, address_string or address_id")
    description = _clean_text(data.get("description") or "")
    if not description:
        errors.append("description is required: what happened")
    elif len(description) > MAX_DESCRIPTION:
        errors.append(f"description is limited to {MAX_DESCRIPTION} characters")
    attributes = _attribute_values(data, s, errors)
    if errors:
        raise Problem(400, *errors)
    phone = _clean_text(_param(data, "phone"))
    name = _reporter_name(data)
    return s, ConcernIntake(
        text=description,
        channel=Channel.OPEN311,
        address=address,
        subcategory=s.code,
        division=division,
        latitude=lat,
        longitude=lon,
        reporter_name=name,
        reporter_phone=phone,
        anonymous=not (name or phone),
        minor_under_14=attributes.get("minor_under_14") == "true",
        guardian_consent=attributes.get("guardian_consent") == "true",
        reporter_relation=attributes.get("reporter_relation", ReporterRelation.SELF),
        publish_consent=attributes.get("publish_consent") == "true",
        consent_version="open311",
    )


def _limit(client: Open311Key) -> None:
    limited = ratelimit.hit("open311", str(client.pk), limit=conf.open311_rate(), window=60)
    if limited is not None:
        raise RateLimited(limited.retry_after)


class RateLimited(Problem):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, f"rate limit reached; retry after {retry_after} seconds")
        self.retry_after = retry_after


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def requests_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return create_request(request, fmt=fmt)
    return request_list(request, fmt=fmt)


@open311
def create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _client(request)
    _limit(client)
    key = (request.headers.get("Idempotency-Key") or "").strip()[:128]
    # The form as parsed, not the raw body: a multipart body was read by the parsing already,
    # and the same fields sent in another encoding are the same request.
    form = urlencode(sorted(request.POST.lists()), doseq=True).encode()
    print_ = fingerprint("POST", "/open311/requests", form)

    def create() -> Answer:
        s, intake = _intake_arguments(request.POST)
        # Photos sent as multipart `media`, or at a `media_url` on a trusted host
        # (sanshi.attachments); a bad one refuses the whole request with its reason.
        files = clean_uploads(request.FILES.getlist("media"))
        files += fetch_media(_param(request.POST, "media_url"))
        done = submit_open311_request(replace(intake, attachments=files), client=client)
        submission = done.submission
        item: dict[str, Any] = (
            {"token": submission.token}
            if s.type == "batch"
            else {"service_request_id": str(submission.concern_id)}
        )
        item["service_notice"] = service_notice(submission.concern, critical=done.critical)
        item["account_id"] = None
        return Answer(201, [item])

    answer = answer_once(f"open311:{client.pk}", key, print_, create)
    status = 200 if answer.replayed else answer.status
    return render.respond(fmt, "service_requests", answer.body, status=status)


# ---------------------------------------------------------------- GET requests


def _date(data: QueryDict, name: str) -> dt.datetime | None:
    raw = _param(data, name)
    if not raw:
        return None
    try:
        return parsing.parse_datetime(raw, name=name)
    except parsing.Unparsable as exc:
        raise Problem(400, str(exc)) from None


def _window(data: QueryDict) -> tuple[dt.datetime, dt.datetime]:
    """start_date and end_date: at most 90 days apart; the latest 90 days by default."""
    start, end = _date(data, "start_date"), _date(data, "end_date")
    if start is None and end is None:
        end = timezone.now()
        return end - MAX_SPAN, end
    if start is None:
        assert end is not None  # noqa: S101 - narrowed for mypy
        return end - MAX_SPAN, end
    if end is None:
        return start, start + MAX_SPAN
    if end < start:
        raise Problem(400, "end_date is before start_date")
    if end - start > MAX_SPAN:
        raise Problem(400, "start_date and end_date may not span more than 90 days")
    return start, end


def _paging(data: QueryDict) -> tuple[int, int]:
    page_raw, size_raw = (
        _param(data, "page") or "1",
        _param(data, "page_size") or str(MAX_PAGE_SIZE),
    )
    try:
        page = parsing.parse_int(page_raw, minimum=1, maximum=MAX_PAGE, name="page")
        size = parsing.parse_int(size_raw, minimum=1, maximum=MAX_PAGE_SIZE, name="page_size")
    except parsing.Unparsable as exc:
        raise Problem(400, str(exc)) from None
    return page, size


def _comma_list(data: QueryDict, name: str) -> list[str]:
    return [part.strip() for part in _param(data, name).split(",") if part.strip()]


STATUS_FILTER = {"open": False, "closed": True}
CLOSED = (Status.CLOSED, Status.MERGED)


@open311
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.GET
    ids = _comma_list(data, "service_request_id")
    page, size = _paging(data)
    concerns = public_concerns()
    if ids:  # overrides every other argument (the spec)
        wanted = [parsing.int_or_none(i, minimum=1) for i in ids[:MAX_PAGE_SIZE]]
        concerns = concerns.filter(pk__in=[i for i in wanted if i is not None])
    else:
        concerns = _filtered(concerns, data)
    rows = list(concerns.order_by("-received_at", "-pk")[(page - 1) * size : page * size])
    return render.respond(fmt, "service_requests", [request_item(c) for c in rows])


def _filtered(concerns: Any, data: QueryDict) -> Any:
    codes = _comma_list(data, "service_code")
    unknown = [c for c in codes if service(c) is None]
    if unknown:
        raise Problem(404, *[f"service_code {c!r} not found" for c in unknown])
    statuses = _comma_list(data, "status")
    wrong = [s for s in statuses if s not in STATUS_FILTER]
    if wrong:
        raise Problem(400, *[f"status {s!r} is not open or closed" for s in wrong])
    start, end = _window(data)
    concerns = concerns.filter(received_at__gte=start, received_at__lte=end)
    if codes:
        concerns = concerns.filter(subcategory__in=codes)
    if set(statuses) == {"open"}:
        concerns = concerns.exclude(status__in=CLOSED)
    elif set(statuses) == {"closed"}:
        concerns = concerns.filter(status__in=CLOSED)
    return concerns


@require_http_methods(["GET", "HEAD"])
@open311
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    pk = parsing.int_or_none(request_id, minimum=1)
    concern = public_concerns().filter(pk=pk).first() if pk is not None else None
    if concern is None:
        raise Problem(404, f"service_request_id {request_id!r} not found")
    return render.respond(fmt, "service_requests", [request_item(concern)])


@require_http_methods(["GET", "HEAD"])
@open311
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    try:
        clean = parsing.parse_code(token, max_length=32, name="token")
    except parsing.Unparsable:
        clean = ""
    submission = Open311Submission.objects.filter(token=clean).first() if clean else None
    if submission is None:
        raise Problem(404, f"token {token!r} not found")
    body = [{"service_request_id": str(submission.concern_id), "token": submission.token}]
    return render.respond(fmt, "service_requests", body)


# ---------------------------------------------------------------- mySociety's updates


@require_http_methods(["GET", "HEAD"])
@open311
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    start, end = _window(request.GET)
    page, size = _paging(request.GET)
    events = (
        ConcernEvent.objects.filter(
            concern__in=public_concerns().values("pk"),
            kind__in=list(PUBLIC_KINDS),
            at__gte=start,
            at__lte=end,
        )
        .exclude(to_status="")
        .select_related("org")
        .order_by("at", "pk")[(page - 1) * size : page * size]
    )
    return render.respond(fmt, "service_request_updates", [update_item(e) for e in events])


@csrf_exempt
@open311
def unknown(request: HttpRequest, rest: str, fmt: str) -> HttpResponse:
    raise Problem(404, "no such Open311 resource")
