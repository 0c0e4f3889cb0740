"""Fetching an Open311 `media_url`, only from hosts the deployment trusts.

A server that fetches whatever address a client names can be made to reach internal services
(SSRF). So a `media_url` is fetched only when its host (with its port, if the URL names one) is
listed in SANSHI_ATTACHMENT_FETCH_HOSTS; redirects are not followed; the size limit holds while
reading. Anything else is left unfetched (the request itself is still taken in).
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.utils.translation import gettext as _

from sanshi.attachments import conf
from sanshi.attachments.sanitise import CleanFile, clean_upload, refuse

logger = logging.getLogger("sanshi.attachments")
TIMEOUT = 10


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an error, never followed


def allowed(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc in conf.fetch_hosts()


def fetch_media(url: str) -> tuple[CleanFile, ...]:
    """The file at `url`, cleaned, or () when its host is not trusted; InvalidInput when it
    cannot be fetched or is refused."""
    url = url.strip()
    if not url or not allowed(url):
        if url:
            logger.info("media_url not fetched: its host is not in SANSHI_ATTACHMENT_FETCH_HOSTS")
        return ()
    opener = urllib.request.build_opener(_NoRedirect)
    name = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1] or "media"
    try:
        with opener.open(url, timeout=TIMEOUT) as response:
            data = response.read(conf.max_bytes() + 1)
    except (OSError, ValueError, urllib.error.URLError):
        raise refuse(_("无法取得 media_url 指向的文件。")) from None
    return (clean_upload(data, name),)
