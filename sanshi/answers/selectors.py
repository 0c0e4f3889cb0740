"""Reads of ready answers: suggestions for a reply, and the public ones for residents."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from sanshi.answers.models import AnswerState, ReadyAnswer
from sanshi.concerns.models import Concern
from sanshi.orgs.selectors import ancestor_ids

SUGGEST_LIMIT = 8
PUBLIC_LIMIT = 5


def _approved() -> QuerySet[ReadyAnswer]:
    return ReadyAnswer.objects.filter(state=AnswerState.APPROVED)


def suggestions_for(concern: Concern, query: str = "") -> list[ReadyAnswer]:
    """Approved answers of the concern's org and the orgs above it: those of its category
    first, then any whose title or text holds the words typed."""
    orgs = ancestor_ids(concern.org)
    words = [w for w in query.split() if w][:5]
    matches_text = Q()
    for word in words:
        matches_text &= Q(title__icontains=word) | Q(body__icontains=word)
    same_category = Q(category=concern.category) if concern.category else Q(pk__in=[])
    wanted = (same_category & matches_text) | (matches_text if words else Q(pk__in=[]))
    ranked = (
        _approved()
        .filter(org_id__in=orgs)
        .filter(wanted)
        .annotate(
            same=Case(
                When(same_category, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            depth=Length("org__path"),
        )
        .order_by("same", "-depth", "title", "pk")
    )
    return list(ranked[:SUGGEST_LIMIT])


def public_answers() -> dict[str, list[ReadyAnswer]]:
    """Approved public answers by category, the higher federations' first (a few each)."""
    found: dict[str, list[ReadyAnswer]] = {}
    rows = _approved().filter(public=True).annotate(depth=Length("org__path"))
    for answer in rows.order_by("category", "depth", "title", "pk"):
        kept = found.setdefault(answer.category, [])
        if len(kept) < PUBLIC_LIMIT:
            kept.append(answer)
    return found
