"""Middleware: the people's ones skipped for machine interfaces; django-csp's, faster.

The API (/api/) and Open311 (/open311/) are called by programs with a bearer token or an
api_key in every request, never with a session cookie. The middleware that serves people in
a browser (sessions, sign-in, 2FA, flash messages, CSRF, htmx) has nothing to do there, yet
cost an API create about 4 % of its instructions (docs/benchmarks.md, session 7): the
classes below are those middlewares, each skipped for those paths and unchanged for every
other. Security, CSP, static files, locale (the API answers in the caller's language),
common, clickjacking and django-axes run for every request.

django-csp builds the Content-Security-Policy header again for every response, copying the
whole policy twice (once for the report-only header) even when nothing in it can differ
from the last response: that cost an API create about 3 % of its instructions
(docs/benchmarks.md, session 7). A response for which no view changed the policy (no
`csp_update` / `csp_replace` / `csp_exempt` / `csp` decorator) and whose request used no
nonce gets the header django-csp builds from the settings, built once; every other
response goes through django-csp whole. test_middleware.py checks both give the same headers.
"""

from __future__ import annotations

import functools
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.middleware import csrf
from django_htmx import middleware as htmx
from django_otp import middleware as otp

MACHINE_PATHS = ("/api/", "/open311/")


def for_machines(request: HttpRequest) -> bool:
    """A request to the API or to Open311 (the path inside the site, as the URLconf sees it)."""
    return request.path_info.startswith(MACHINE_PATHS)


def for_people(base: type) -> type:
    """`base` (a middleware class), doing nothing for requests to the machine interfaces."""
    extra_hooks = {"process_template_response", "process_exception"} & set(dir(base))
    if extra_hooks:  # none of the wrapped ones has them: a new version that does is looked at
        raise TypeError(f"{base.__name__} has {sorted(extra_hooks)}: not wrapped")

    def __call__(self: Any, request: HttpRequest) -> Any:
        if for_machines(request) and not getattr(self, "_is_coroutine", False):
            return self.get_response(request)
        return base.__call__(self, request)

    attrs: dict[str, Any] = {
        "__call__": __call__,
        "__module__": __name__,
        "__qualname__": base.__name__,
        "__doc__": f"{base.__module__}.{base.__name__}, skipped for {' and '.join(MACHINE_PATHS)}.",
    }
    if hasattr(base, "process_view"):

        def process_view(self: Any, request: HttpRequest, *args: Any) -> Any:
            return None if for_machines(request) else base.process_view(self, request, *args)

        attrs["process_view"] = process_view
    return type(base.__name__, (base,), attrs)


SessionMiddleware = for_people(sessions.SessionMiddleware)
CsrfViewMiddleware = for_people(csrf.CsrfViewMiddleware)
AuthenticationMiddleware = for_people(auth.AuthenticationMiddleware)
HtmxMiddleware = for_people(htmx.HtmxMiddleware)
OTPMiddleware = for_people(otp.OTPMiddleware)
MessageMiddleware = for_people(messages.MessageMiddleware)

# What django-csp's decorators set on a response; any of them and the policy is the view's own.
_PER_RESPONSE = tuple(
    f"_csp_{kind}{ro}" for kind in ("config", "update", "replace", "exempt") for ro in ("", "_ro")
)
_DEBUG_EXEMPT = (404, 500)  # django-csp leaves Django's debug pages alone


@functools.cache
def _fixed_headers() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, policy, excluded path prefixes) for each header the settings ask for."""
    headers = []
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        policy = build_policy(report_only=report_only)
        if policy:
            config = getattr(settings, setting, None) or {}
            prefixes = tuple(config.get("EXCLUDE_URL_PREFIXES", None) or ())
            headers.append((header, policy, prefixes))
    return tuple(headers)


@receiver(setting_changed)
def _forget_headers(setting: str, **_: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        _fixed_headers.cache_clear()


class CSPMiddleware(_CSPMiddleware):
    """django-csp's CSPMiddleware (same settings, same headers), faster for the responses
    whose policy is the settings' own."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _PER_RESPONSE
        ):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_EXEMPT and settings.DEBUG:
            return response
        for header, policy, prefixes in _fixed_headers():
            if header not in response and not request.path_info.startswith(prefixes):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        setattr(request, "csp_nonce", CheckableLazyObject(self._csp_nonce_post_response))  # noqa: B010
        return response


# ---------------------------------------------------------------- control characters at the edge

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseControlCharactersMiddleware:
    """400 for a NUL or another control character in the path, the query, or a form sent
    to a machine interface.

    No URL needs them; PostgreSQL refuses NUL in text (a 500 where SQLite stores it), and XML
    cannot carry them. Refusing them here, for every database and every view, answers the
    sender clearly: Open311 in its errors list, the API in its JSON shape, people in a line of
    text. Forms people send are left to their Django forms, whose CharFields refuse NUL with a
    field error on the page (the report form also drops other control characters), so a
    resident keeps what they typed. Tab, line feed and carriage return always pass.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        field = _control_field(request)
        if field is not None:
            return _refuse(request, field)
        return self.get_response(request)


def _control_field(request: HttpRequest) -> str | None:
    """The name of the first part of the request that holds a control character, if any."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
    from django.http.multipartparser import MultiPartParserError

    from sanshi.core.parsing import has_control

    if has_control(request.path_info):
        return "path"
    for name, values in request.GET.lists():
        if has_control(name) or any(has_control(v) for v in values):
            return name
    if not for_machines(request) or request.method != "POST":
        return None
    if not (request.content_type or "").startswith(_FORM_TYPES):
        return None
    try:
        form = request.POST
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError):
        return None  # the view answers these in its own way (413, 400)
    for name, values in form.lists():
        if has_control(name) or any(has_control(v) for v in values):
            return name
    return None


def _refuse(request: HttpRequest, field: str) -> HttpResponseBase:
    from django.http import HttpResponse, JsonResponse

    message = f"{field}: contains a control character (such as NUL) that is not allowed"
    path = request.path_info
    if path.startswith("/open311/"):
        from sanshi.intake.open311 import render

        fmt = "json" if path.endswith(".json") else "xml"
        return render.errors(fmt, 400, [(400, message)])
    if path.startswith("/api/"):
        fields = {field: "contains characters that are not allowed"}
        body = {"error": "invalid_input", "message": message, "fields": fields}
        return JsonResponse(body, status=400)
    text = f"请求中含有不允许的控制字符（如 NUL）。\n{message}\n"
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
