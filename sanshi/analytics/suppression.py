"""Small-cell suppression with complementary cells, for tables whose lines add up to a total.

Primary: a count of 1 to MIN_CELL - 1 is not shown ("<5"). Secondary (complementary): where a
line (a column of a table, say received per child org) adds up to a total that is shown, one
hidden cell alone would be the total minus the others. So the line is checked as a reader who
knows the rule would: she knows each hidden small cell is 1..MIN_CELL-1, each complementary cell
at least MIN_CELL (it is shown with its own mark), a part that is never shown (the org's own
concerns beside its children's) at least 0, and their sum (the total minus the shown cells).
While any hidden small cell, or a small part never shown, is pinned to one value by that, the
smallest shown cell that is not zero is hidden too; when none is left, the total is hidden.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

MIN_CELL = 5
PRIMARY = f"<{MIN_CELL}"
SECONDARY = "×"
UNBOUNDED = 2**62

K = TypeVar("K", bound=Hashable)


def small(n: int) -> bool:
    return 0 < n < MIN_CELL


@dataclass(frozen=True)
class Line(Generic[K]):
    """What to hide in one line: its cells by key, and whether its total goes too."""

    primary: frozenset[K]
    secondary: frozenset[K]
    total_hidden: bool

    def mark(self, key: K) -> str | None:
        """The mark shown instead of the cell's count, or None when it is shown."""
        if key in self.primary:
            return PRIMARY
        return SECONDARY if key in self.secondary else None


def _bounds(primary: set[K], secondary: set[K], rest: int) -> dict[K | None, tuple[int, int]]:
    """What a reader knows of each hidden cell (None: the part never shown)."""
    known: dict[K | None, tuple[int, int]] = {k: (1, MIN_CELL - 1) for k in primary}
    known |= {k: (MIN_CELL, UNBOUNDED) for k in secondary}
    if rest:
        known[None] = (0, UNBOUNDED)
    return known


def _pinned(bounds: Mapping[K | None, tuple[int, int]], hidden_sum: int, sensitive: set) -> bool:
    """Whether the sum of the hidden cells pins a sensitive one to a single value."""
    lo_all = sum(lo for lo, _hi in bounds.values())
    hi_all = sum(hi for _lo, hi in bounds.values())
    for key in sensitive:
        lo, hi = bounds[key]
        if max(lo, hidden_sum - (hi_all - hi)) >= min(hi, hidden_sum - (lo_all - lo)):
            return True
    return False


def protect(cells: Mapping[K, int], total: int) -> Line[K]:
    """The cells of one line to hide, given the total it adds up to (shown unless small).

    Cells that are not listed make up `total - sum(cells)`: a part the reader never sees."""
    rest = total - sum(cells.values())
    primary = {k for k, n in cells.items() if small(n)}
    secondary: set[K] = set()
    if small(total):
        return Line(frozenset(primary), frozenset(), True)
    order = list(cells)
    while True:
        hidden = primary | secondary
        bounds = _bounds(primary, secondary, rest)
        sensitive: set[K | None] = {*primary, *([None] if small(rest) else [])}
        hidden_sum = rest + sum(cells[k] for k in hidden)
        if not _pinned(bounds, hidden_sum, sensitive):
            return Line(frozenset(primary), frozenset(secondary), False)
        shown = [k for k in order if k not in hidden and cells[k] > 0]
        if not shown:
            return Line(frozenset(primary), frozenset(secondary), True)
        secondary.add(min(shown, key=lambda k: (cells[k], order.index(k))))
