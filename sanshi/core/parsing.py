"""Strict parsers for what arrives in a URL or a form: one per kind, each refusing clearly.

Python's own are too lenient for input from strangers: `str.isdigit()` accepts "²" and "৩",
`int()` accepts "١٢" and "1_000", `datetime.fromisoformat()` accepts year 9999 (and then
`+ timedelta` overflows), and a number past PostgreSQL's bigint makes the database refuse the
query. Each helper here answers a value within its bounds or raises `Unparsable` with a
message that names what was expected; views turn that into a 400, never a 500.
"""

from __future__ import annotations

import datetime as dt
import re

BIGINT_MAX = 2**63 - 1  # PostgreSQL bigint, Django's BigAutoField
# Dates outside these bounds are refused: nothing in sanshi happened before 2000, and arithmetic
# on datetime.max overflows.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
# C0 controls and DEL, except tab, line feed and carriage return (which forms may carry).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CODE = re.compile(r"[A-Za-z0-9_.\-]+")
_W3C = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")


class Unparsable(ValueError):
    """The value is not of the expected kind or out of bounds; the message says which."""


def parse_int(raw: str, *, minimum: int = 0, maximum: int = BIGINT_MAX, name: str = "") -> int:
    """An integer written with ASCII digits only, within [minimum, maximum]."""
    text = raw.strip()
    label = name or "the value"
    if not _ASCII_DIGITS.fullmatch(text):
        raise Unparsable(f"{label} must be a whole number written with the digits 0-9")
    value = int(text)
    if not minimum <= value <= maximum:
        raise Unparsable(f"{label} must be between {minimum} and {maximum}")
    return value


def int_or_none(raw: str, *, minimum: int = 0, maximum: int = BIGINT_MAX) -> int | None:
    """parse_int, or None when the value is not such a number (e.g. an id in a path)."""
    try:
        return parse_int(raw, minimum=minimum, maximum=maximum)
    except Unparsable:
        return None


def parse_datetime(raw: str, *, name: str = "") -> dt.datetime:
    """A W3C date-time with a timezone (2026-11-28T08:15:30+08:00), between 2000 and 2100."""
    text = raw.strip().replace(" ", "+")  # a "+" sent unescaped in a query arrives as a space
    label = name or "the value"
    example = "e.g. 2026-11-28T08:15:30+08:00"
    if not _W3C.fullmatch(text):
        raise Unparsable(f"{label} must be a W3C date-time with a timezone, {example}")
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Unparsable(f"{label} is not a real date and time, {example}") from None
    if not EARLIEST <= value < LATEST:
        raise Unparsable(f"{label} must fall between the years 2000 and 2099")
    return value


def parse_date(raw: str, *, name: str = "") -> dt.date:
    """A calendar date YYYY-MM-DD between 2000 and 2099."""
    text = raw.strip()
    label = name or "the value"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise Unparsable(f"{label} must be a date, e.g. 2026-11-28")
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise Unparsable(f"{label} is not a real date") from None
    if not EARLIEST.date() <= value < LATEST.date():
        raise Unparsable(f"{label} must fall between the years 2000 and 2099")
    return value


def parse_code(raw: str, *, max_length: int = 64, name: str = "") -> str:
    """A code (token, card code, service code): ASCII letters, digits, _ . - only."""
    text = raw.strip()
    label = name or "the code"
    if not text or len(text) > max_length or not _CODE.fullmatch(text):
        raise Unparsable(f"{label} must be 1-{max_length} letters, digits, '_', '.' or '-'")
    return text


def has_control(text: str) -> bool:
    """True when the text holds a NUL or another control character a form never needs."""
    return CONTROL.search(text) is not None
