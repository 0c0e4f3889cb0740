"""A federation's yearly evaluation as a workbook (one row per committee member).

Every string cell is written as text through sanshi.core.spreadsheet, so a name or reason
that begins with "=" never becomes a formula in the reader's spreadsheet.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from sanshi.core.spreadsheet import append_row
from sanshi.duties.models import Grade
from sanshi.duties.selectors import federation_report
from sanshi.orgs.models import Org

COLUMNS = (
    "姓名",
    "走访（次）",
    "办理诉求（件）",
    "组织活动（场）",
    "参加培训（次）",
    "培训学时",
    "走访逾期（次）",
    "退单（件）",
    "积分",
    "评议等次",
    "评议理由",
)
GRADES = {str(value): str(label) for value, label in Grade.choices}


def federation_xlsx(org: Org, year: int) -> tuple[bytes, int]:
    """The workbook and its number of data rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = f"述职评议{year}"
    append_row(sheet, [org.name, year])
    append_row(sheet, list(COLUMNS))
    rows = federation_report(org, year)
    for row in rows:
        f, e = row.figures, row.evaluation
        append_row(
            sheet,
            [
                row.person.name,
                f.visits,
                f.concerns_handled,
                f.activities,
                f.trainings,
                float(f.training_hours),
                f.overdue,
                f.returned,
                float(row.points),
                GRADES.get(e.grade, "") if e else "",
                e.reason if e else "",
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), len(rows)
