"""Reads with rules: what staff confirmed, for training."""

from __future__ import annotations

from sanshi.concerns.models import Concern, EventKind, Status, Urgency
from sanshi.triage.corpus import Example, eval_part

# Staff-confirmed examples are capped so a flood of one kind cannot drown the corpus.
MAX_CONFIRMED = 20_000


def confirmed_examples() -> list[Example]:
    """Concerns whose category a person confirmed: reclassified ones and closed ones.

    The label is the concern's category and urgency now (after every correction); texts that
    are in the eval part are left out so the eval set stays held out.
    """
    held_out = {e.text for e in eval_part()}
    corrected = Concern.objects.filter(
        events__kind__in=[EventKind.RECLASSIFIED, EventKind.URGENCY_CHANGED]
    ).values_list("pk", flat=True)
    rows = (
        Concern.objects.filter(pk__in=corrected)
        .union(Concern.objects.filter(status=Status.CLOSED))
        .values_list("text", "subcategory", "urgency")
    )
    found: dict[str, Example] = {}
    for text, subcategory, urgency in rows[:MAX_CONFIRMED]:
        if subcategory and text not in held_out:
            found[text] = Example(text, subcategory, urgency == Urgency.CRITICAL, "train", "staff")
    return sorted(found.values(), key=lambda e: e.text)
