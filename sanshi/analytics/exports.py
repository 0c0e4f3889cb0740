"""De-identified statistics: counts by dimension, with small cells suppressed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from sanshi.analytics.suppression import PRIMARY, protect
from sanshi.concerns.models import Concern
from sanshi.orgs.models import Org

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
    count: int | None  # None: not shown
    mark: str = PRIMARY  # what is shown instead: PRIMARY (under MIN_CELL) or SECONDARY

    @property
    def shown(self) -> str:
        return str(self.count) if self.count is not None else self.mark


def counts(org: Org, start: dt.datetime, end: dt.datetime, by: list[str]) -> list[Cell]:
    """Concerns received in [start, end) in the org's subtree, counted by the dimensions.

    A cell under MIN_CELL concerns is suppressed, and so are complementary cells of its line
    (the cells that share all dimensions but the last, which add up to the line's total, itself
    an export by one dimension fewer), so that none can be worked out (suppression.protect)."""
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
    return _complementary({tuple(_text(r[f]) for f in fields): r["n"] for r in grouped})


def _text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m}"
    return "" if value is None else str(value)


def _complementary(counted: dict[tuple[str, ...], int]) -> list[Cell]:
    lines: dict[tuple[str, ...], dict[tuple[str, ...], int]] = defaultdict(dict)
    for key, n in counted.items():
        lines[key[:-1]][key] = n
    marks: dict[tuple[str, ...], str] = {}
    for cells in lines.values():
        line = protect(cells, sum(cells.values()))
        marks |= {k: m for k in cells if (m := line.mark(k)) is not None}
    return [
        Cell(key, None, marks[key]) if key in marks else Cell(key, n) for key, n in counted.items()
    ]
