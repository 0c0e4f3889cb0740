"""What the triage engine suggests for one concern: likely duplicates and handlers.

The triage app owns the logic; this only adapts its answers for the console and keeps the
console working (with no suggestions) while a deployment runs without it.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from sanshi.concerns.access import concerns_visible_to
from sanshi.concerns.models import Concern
from sanshi.console.selectors import Viewer
from sanshi.orgs.models import Person

logger = logging.getLogger("sanshi.console")


def _triage_function(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(f"sanshi.triage.{module}"), name, None)
    except ImportError:
        return None


def likely_duplicates(
    concern: Concern, viewer: Viewer, limit: int = 5
) -> list[tuple[Concern, float]]:
    """Open concerns the viewer may see that look like this one, with the engine's score."""
    finder = _triage_function("duplicates", "likely_duplicates")
    if finder is None:
        return []
    found = [(c, float(score)) for c, score in finder(concern, limit=limit)]
    visible = set(
        concerns_visible_to(viewer.user)
        .filter(pk__in=[c.pk for c, _ in found])
        .values_list("pk", flat=True)
    )
    return [(c, s) for c, s in found if c.pk in visible and c.pk != concern.pk]


def suggested_handlers(concern: Concern) -> list[Person]:
    """People the engine would give the concern to, best first."""
    suggest = _triage_function("handlers", "suggest_handlers")
    if suggest is None:
        return []
    people: list[Person] = []
    for item in suggest(concern):
        person = item[0] if isinstance(item, tuple) else getattr(item, "person", item)
        if isinstance(person, Person):
            people.append(person)
    return people
