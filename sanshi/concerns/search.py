"""Searching concern text without keeping it in clear: keyed hashes of its words and bigrams.

The sealed `text` is the only copy of what a resident wrote. `search_text` holds, for a
concern that is not protected, the keyed hashes (HMAC-SHA256 with SANSHI_SEARCH_KEY, cut to
64 bits) of the text's character bigrams (Chinese has no spaces between words) and of its
Latin words and short numbers, sorted and de-duplicated, so neither the words nor their order
can be read back. A query is cut and hashed the same way; a concern matches when it holds
every one of the query's terms. Phone numbers, ID numbers, long digit runs, e-mail addresses
and names (the reporter's own, and names introduced as names: "我叫…", "…女士") are found and
left out of the index before anything is hashed. A single character is not searchable.

What a keyed hash still shows: how many distinct terms a text has, and which concerns share
a term (someone with the database but not the key can see that two texts share a bigram,
not which). docs/privacy.md says so.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q

from sanshi.core.crypto import phone_index

TERM_HEX = 16  # 64 bits of the HMAC: collisions negligible at any realistic vocabulary
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(r"[a-z0-9]+")
# Left out of the index: e-mail addresses, ID numbers (18 characters, the last may be X),
# and any run of six or more digits, with separators (phones, landlines, cards, accounts).
_PERSONAL = [
    re.compile(r"[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}"),
    re.compile(r"(?<![0-9])[0-9]{17}[0-9x](?![0-9a-z])"),
    re.compile(r"\+?[0-9][0-9 \-()]{4,}[0-9]"),
]
# Names introduced as names, and names before a form of address.
_NAME_AFTER = re.compile(f"(?:我叫|名叫|叫做|姓名|联系人|我是|本人)[:： ]*([{_CJK}]{{2,3}})")
_NAME_BEFORE = re.compile(
    f"([{_CJK}]{{1,2}})(?:女士|先生|小姐|阿姨|大姐|大哥|大爷|大妈|奶奶|爷爷|老师|师傅|同志)"
)


def _key() -> bytes:
    return bytes(settings.SANSHI_SEARCH_KEY)


def _hash(term: str) -> str:
    digest = hmac.new(_key(), f"search\x00{term}".encode(), hashlib.sha256).hexdigest()
    return digest[:TERM_HEX]


def _normalise(text: str) -> str:
    from sanshi.triage.text import normalise

    return normalise(text)


def redact(text: str, names: Iterable[str] = ()) -> str:
    """The text with personal data replaced by spaces (so no bigram spans the gap)."""
    out = _normalise(text)
    for name in names:
        name = _normalise(name.strip())
        if len(name) >= 2:
            out = out.replace(name, " " * len(name))
            if len(name) >= 3:  # the given name alone, as people are often called
                out = out.replace(name[1:], " " * (len(name) - 1))
    for pattern in _PERSONAL:
        out = pattern.sub(lambda m: " " * len(m.group(0)), out)
    for pattern in (_NAME_AFTER, _NAME_BEFORE):
        out = pattern.sub(lambda m: _blank_group(m), out)
    return out


def _blank_group(match: re.Match[str]) -> str:
    whole, start = match.group(0), match.start(1) - match.start(0)
    return whole[:start] + " " * len(match.group(1)) + whole[start + len(match.group(1)) :]


def terms(text: str) -> set[str]:
    """The clear terms of a (redacted) text: Chinese bigrams and Latin words or numbers."""
    found: set[str] = set()
    for run in _HAN.findall(text):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    found.update(w for w in _WORD.findall(text) if len(w) >= 2)
    return found


def index_terms(text: str, *, names: Iterable[str] = ()) -> str:
    """What `search_text` holds for this text: " h1 h2 … " (sorted keyed hashes)."""
    hashes = sorted({_hash(t) for t in terms(redact(text, names))})
    return f" {' '.join(hashes)} " if hashes else ""


def query_terms(query: str) -> list[str]:
    """The hashed terms a query must all match (personal data in a query is not searched)."""
    return sorted({_hash(t) for t in terms(redact(query))})


def text_matches(query: str) -> Q:
    """Concerns whose text holds every term of the query, or whose reporter's phone it is.

    A query without a term of two characters matches no text. Protected concerns are never
    matched (they keep no index; their phone does not find them either): they are found by
    their tracking code only.
    """
    hashes = query_terms(query)
    condition = Q(pk__in=[])
    if hashes:
        condition = Q()
        for h in hashes:
            condition &= Q(search_text__contains=f" {h} ")
    digits = "".join(ch for ch in query if ch.isascii() and ch.isdigit())
    if len(digits) >= 7:
        condition |= Q(reporter_phone_index=phone_index(query))
    return condition & Q(protected=False)


def rebuild_index(model: Any, using: str = "default", batch: int = 500) -> int:
    """Write every concern's index again from its sealed text (a new key, or the migration
    from clear text); protected concerns keep none. Returns how many rows were written."""
    rows = model.objects.using(using).order_by("pk")
    last, written = 0, 0
    while True:
        chunk = list(
            rows.filter(pk__gt=last).only("pk", "text", "reporter_name", "protected")[:batch]
        )
        if not chunk:
            return written
        for concern in chunk:
            names = [concern.reporter_name]
            concern.search_text = (
                "" if concern.protected else index_terms(concern.text, names=names)
            )
        model.objects.using(using).bulk_update(chunk, ["search_text"])
        last, written = chunk[-1].pk, written + len(chunk)
