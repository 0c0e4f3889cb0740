"""Complementary suppression on hand-made tables: exactly which cells go, and that no hidden
small count can be worked out from the totals shown."""

from __future__ import annotations

import itertools

from sanshi.analytics.dashboard import CLOSED_PARTS, Tables
from sanshi.analytics.rollups import M
from sanshi.analytics.suppression import MIN_CELL, PRIMARY, SECONDARY, Sum, protect, protect_lines

# Received and overdue per child org; the org's own concerns (not in any child) make the rest.
TABLE = {
    "东街": {"received": 40, "overdue": 3},
    "西街": {"received": 12, "overdue": 0},
    "北街": {"received": 2, "overdue": 9},
    "南街": {"received": 25, "overdue": 6},
}
TOTAL = {"received": 79, "overdue": 18}


def _hidden(tables):
    return {
        (row, metric): mark
        for (_table, row), cells in tables.marks.items()
        for metric, mark in cells.items()
    }


def _tables(deidentify):
    tables = Tables(TOTAL, deidentify)
    tables.add("child", TABLE, ["received", "overdue"])
    tables.protect()
    return tables


def test_the_table_hides_the_small_cells_and_one_complement_per_column():
    assert _hidden(_tables(True)) == {
        ("北街", "received"): PRIMARY,
        ("西街", "received"): SECONDARY,  # the next smallest of the column
        ("东街", "overdue"): PRIMARY,
        ("南街", "overdue"): SECONDARY,  # 6: the smallest other that is not zero
    }


def test_nothing_is_hidden_for_a_viewer_who_may_see_it_all():
    assert _hidden(_tables(False)) == {}


def test_closed_rated_and_unrated_add_up_within_a_row_too():
    # 30 closed = 27 rated + 3 unrated in the org's own row: hiding the 3 alone would leave it
    # as 30 - 27, so the 27 goes too; the children's columns then keep both unrecoverable.
    rows = {
        "东街": {M.CLOSED: 20, M.CLOSED_RATED: 18, M.CLOSED_UNRATED: 2},
        "西街": {M.CLOSED: 10, M.CLOSED_RATED: 9, M.CLOSED_UNRATED: 1},
    }
    total = {M.CLOSED: 30, M.CLOSED_RATED: 27, M.CLOSED_UNRATED: 3}
    tables = Tables(total, True)
    tables.add("child", rows, [M.CLOSED, *CLOSED_PARTS])
    tables.add_identity("total", None, CLOSED_PARTS, M.CLOSED)
    for row in rows:
        tables.add_identity("child", row, CLOSED_PARTS, M.CLOSED)
    tables.protect()
    assert tables.row("total") == {M.CLOSED_UNRATED: PRIMARY, M.CLOSED_RATED: SECONDARY}
    assert tables.row("child", "东街") == {
        M.CLOSED_UNRATED: PRIMARY,
        M.CLOSED_RATED: SECONDARY,
    }
    assert tables.row("child", "西街") == {
        M.CLOSED_UNRATED: PRIMARY,
        M.CLOSED_RATED: SECONDARY,
    }


def _values_a_reader_allows(cells, total, line):
    """Every filling of the hidden cells that agrees with what is shown: the total, the cells
    shown, <5 for 1..4, × for MIN_CELL or more, the rest (never shown) zero or more."""
    hidden = sorted(line.primary | line.secondary)
    shown = sum(n for k, n in cells.items() if k not in hidden)
    ranges = [
        range(1, MIN_CELL) if k in line.primary else range(MIN_CELL, total + 1) for k in hidden
    ]
    has_rest = total != sum(cells.values())
    found = []
    for guess in itertools.product(*ranges):
        rest = total - shown - sum(guess)
        if rest < 0 or (rest > 0 and not has_rest):
            continue
        found.append(dict(zip(hidden, guess, strict=True)))
    return found


def test_no_hidden_small_count_can_be_worked_out_by_subtraction():
    lines = [
        ({"a": 3, "b": 10, "c": 20}, 33),
        ({"a": 1, "b": 5, "c": 9}, 15),  # 1 and 5: hiding 5 alone would pin the 1
        ({"a": 4, "b": 4, "c": 30}, 38),  # two 4s alone would add up to 8: both pinned
        ({"a": 7, "b": 9}, 19),  # the unshown rest (3) is small: a complement guards it
        ({"a": 2, "b": 0, "c": 11, "d": 6}, 19),
    ]
    expected = [
        ({"a"}, {"b"}),
        ({"a"}, {"b", "c"}),
        ({"a", "b"}, {"c"}),
        (set(), {"a"}),
        ({"a"}, {"d"}),
    ]
    for (cells, total), (primary, secondary) in zip(lines, expected, strict=True):
        line = protect(cells, total)
        assert (set(line.primary), set(line.secondary), line.total_hidden) == (
            primary,
            secondary,
            False,
        ), cells
        fillings = _values_a_reader_allows(cells, total, line)
        assert {k: cells[k] for k in line.primary | line.secondary} in fillings
        for k in line.primary | line.secondary:
            assert len({f[k] for f in fillings}) >= 2, (cells, k)


def test_without_a_complement_one_small_cell_is_the_total_minus_the_others():
    cells, total = {"a": 3, "b": 10, "c": 20}, 33
    only_primary = protect(cells, total)
    bare = type(only_primary)(only_primary.primary, frozenset(), False)
    assert {f["a"] for f in _values_a_reader_allows(cells, total, bare)} == {3}


def test_a_small_total_goes_with_its_cells():
    line = protect({"a": 3, "b": 0}, 3)
    assert (set(line.primary), set(line.secondary), line.total_hidden) == ({"a"}, set(), True)


def test_with_no_cell_left_to_hide_the_total_goes():
    line = protect({"a": 1, "b": 5, "c": 0}, 6)
    assert (set(line.primary), set(line.secondary), line.total_hidden) == ({"a"}, {"b"}, True)


def test_a_complement_that_another_line_would_give_away_is_guarded_in_turn():
    # The org closed 3 itself, none rated: its 3 unrated hide 30 rated (closed 33 - 30 = 3).
    # But the children's rated (20 + 10) add up to those 30: one of them goes too, then that
    # child's closed (its rated = closed when none is unrated), which its column can spare.
    rows = {
        "东街": {M.CLOSED: 20, M.CLOSED_RATED: 20, M.CLOSED_UNRATED: 0},
        "西街": {M.CLOSED: 10, M.CLOSED_RATED: 10, M.CLOSED_UNRATED: 0},
    }
    total = {M.CLOSED: 33, M.CLOSED_RATED: 30, M.CLOSED_UNRATED: 3}
    tables = Tables(total, True)
    tables.add("child", rows, [M.CLOSED, *CLOSED_PARTS])
    tables.add_identity("total", None, CLOSED_PARTS, M.CLOSED)
    for row in rows:
        tables.add_identity("child", row, CLOSED_PARTS, M.CLOSED)
    tables.protect()
    assert tables.row("total") == {M.CLOSED_UNRATED: PRIMARY, M.CLOSED_RATED: SECONDARY}
    assert tables.row("child", "西街") == {M.CLOSED_RATED: SECONDARY, M.CLOSED: SECONDARY}
    assert tables.row("child", "东街") == {}


def test_protect_lines_leaves_no_hidden_cell_pinned_by_any_line():
    # x and y, both under 5, add up to 55 - 53 = 2: both are 1, so 53 goes too; in the
    # other line 2 + 1 = 55 - 52 leaves either (1, 2) or (2, 1): nothing more to hide.
    values = {"a": 3, "b": 12, "c": 40, "t": 55, "x": 1, "y": 1, "z": 53, "u": 2, "v": 1, "w": 52}
    lines = [Sum(("a", "b", "c"), "t"), Sum(("x", "y", "z"), "t"), Sum(("u", "v", "w"), "t")]
    marks = protect_lines(values, lines)
    assert marks == {
        "a": PRIMARY,
        "b": SECONDARY,
        "x": PRIMARY,
        "y": PRIMARY,
        "z": SECONDARY,
        "u": PRIMARY,
        "v": PRIMARY,
    }
