"""How an audit row is hashed: one canonical byte string per row, SHA-256 over it.

The payload is JSON with sorted keys and no spaces, so the same row always gives the same
bytes, whichever database stored it. Changing this format breaks every existing chain: add a
new "v" instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Protocol

from django.core.serializers.json import DjangoJSONEncoder

FORMAT = 1


class RowContent(Protocol):
    """What a row says, before its place in the chain is known."""

    at: dt.datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    data: Any


class ChainRow(RowContent, Protocol):
    seq: int
    prev_hash: str


def clean_text(value: str) -> str:
    """A string every database stores unchanged (no NUL, no lone surrogates)."""
    return value.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def normalise_data(data: dict[str, Any]) -> dict[str, Any]:
    """The JSON the row will hold, in the form it reads back from any database.

    Dates, decimals and UUIDs become strings (DjangoJSONEncoder); floats become strings too,
    because PostgreSQL's jsonb may print a float differently from Python (1e+20 comes back
    as 100000000000000000000) and the hash must survive the round trip.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    loaded = json.loads(text, parse_float=str, parse_constant=str)
    if not isinstance(loaded, dict):
        raise TypeError("audit data must be a JSON object")
    cleaned: dict[str, Any] = _clean(loaded)
    return cleaned


def _document(row: RowContent, prev_hash: str, seq: int) -> str:
    """The canonical JSON of a row's content at a place in the chain."""
    document = {
        "v": FORMAT,
        "seq": seq,
        "at": row.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": row.actor_id,
        "actor_name": row.actor_name,
        "action": row.action,
        "type": row.object_type,
        "id": row.object_id,
        "data": row.data,
        "prev": prev_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload(row: ChainRow) -> bytes:
    """The canonical bytes of a row: its content and the hash of the row before it."""
    return _document(row, row.prev_hash, row.seq).encode()


def row_hash(row: ChainRow) -> str:
    """SHA-256 of the row's canonical payload, in hex."""
    return hashlib.sha256(payload(row)).hexdigest()
