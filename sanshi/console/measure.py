"""Measure the console's first-load weight and server time against a running server.

    python -m sanshi.console.measure --base http://127.0.0.1:8000 --user dispatcher_hc \
        --password ... [--runs 20]

Signs in through the login form like a browser, then for each console page fetches the HTML
and every stylesheet and script it links (as a first visit: nothing cached, gzip accepted),
and times the HTML response `--runs` times. Prints one line per page.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    wire: int  # bytes on the wire (after any gzip)
    seconds: float


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, data: dict[str, str] | None = None) -> Fetched:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - http(s) only
        request.add_header("Accept-Encoding", "gzip")
        if data is not None:
            request.add_header("Referer", self.base + path)
        start = time.perf_counter()
        with self.opener.open(request) as response:
            raw = response.read()
            seconds = time.perf_counter() - start
            status = response.status
            encoding = response.headers.get("Content-Encoding", "")
        text = raw
        if encoding == "gzip":
            import gzip

            text = gzip.decompress(raw)
        return Fetched(status, text, len(raw), seconds)

    def login(self, username: str, password: str) -> None:
        page = self.get("/console/login/").body.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            sys.exit("no CSRF token on the login page")
        self.get(
            "/console/login/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": password,
                "next": "/console/",
            },
        )


def measure(browser: Browser, path: str, runs: int) -> str:
    first = browser.get(path)
    assets = sorted(set(ASSET.findall(first.body.decode())))
    asset_bytes = sum(Browser.get(browser, a).wire for a in assets)
    times = [browser.get(path).seconds * 1000 for _ in range(runs)]
    total = first.wire + asset_bytes
    return (
        f"{path:<28} {first.status}  html {first.wire / 1024:6.1f} KB  assets {asset_bytes / 1024:5.1f} KB"
        f"  first load {total / 1024:6.1f} KB  server median {statistics.median(times):6.1f} ms"
        f"  p95 {sorted(times)[int(len(times) * 0.95) - 1]:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--concern", type=int, help="a concern id the user may open")
    parser.add_argument(
        "pages",
        nargs="*",
        default=[
            "/console/",
            "/console/dispatch/",
            "/console/search/?q=孩子",
            "/console/notifications/",
            "/console/me/",
        ],
    )
    args = parser.parse_args()
    browser = Browser(args.base)
    browser.login(args.user, args.password)
    pages = [urllib.parse.quote(p, safe="/?=&") for p in args.pages]
    if args.concern:
        pages.append(f"/console/c/{args.concern}/")
    for path in pages:
        try:
            print(measure(browser, path, args.runs))
        except urllib.error.HTTPError as exc:  # e.g. 403: the dispatch board for a 执委
            print(f"{path:<28} {exc.code}  (not measured)")


if __name__ == "__main__":
    main()
