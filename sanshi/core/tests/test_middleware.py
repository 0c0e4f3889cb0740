"""sanshi's CSPMiddleware sets exactly the headers django-csp's own sets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware as Upstream
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import RequestFactory

from sanshi.core.middleware import CSPMiddleware

POLICY = {"DIRECTIVES": {"default-src": [SELF], "img-src": [SELF, "data:"]}}


def _plain(request: HttpRequest) -> HttpResponseBase:
    return HttpResponse("{}", content_type="application/json")


def _nonce(request: HttpRequest) -> HttpResponseBase:
    return HttpResponse(f"<style nonce='{request.csp_nonce}'></style>")  # type: ignore[attr-defined]


@csp_update({"img-src": "https://tiles.example.org"})
def _updated(request: HttpRequest) -> HttpResponseBase:
    return HttpResponse("map")


@csp_exempt()
def _exempt(request: HttpRequest) -> HttpResponseBase:
    return HttpResponse("free")


def _not_found(request: HttpRequest) -> HttpResponseBase:
    return HttpResponse("gone", status=404)


def _headers(
    middleware: type[Upstream], view: Callable[..., HttpResponseBase], path: str
) -> tuple[dict[str, str], str | None]:
    request = RequestFactory().get(path)
    mw = middleware(view)
    mw.process_request(request)
    response = view(request)
    response = mw.process_response(request, response)
    nonce = getattr(request, "_csp_nonce", None)
    got = {h: response[h] for h in (HEADER, HEADER_REPORT_ONLY) if h in response}
    # The nonce differs between the two runs: compare the policy with it taken out.
    return {h: v.replace(nonce, "N") if nonce else v for h, v in got.items()}, nonce


@pytest.mark.parametrize("view", [_plain, _nonce, _updated, _exempt, _not_found])
@pytest.mark.parametrize(
    "config",
    [
        {"CONTENT_SECURITY_POLICY": POLICY},
        {"CONTENT_SECURITY_POLICY_REPORT_ONLY": POLICY},
        {"CONTENT_SECURITY_POLICY": POLICY, "CONTENT_SECURITY_POLICY_REPORT_ONLY": POLICY},
        {"CONTENT_SECURITY_POLICY": {**POLICY, "EXCLUDE_URL_PREFIXES": ["/api/"]}},
        {"CONTENT_SECURITY_POLICY": POLICY, "DEBUG": True},
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/concerns", "/console/"])
def test_the_same_headers_as_django_csp(
    settings: Any, config: dict[str, Any], view: Callable[..., HttpResponseBase], path: str
) -> None:
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = None
    for name, value in config.items():
        setattr(settings, name, value)
    ours, ours_nonce = _headers(CSPMiddleware, view, path)
    theirs, theirs_nonce = _headers(Upstream, view, path)
    assert ours == theirs
    assert (ours_nonce is None) == (theirs_nonce is None) == (view is not _nonce)


def test_the_settings_policy_reaches_a_plain_response_and_changes_with_the_settings(
    settings: Any,
) -> None:
    settings.CONTENT_SECURITY_POLICY = POLICY
    headers, _ = _headers(CSPMiddleware, _plain, "/api/v1/concerns")
    # django-csp writes the directives in set order: compare them as a set.
    assert set(headers) == {HEADER}
    assert set(headers[HEADER].split("; ")) == {"default-src 'self'", "img-src 'self' data:"}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    headers, _ = _headers(CSPMiddleware, _plain, "/api/v1/concerns")
    assert headers == {HEADER: "default-src 'none'"}


def test_a_nonce_asked_for_after_the_header_is_an_error(settings: Any) -> None:
    from csp.exceptions import CSPNonceError

    settings.CONTENT_SECURITY_POLICY = POLICY
    request = RequestFactory().get("/")
    mw = CSPMiddleware(_plain)
    mw.process_request(request)
    mw.process_response(request, _plain(request))
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)  # type: ignore[attr-defined]


# --- the people's middleware, skipped for the API and Open311 --------------------------------

PEOPLE_ONLY = ("session", "_messages", "htmx")


@pytest.mark.django_db
def test_machine_requests_skip_the_peoples_middleware_and_pages_keep_it(world: Any) -> None:
    from django.test import Client

    from sanshi.api.actions import issue_api_token

    _token, raw = issue_api_token(world.dispatcher, name="mw")
    client = Client()
    # A browser session on the same client: the API neither reads nor renews it.
    client.force_login(world.dispatcher)
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200
    assert api.json()["username"] == world.dispatcher.username
    assert [n for n in PEOPLE_ONLY if hasattr(api.wsgi_request, n)] == []
    assert api.cookies == {}
    open311 = client.get("/open311/v2/services.json")
    assert open311.status_code == 200
    assert [n for n in PEOPLE_ONLY if hasattr(open311.wsgi_request, n)] == []
    # The API takes no session in place of its token.
    assert client.get("/api/v1/me").status_code == 401
    page = client.get("/console/login/")
    assert [n for n in PEOPLE_ONLY if hasattr(page.wsgi_request, n)] == list(PEOPLE_ONLY)
    # Headers every response carries still reach the machine interfaces.
    for response in (api, open311):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_wrapped_middleware_is_the_same_class_underneath() -> None:
    from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessions

    from sanshi.core import middleware

    assert issubclass(middleware.SessionMiddleware, DjangoSessions)
    assert middleware.SessionMiddleware.__name__ == "SessionMiddleware"

    class WithExceptionHook(DjangoSessions):
        def process_exception(self, request: HttpRequest, exception: Exception) -> None:
            return None

    with pytest.raises(TypeError, match="process_exception"):
        middleware.for_people(WithExceptionHook)
