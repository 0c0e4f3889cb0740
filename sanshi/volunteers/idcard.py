"""Mainland resident ID numbers (GB 11643-1999): 17 digits and a check character."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")


def check_character(first17: str) -> str:
    """The 18th character for these 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise_id_number(text: str) -> str:
    return (text or "").strip().upper().replace(" ", "")


def is_valid_id_number(text: str) -> bool:
    """Shape, a real birth date and the check character."""
    number = normalise_id_number(text)
    if not _SHAPE.match(number):
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return check_character(number[:17]) == number[17]


def mask_id_number(text: str) -> str:
    """4505**********123X: the area's first four and the last four."""
    number = normalise_id_number(text)
    return number[:4] + "*" * max(len(number) - 8, 0) + number[-4:] if len(number) > 8 else "****"
