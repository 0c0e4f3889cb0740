"""Same event: open concerns nearby that look like the same problem (for the dispatcher).

Candidates are the open concerns of the last 30 days in the same township (else the same
org), newest first, at most MAX_CANDIDATES of them. Their sealed texts are opened to be
compared: the text is the only copy (the search index holds keyed hashes, not words). A
protected concern is compared too, because two reports of the same violence or the same
missing child are exactly what a dispatcher must see together. The console shows a suggestion
only to those who may see that concern (`sanshi.console.suggestions`), so nothing leaks.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from rapidfuzz import fuzz, process

from sanshi.concerns.models import Concern, Status
from sanshi.core import clock

WINDOW = dt.timedelta(days=30)
# Below this score (0-1) two texts are not suggested as the same event.
MIN_SCORE = 0.45
# At most this many recent candidates are compared (newest first): keeps a check fast.
MAX_CANDIDATES = 2_000
# A candidate of the same category scores this much more.
SAME_CATEGORY_BONUS = 0.05


def _nearby(concern: Concern) -> QuerySet[Concern]:
    """Open concerns of the last 30 days in the same township, else in the same org."""
    since = (concern.received_at or clock.now()) - WINDOW
    rows = Concern.objects.filter(received_at__gte=since).exclude(pk=concern.pk)
    rows = rows.exclude(status__in=[Status.CLOSED, Status.MERGED])
    if concern.division_id and len(concern.division_id) == 9:
        return rows.filter(division_id=concern.division_id)
    if concern.community_id:
        return rows.filter(Q(community_id=concern.community_id) | Q(org_id=concern.org_id))
    return rows.filter(org_id=concern.org_id)


def candidate_texts(concern: Concern) -> tuple[dict[int, str], dict[int, str]]:
    """The candidates' texts and categories by pk (see the module docstring).

    One query reads the newest candidates; their sealed texts are opened (the text is the only
    copy: the search index holds keyed hashes, not words).
    """
    rows = list(
        _nearby(concern)
        .order_by("-received_at")
        .values_list("pk", "text", "category")[:MAX_CANDIDATES]
    )
    texts = {pk: text for pk, text, _c in rows if text}
    return texts, {pk: category for pk, _t, category in rows}


def likely_duplicates(concern: Concern, limit: int = 5) -> list[tuple[Concern, float]]:
    """Up to `limit` open concerns that may be the same event, best first, with a 0-1 score.

    The score is rapidfuzz's WRatio (the best of whole-text and partial alignment, so one text
    inside another, as "路灯坏了" in "小区门口的路灯坏了好几天", scores high), nudged up when the
    category is the same.
    """
    texts, categories = candidate_texts(concern)
    if not texts:
        return []
    found = process.extract(
        concern.text,
        texts,
        scorer=fuzz.WRatio,
        limit=limit * 3,
        score_cutoff=MIN_SCORE * 100,
    )
    scored = []
    for _text, score, pk in found:
        same = concern.category and categories[pk] == concern.category
        scored.append((pk, min(1.0, score / 100 + (SAME_CATEGORY_BONUS if same else 0.0))))
    scored.sort(key=lambda item: (-item[1], -item[0]))
    best = scored[:limit]
    by_pk = Concern.objects.in_bulk([pk for pk, _s in best])
    return [(by_pk[pk], round(score, 3)) for pk, score in best]
