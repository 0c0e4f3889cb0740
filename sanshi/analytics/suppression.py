"""Small-cell suppression with complementary cells, for tables whose lines add up to totals.

Primary: a count of 1 to MIN_CELL - 1 is not shown ("<5"). Secondary (complementary): where a
line of cells (a column of a table, say received per child org; or closed = closed and rated +
closed unrated within one row) adds up to a total that is shown, one hidden cell alone would be
the total minus the others. So each line is checked as a reader who knows the rule would: she
knows each hidden small cell is 1..MIN_CELL-1, each complementary cell at least MIN_CELL (it is
shown with its own mark), a part of the line that is never shown (the org's own concerns beside
its children's) at least 0, and that the line adds up. While that pins any hidden cell, or a
small part never shown, to one value, the smallest shown cell of the line that is not zero is
hidden too; when none is left, the line's total goes. Lines are checked again until none
changes, since a cell hidden for one line may be a part or the total of another.

Each line is checked on its own: a reader who combines several lines in a system of equations
could in principle narrow more (a linear-programming audit would be needed for that).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

MIN_CELL = 5
PRIMARY = f"<{MIN_CELL}"
SECONDARY = "×"
UNBOUNDED = 2**62

K = TypeVar("K", bound=Hashable)


def small(n: int) -> bool:
    return 0 < n < MIN_CELL


@dataclass(frozen=True)
class Sum(Generic[K]):
    """A line: its parts add up to its total, with `rest` (never shown, >= 0) beside them."""

    parts: tuple[K, ...]
    total: K


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


_REST = object()


def _known(key: object, marks: Mapping[Any, str]) -> tuple[int, int]:
    """What a reader knows of a hidden cell."""
    if key is _REST:
        return 0, UNBOUNDED
    return (1, MIN_CELL - 1) if marks[key] == PRIMARY else (MIN_CELL, UNBOUNDED)


def _pinned(values: Mapping[K, int], line: Sum[K], marks: Mapping[Any, str]) -> bool:
    """Whether the line pins a hidden cell (or a small rest) to one value."""
    total = values[line.total]
    rest = total - sum(values[k] for k in line.parts)
    # sum(+1 terms) - (total if hidden) = known
    plus: list[object] = [k for k in line.parts if k in marks]
    if rest:
        plus.append(_REST)
    known = (0 if line.total in marks else total) - sum(
        values[k] for k in line.parts if k not in marks
    )
    minus = [line.total] if line.total in marks else []
    bounds = {k: _known(k, marks) for k in [*plus, *minus]}
    lo_plus, hi_plus = sum(bounds[k][0] for k in plus), sum(bounds[k][1] for k in plus)
    lo_minus, hi_minus = sum(bounds[k][0] for k in minus), sum(bounds[k][1] for k in minus)
    # Complementary cells are kept from being pinned too: one pinned by a line could be
    # carried into another line, where it would give away the small cell it was to guard.
    sensitive = [k for k in [*plus, *minus] if k is not _REST]
    if small(rest):
        sensitive.append(_REST)
    for k in sensitive:
        lo, hi = bounds[k]
        if k in plus:  # k = known + minus - (other plus)
            low = known + lo_minus - (hi_plus - hi)
            high = known + hi_minus - (lo_plus - lo)
        else:  # k = (plus) - known - (other minus)
            low = lo_plus - known - (hi_minus - hi)
            high = hi_plus - known - (lo_minus - lo)
        if max(lo, low) >= min(hi, high):
            return True
    return False


def protect_lines(values: Mapping[K, int], lines: Sequence[Sum[K]]) -> dict[K, str]:
    """The mark of every cell to hide, so that no line pins a hidden small count."""
    marks: dict[K, str] = {k: PRIMARY for k, n in values.items() if small(n)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            while _pinned(values, line, marks):
                shown = [k for k in line.parts if k not in marks and values[k] > 0]
                if shown:
                    pick = min(shown, key=lambda k: (values[k], line.parts.index(k)))
                elif line.total not in marks:
                    pick = line.total
                else:
                    break  # nothing left to hide: every cell of the line already is
                marks[pick] = SECONDARY
                changed = True
    return marks


_TOTAL = ("total",)


def protect(cells: Mapping[K, int], total: int) -> Line[K]:
    """The cells of one line to hide, given the total it adds up to.

    Cells that are not listed make up `total - sum(cells)`: a part the reader never sees."""
    values: dict[Any, int] = dict(cells)
    values[_TOTAL] = total
    marks = protect_lines(values, [Sum((*cells,), _TOTAL)])
    return Line(
        frozenset(k for k in cells if marks.get(k) == PRIMARY),
        frozenset(k for k in cells if marks.get(k) == SECONDARY),
        _TOTAL in marks,
    )
