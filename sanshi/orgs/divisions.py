"""Official administrative division codes: shape checks and lookups."""

from __future__ import annotations

from sanshi.core.errors import InvalidInput
from sanshi.orgs.models import Division


def normalise_division_code(code: str) -> str:
    """Turn a 12-digit statistical code into the official 6- or 9-digit code it pads."""
    code = code.strip()
    if not code.isdigit() or len(code) not in (6, 9, 12):
        raise InvalidInput(
            f"division code {code!r} must be 6, 9 or 12 digits", fields={"division_code": code}
        )
    if len(code) == 12 and code.endswith("000000"):
        return code[:6]
    if len(code) == 12 and code.endswith("000"):
        return code[:9]
    return code


def check_division_code(code: str) -> str:
    """Return the code as stored on an org, or raise InvalidInput when it is not official.

    A 12-digit code below township level (a community or village) is accepted when its
    township prefix is an official division: the official list stops at townships.
    """
    normal = normalise_division_code(code)
    official = normal[:9] if len(normal) == 12 else normal
    if not Division.objects.filter(code=official).exists():
        raise InvalidInput(
            f"unknown division code {code!r}: not in the official list"
            " (run `sanshi import-divisions` first)",
            fields={"division_code": code},
        )
    return normal
