"""The antivirus hook: a deployment names a callable in SANSHI_ATTACHMENT_SCANNER.

The callable is given the file's bytes as received (before anything is re-encoded), its type
as read from the bytes ("JPEG", "PNG", "HEIF", "PDF") and the name it came with:

    def scan(data: bytes, kind: str, name: str) -> str | None: ...

It returns None for a clean file or a short reason to refuse it (e.g. the signature name
ClamAV reports). If it raises, the file is refused too ("cannot be checked now"): an
unscanned file is never kept while a scanner is configured. docs/attachments.md shows one
that asks clamd.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sanshi.attachments import conf
from sanshi.core.errors import InvalidInput

logger = logging.getLogger("sanshi.attachments")

Scanner = Callable[[bytes, str, str], "str | None"]


@cache
def _scanner(path: str) -> Scanner:
    scanner: Scanner = import_string(path)
    return scanner


def check(data: bytes, kind: str, name: str) -> None:
    """Run the configured scanner; InvalidInput when it refuses the file or fails."""
    path = conf.scanner_path()
    if not path:
        return
    try:
        verdict = _scanner(path)(data, kind, name)
    except Exception:  # any scanner failure: refuse rather than keep an unscanned file
        logger.exception("the attachment scanner %s failed", path)
        raise InvalidInput(
            _("暂时无法检查文件“%(name)s”是否安全，请稍后再试。") % {"name": name},
            fields={"files": "unavailable"},
        ) from None
    if verdict:
        logger.warning("the attachment scanner refused a %s file: %s", kind, verdict)
        raise InvalidInput(
            _("文件“%(name)s”未通过安全检查，不能接收。") % {"name": name},
            fields={"files": "infected"},
        )
