"""Structured logs: one JSON object per line, with the request id, and nothing personal.

django-structlog binds a request id (or the X-Request-ID a proxy sent) to every line logged
during a request. The processors here run on every line, ours and the libraries', before it
is written: query strings go (console searches carry phone numbers and names), and phone and
ID numbers left in any text are masked, so that a log shipped elsewhere holds no personal
data whatever a caller passed to it.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

from sanshi.core.crypto import PHONE_IN_TEXT, mask_phone

# 18-digit resident ID numbers (the last may be X), and other runs of 11+ digits.
ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
LONG_DIGITS = re.compile(r"(?<![0-9])[0-9]{11,}(?![0-9])")


def _clean(text: str) -> str:
    text = ID_NUMBER.sub("[id]", text)
    text = PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
    return LONG_DIGITS.sub("[digits]", text)


def drop_query_strings(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """'GET /console/search/?q=139…' becomes 'GET /console/search/' (Django's own error log
    passes the request object itself: its text is cut the same way)."""
    for key in ("request", "path"):
        if key in event and event[key] is not None:
            event[key] = str(event[key]).split("?", 1)[0]
    return event


def mask_personal_data(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Phone and ID numbers masked in every string of the line, the message included."""
    for key, value in list(event.items()):
        if isinstance(value, str):
            event[key] = _clean(value)
    return event
