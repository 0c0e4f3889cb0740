"""Limits hold across workers: two gunicorn worker processes share the counts (core.limits).

With the counts in each worker's memory, the same form sent 8 times stored 2 rows and 39 of
50 reports from one IP passed a limit of 20 an hour. Both tests talk to one real gunicorn
with two worker processes over HTTP, on a database of their own.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from sanshi.core.tests.servers import BIN, environment, gunicorn, log_of, sanshi

IP_LIMIT = 20
Site = tuple[str, dict[str, str]]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data = tmp_path_factory.mktemp("workers")
    env = environment(data, SANSHI_INTAKE_IP_RATE=str(IP_LIMIT), SANSHI_INTAKE_PHONE_RATE="0")
    sanshi(env, "migrate", "-v0")
    sanshi(env, "collectstatic", "--noinput", "-v0")
    sanshi(env, "shell", "-c", "from sanshi.testing import build_world; build_world()")
    with gunicorn(env, workers=2, threads=4) as base:
        yield base, env


def _form(base: str) -> tuple[urllib.request.OpenerDirector, dict[str, str]]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/report/").read().decode()
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|once)" value="([^"]*)"', page))
    return opener, fields


def _post(opener: urllib.request.OpenerDirector, base: str, fields: dict[str, str]) -> int:
    data = {**fields, "text": "楼道里的灯坏了一个星期，晚上很黑", "consent": "on"}
    request = urllib.request.Request(  # noqa: S310
        base + "/report/", data=urllib.parse.urlencode(data).encode(), headers={"Referer": base}
    )
    try:
        return int(opener.open(request).status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _concerns(env: dict[str, str]) -> int:
    code = "from sanshi.concerns.models import Concern; print(Concern.objects.count())"
    done = subprocess.run(  # noqa: S603
        [str(BIN / "sanshi"), "shell", "-c", code], env=env, capture_output=True, check=True
    )
    return int(done.stdout.decode().split()[-1])


def test_1_the_same_form_sent_eight_times_at_once_makes_one_concern(site: Site) -> None:
    base, env = site
    opener, fields = _form(base)
    assert len(fields["once"]) >= 16
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: _post(opener, base, fields), range(8)))
    # each answer is the first one's confirmation (302 to the done page: 200) or, while the
    # first is still being taken in, the in-progress page (409)
    assert set(codes) <= {200, 409}, codes
    assert _concerns(env) == 1


def test_2_the_per_ip_limit_holds_across_two_workers(site: Site) -> None:
    base, env = site
    opener, fields = _form(base)
    fields["once"] = ""  # each a new report: only the IP's limit may stop them
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: _post(opener, base, fields), range(50)))
    left = IP_LIMIT - 8  # the eight posts of the test above count against the same IP
    assert (len(codes) - codes.count(429), codes.count(429)) == (left, 50 - left)
    assert _concerns(env) == 1 + left


def test_3_the_access_log_keeps_no_query_strings(site: Site) -> None:
    base, env = site
    for path in ("/console/search/?q=13912345678", "/track/?code=ZXCV8765", "/report/?card=m4rk3d"):
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(base + path).read()  # noqa: S310
    time.sleep(0.5)  # gunicorn writes its access log after the response
    log = log_of(base, env).read_text()
    assert '"GET /console/search/ HTTP/1.1"' in log and '"GET /report/ HTTP/1.1"' in log
    assert [m for m in ("13912345678", "ZXCV8765", "m4rk3d", "?q=") if m in log] == []
