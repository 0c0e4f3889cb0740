"""Keyset (cursor) pages: the next rows after the last one seen, never OFFSET.

A page is read with `WHERE (key) after (position) ORDER BY key LIMIT n + 1`, so a page far back
costs what the first one does, and rows that arrive (or leave) between two pages shift nothing:
no row is skipped or shown twice. The ordering must end with the primary key so that positions
are unique.

The cursor handed out is the last row's key, signed with the site's secret for one list (its
`scope`): a client can neither forge a position nor carry a cursor from one list to another,
and a cursor that does not check out is an `InvalidInput` (a 400), never a 500.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet

from sanshi.core.errors import InvalidInput

M = TypeVar("M", bound=Model)

# Made of the URL-safe base64 alphabet and the signer's separator: safe in a query string as is.
CURSOR_PATTERN = r"^[A-Za-z0-9_.-]*$"
CURSOR_MAX_LENGTH = 300
_SEP = "."


def _signer(scope: str) -> signing.Signer:
    return signing.Signer(salt=f"sanshi.keyset.{scope}", sep=_SEP)


def _fields(ordering: Sequence[str]) -> list[tuple[str, bool]]:
    """(field name, descending) for each part of the ordering."""
    if not ordering or ordering[-1].lstrip("-") not in ("pk", "id"):
        raise ValueError("a keyset ordering must end with the primary key")
    return [(o.lstrip("-"), o.startswith("-")) for o in ordering]


def _field(model: type[Model], name: str) -> Any:
    meta = model._meta
    try:
        return meta.pk if name == "pk" else meta.get_field(name)
    except FieldDoesNotExist:
        raise ValueError(f"{model.__name__} has no field {name!r}") from None


def encode(row: Model, ordering: Sequence[str], scope: str) -> str:
    """The cursor that points just after this row."""
    values = []
    for name, _desc in _fields(ordering):
        field = _field(type(row), name)
        values.append(field.value_to_string(row))
    return _signer(scope).sign_object(values, compress=False)


def decode(cursor: str, model: type[Model], ordering: Sequence[str], scope: str) -> list[Any]:
    """The position in a cursor, as the fields' own values; a cursor that fails is a 400."""
    try:
        raw = _signer(scope).unsign_object(cursor)
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise _bad() from None
    fields = _fields(ordering)
    if not isinstance(raw, list) or len(raw) != len(fields):
        raise _bad()
    try:
        return [
            _field(model, name).to_python(value)
            for (name, _desc), value in zip(fields, raw, strict=True)
        ]
    except (ValidationError, TypeError, ValueError):
        raise _bad() from None


def _bad() -> InvalidInput:
    return InvalidInput("bad cursor", fields={"cursor": "invalid"})


def after(ordering: Sequence[str], position: Sequence[Any]) -> Q:
    """Rows that come after the position in this ordering.

    Written as `k1 <= v1 AND (k1 < v1 OR (k1 = v1 AND k2 < v2) ...)`: the outer bound on the
    first key lets an index on the ordering serve the range, the rest breaks ties."""
    fields = _fields(ordering)

    def beyond(name: str, desc: bool, value: Any, *, strict: bool) -> Q:
        op = ("lt" if desc else "gt") + ("" if strict else "e")
        return Q(**{f"{name}__{op}": value})

    *leading, (last, last_desc) = fields
    ties = beyond(last, last_desc, position[-1], strict=True)
    for i in range(len(leading) - 1, -1, -1):
        name, desc = leading[i]
        ties = beyond(name, desc, position[i], strict=True) | (Q(**{name: position[i]}) & ties)
    name, desc = fields[0]
    return beyond(name, desc, position[0], strict=False) & ties


def page(
    qs: QuerySet[M], ordering: Sequence[str], cursor: str, limit: int, *, scope: str
) -> tuple[list[M], str | None]:
    """One page after the cursor ('' for the first) and the next page's cursor (None at the end)."""
    if cursor:
        qs = qs.filter(after(ordering, decode(cursor, qs.model, ordering, scope)))
    rows = list(qs.order_by(*ordering)[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode(rows[-1], ordering, scope)
