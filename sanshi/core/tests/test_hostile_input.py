"""No 500 for any input: every URL pattern, fed hostile values in its path, query and form.

The test walks Django's URL resolver (so a new page is covered the day it is added), fills
every path parameter with each hostile value, and sends GET and POST requests with hostile
query and form values, anonymous and signed in. A 5xx fails the test with the URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sanshi.testing import World

# Each was a 500 once, or is a classic: a NUL (PostgreSQL refuses it), a superscript two
# (str.isdigit accepts it), numbers past bigint, year 9999, a lone surrogate, long text.
HOSTILE = [
    "\x00",
    "²",
    "٣",
    "9999999999999999",
    "99999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "9999-12-31T00:00:00+00:00",
    "0001-01-01T00:00:00-23:59",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\ud800",
    "x" * 300,
    "",
]
PARAMS = [
    "page",
    "page_size",
    "start_date",
    "end_date",
    "q",
    "card",
    "code",
    "org",
    "status",
    "category",
    "subcategory",
    "start",
    "end",
    "cursor",
    "limit",
    "service_request_id",
    "service_code",
    "province",
    "city",
    "next",
    "handler",
    "id",
    "lat",
    "long",
    "username",
    "password",
    "text",
    "phone",
    "name",
    "once",
    "area",
]
SKIP = ("admin/",)  # Django's own admin


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        text = str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + _route_text(text))
        elif isinstance(p, URLPattern):
            yield prefix + _route_text(text)


def _route_text(text: str) -> str:
    """A route ("track/<str:code>/") or a regex ("^requests/(?P<id>[^/]+)\\.(?P<fmt>json|xml)$")
    written with {name} where its parameters go."""
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
    text = re.sub(r"\(\?P<fmt>json\|xml\)", "json", text)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
    return text.removeprefix("^").removesuffix("$").replace("\\.", ".")


def _urls() -> list[str]:
    routes = sorted(set(_routes(get_resolver().url_patterns)))
    return [r for r in routes if not r.startswith(SKIP)]


def _fill(route: str, value: str) -> str:
    raw = quote(value.encode("utf-8", "surrogatepass"), safe="") or "x"
    return "/" + re.sub(r"\{\w+\}", raw, route)


def _query(value: str) -> str:
    return "&".join(f"{p}={quote(value.encode('utf-8', 'surrogatepass'), safe='')}" for p in PARAMS)


def _check(client: Client, method: str, url: str, **kw: Any) -> str | None:
    response = getattr(client, method)(url, **kw)
    return (
        None if response.status_code < 500 else f"{method.upper()} {url} -> {response.status_code}"
    )


def _form(value: str) -> dict[str, str]:
    safe = value.encode("utf-8", "replace").decode()  # a form cannot carry a lone surrogate
    return dict.fromkeys(PARAMS, safe)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings: Any) -> None:
    """Every request reaches its view (a 429 would hide what comes after it)."""
    for name in (
        "SANSHI_INTAKE_IP_RATE",
        "SANSHI_INTAKE_PHONE_RATE",
        "SANSHI_TRACK_RATE",
        "SANSHI_TRACK_MISS_RATE",
        "SANSHI_API_RATE",
        "SANSHI_OPEN311_RATE",
    ):
        setattr(settings, name, 0)
    # No SLA sweep runs in a test: /healthz would rightly answer 503 about that, not the input.
    settings.SANSHI_HEALTH_STALE_MINUTES = 0


def _sweep(client: Client) -> list[str]:
    failures = []
    for route in _urls():
        for value in HOSTILE:
            url = _fill(route, value)
            for failure in (
                _check(client, "get", url),
                _check(client, "get", f"{_fill(route, '1')}?{_query(value)}"),
                _check(client, "post", url, data=_form(value)),
            ):
                if failure:
                    failures.append(failure)
    return failures


def test_the_url_walk_covers_every_part_of_the_site() -> None:
    urls = _urls()
    for part in ("console/", "api/v1/", "open311/v2/", "report/", "track/", "m/", "accounts/"):
        assert any(u.startswith(part) for u in urls), part
    assert len(urls) >= 60


@pytest.mark.django_db(transaction=False)
def test_no_hostile_value_gets_a_5xx_anonymous(world: World) -> None:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert _sweep(client) == []


@pytest.mark.django_db(transaction=False)
def test_no_hostile_value_gets_a_5xx_signed_in(world: World) -> None:
    world.concern()
    client = Client(raise_request_exception=False)
    client.force_login(world.dispatcher)
    assert _sweep(client) == []
