from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from sanshi.analytics.exports import counts
from sanshi.testing import World

START = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def test_small_cells_are_suppressed_with_a_complementary_cell(world: World) -> None:
    for _ in range(7):
        world.concern(subcategory="children.childcare")
    for _ in range(6):
        world.concern(subcategory="family.custody")
    for _ in range(2):
        world.concern(subcategory="work.wages")
    cells = {c.key: c.shown for c in counts(world.county, START, END, ["category"])}
    # work (2) is under 5; the smallest other cell (family, 6) is hidden too, so the total
    # cannot give the small cell away; it is marked × (it is not under 5).
    assert cells == {("children",): "7", ("family",): "×", ("work",): "<5"}


def test_stats_export_prints_csv(world: World, capsys) -> None:
    for _ in range(5):
        world.concern(subcategory="children.childcare")
    call_command(
        "stats_export",
        "--org",
        world.county.name,
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
        "--by",
        "sanshi,status",
    )
    assert capsys.readouterr().out.splitlines() == ["sanshi,status,count", "caoxin,received,5"]
