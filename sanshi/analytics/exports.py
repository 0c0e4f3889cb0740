"""De-identified statistics: counts by dimension, with small cells suppressed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from sanshi.concerns.models import Concern
from sanshi.orgs.models import Org

MIN_CELL = 5
DIMENSIONS = {
    "category": "category",
    "subcategory": "subcategory",
    "sanshi": "sanshi",
    "status": "status",
    "urgency": "urgency",
    "channel": "channel",
    "org": "org__name",
    "month": None,
}


@dataclass(frozen=True)
class Cell:
    key: tuple[str, ...]
    count: int | None  # None: fewer than MIN_CELL, not shown

    @property
    def shown(self) -> str:
        return str(self.count) if self.count is not None else f"<{MIN_CELL}"


def counts(org: Org, start: dt.datetime, end: dt.datetime, by: list[str]) -> list[Cell]:
    """Concerns received in [start, end) in the org's subtree, counted by the dimensions.

    A cell under MIN_CELL concerns is suppressed, and so is the smallest other cell of its row
    when exactly one cell would be suppressed (so it cannot be worked out from the total)."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown or not by:
        raise ValueError(f"dimensions must be among {', '.join(DIMENSIONS)}")
    rows = Concern.objects.filter(
        org__path__startswith=org.path, received_at__gte=start, received_at__lt=end
    )
    fields = []
    for d in by:
        if d == "month":
            from django.db.models.functions import TruncMonth

            rows = rows.annotate(month=TruncMonth("received_at"))
            fields.append("month")
        else:
            fields.append(DIMENSIONS[d] or d)
    grouped = rows.values(*fields).annotate(n=Count("pk")).order_by(*fields)
    cells = [
        Cell(tuple(_text(r[f]) for f in fields), r["n"] if r["n"] >= MIN_CELL else None)
        for r in grouped
    ]
    return _complementary(cells)


def _text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m}"
    return "" if value is None else str(value)


def _complementary(cells: list[Cell]) -> list[Cell]:
    hidden = [c for c in cells if c.count is None]
    if len(hidden) != 1:
        return cells
    visible = sorted((c for c in cells if c.count is not None), key=lambda c: c.count or 0)
    if not visible:
        return cells
    smallest = visible[0]
    return [Cell(c.key, None) if c is smallest else c for c in cells]
