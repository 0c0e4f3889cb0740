"""While the database is away every page answers 503, Retry-After and the emergency numbers.

A real gunicorn is pointed at a PostgreSQL port where nothing listens: every request that
needs the database fails to connect, as during an outage or a failover.
"""

# ruff: noqa: S310 - the test opens http://127.0.0.1 addresses of its own server
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from sanshi.core.tests.servers import environment, free_port, gunicorn, sanshi

# Pages that read the database answer 503; the few that need none still work (the home page,
# the tracking form, sign-in forms; console pages send a visitor without a session to sign in).
PAGES = {
    "/report/": 503,
    "/report/done/": 503,
    "/track/ABCD2345EFGH/": 503,
    "/m/abc123/": 503,
    "/m/abc123/print/": 503,
    "/": 200,
    "/track/": 200,
    "/console/": 302,
    "/console/search/?q=137": 302,
    "/console/c/1/": 302,
    "/console/login/": 200,
}
OPEN311 = {
    "services": 200,
    "requests": 503,
    "requests/1": 503,
    "tokens/abc": 503,
    "servicerequestupdates": 503,
}


@pytest.fixture(scope="module")
def down(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    closed = free_port()  # nothing listens there
    env = environment(
        tmp_path_factory.mktemp("outage"),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/sanshi",
    )
    sanshi(env, "collectstatic", "--noinput", "-v0")  # reads no database
    with gunicorn(env, workers=1, threads=4) as base:
        yield base


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener.open(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


@pytest.mark.parametrize(("path", "expected"), PAGES.items())
def test_every_page_answers_without_a_500_and_with_the_numbers(
    down: str, path: str, expected: int
) -> None:
    status, headers, page = _get(down + path, **{"Accept-Language": "zh-CN"})
    assert status == expected, page[:300]
    if status == 302:
        assert headers["Location"].startswith("/console/login/")
        return
    if not path.startswith("/console/"):  # the residents' pages always show the numbers
        assert all(number in page for number in ("110", "120", "12338"))
    if status == 503:
        assert headers["Retry-After"] == "30"
        assert "系统暂时无法使用" in page
        assert all(f'href="tel:{number}"' in page for number in ("110", "120", "12338"))


def test_signing_in_during_the_outage_gets_the_calm_page(down: str) -> None:
    status, headers, page = _get(down + "/console/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert status == 200 and token is not None
    cookie = headers["Set-Cookie"].split(";")[0]
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": "a", "password": "b"}
    ).encode()
    request = urllib.request.Request(
        down + "/console/login/",
        data=data,
        headers={"Cookie": cookie, "Referer": down},
    )
    try:
        _opener.open(request, timeout=20)
        raise AssertionError("expected 503")
    except urllib.error.HTTPError as exc:
        assert (exc.code, exc.headers["Retry-After"]) == (503, "30")
        assert 'href="tel:12338"' in exc.read().decode()


def test_the_page_speaks_english_when_asked(down: str) -> None:
    status, _headers, page = _get(down + "/report/", **{"Accept-Language": "en"})
    assert status == 503
    assert "We will be back in a moment" in page and 'href="tel:12338"' in page


@pytest.mark.parametrize(("fmt", "marker"), [("json", '"code": 503'), ("xml", "<code>503</code>")])
def test_open311_answers_its_own_errors_list_with_503(down: str, fmt: str, marker: str) -> None:
    for name, expected in OPEN311.items():
        status, headers, body = _get(f"{down}/open311/v2/{name}.{fmt}")
        assert status == expected, (name, body[:200])
        if status == 503:
            assert headers["Retry-After"] == "30"
            assert marker in body.replace('"code":503', '"code": 503'), name


def test_the_api_answers_503_in_its_json_shape(down: str) -> None:
    status, headers, body = _get(down + "/api/v1/concerns", Authorization="Bearer ss_x")
    assert status == 503 and headers["Retry-After"] in {"5", "30"}
    assert '"error": "unavailable"' in body.replace('":"', '": "')


def test_the_health_check_says_the_database_is_away(down: str) -> None:
    status, _headers, body = _get(down + "/healthz")
    assert (status, body) == (503, '{"status": "error", "database": "unavailable"}')
