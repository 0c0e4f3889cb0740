"""Cells that cannot attack the reader of an export (CSV or formula injection).

A resident's text that begins with = + - @ (or a tab or carriage return) would be read by
Excel or WPS as a formula: `=HYPERLINK("http://…")` becomes a live link in a staff member's
spreadsheet. openpyxl writes any string that begins with "=" as a formula; a cell made here
is a string cell whatever it begins with, with Excel's quote prefix so that editing it
keeps it text. CSV has no types: the OWASP rule prefixes such a value with an apostrophe.
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def risky(value: object) -> bool:
    """A string a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(RISKY_START)


def append_row(ws: Worksheet, values: list[Any]) -> None:
    """ws.append, with every string written as text (data type "s"), never as a formula."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if risky(cell.value):
                cell.quotePrefix = True


def csv_cell(value: object) -> object:
    """A value for csv.writer: a risky string gets a leading apostrophe (OWASP)."""
    return f"'{value}" if risky(value) else value
