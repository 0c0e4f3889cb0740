"""Same event: open concerns nearby that look like the same problem (for the dispatcher)."""

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
MAX_CANDIDATES = 5_000


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


def likely_duplicates(concern: Concern, limit: int = 5) -> list[tuple[Concern, float]]:
    """Up to `limit` open concerns that may be the same event, best first, with a 0-1 score.

    The score is rapidfuzz's WRatio (the best of whole-text and partial alignment, so one text
    inside another, as "路灯坏了" in "小区门口的路灯坏了好几天", scores high), nudged up when the
    category is the same.
    """
    rows = list(
        _nearby(concern)
        .order_by("-received_at")
        .values_list("pk", "text", "category")[:MAX_CANDIDATES]
    )
    if not rows:
        return []
    texts = {pk: text for pk, text, _c in rows}
    categories = {pk: category for pk, _t, category in rows}
    found = process.extract(
        concern.text, texts, scorer=fuzz.WRatio, limit=limit * 3,
        score_cutoff=MIN_SCORE * 100,
    )  # fmt: skip
    scored = []
    for _text, score, pk in found:
        bonus = 0.05 if concern.category and categories[pk] == concern.category else 0.0
        scored.append((pk, min(1.0, score / 100 + bonus)))
    scored.sort(key=lambda item: (-item[1], -item[0]))
    best = scored[:limit]
    by_pk = Concern.objects.in_bulk([pk for pk, _s in best])
    return [(by_pk[pk], round(score, 3)) for pk, score in best]
