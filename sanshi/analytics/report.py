"""The monthly report: an Excel workbook (openpyxl, with native charts) and the same as a PDF
(fpdf2, charts drawn as bars), for one org's subtree and one calendar month.

Sheets: 概要 the six rates with their counts and the gaming signs; 按组织 the child orgs; 按类别
the categories; 超期 the concerns overdue now, de-identified (no code, text, name or address).
The Chinese font is Debian's WenQuanYi Micro Hei (fonts-wqy-microhei, installed by `make
assets`), as for the volunteer certificates; SANSHI_REPORT_FONT may point at another one.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from sanshi.analytics import dashboard as dash
from sanshi.analytics.suppression import PRIMARY
from sanshi.concerns.models import Concern, Sanshi, Status, Urgency
from sanshi.concerns.taxonomy import taxonomy
from sanshi.core.errors import SanshiError
from sanshi.orgs.models import Org

RATE_TITLES = {
    "response": "响应率 Response",
    "resolution": "解决率 Resolution",
    "satisfaction": "满意率 Satisfaction",
    "on_time": "按时办结率 On time",
    "returned": "退单率 Returned",
    "reopened": "重办率 Reopened",
}
GAMING_TITLES = {
    "back_and_forth": "反复退单 Returned 2+ times",
    "reopened_30d": "答复后30天内重办 Reopened within 30 days",
    "closed_unrated": "未评价即办结 Closed unrated",
    "repeat": "30天内重复诉求 Repeat within 30 days",
    "extensions": "延期 Extensions",
}
OVERDUE_LIMIT = 1000
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="A3123A")


class FontMissing(SanshiError):
    """No font with Chinese glyphs: the PDF cannot be drawn."""

    status = 503


@dataclass
class OverdueRow:
    org: str
    category: str
    sanshi: str
    urgency: str
    status: str
    received: dt.date
    overdue_since: dt.date
    days: int


@dataclass
class Report:
    org: Org
    month: dt.date
    board: dash.Dashboard
    overdue: list[OverdueRow]
    overdue_more: int

    @property
    def title(self) -> str:
        return f"{self.org.name} {self.month:%Y年%m月} 三事办理月报"


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def build_report(org: Org, month: dt.date, *, deidentify: bool) -> Report:
    start, end = month_bounds(month)
    board = dash.build(org, start, end, deidentify=deidentify)
    rows, more = overdue_now(org)
    return Report(org, start, board, rows, more)


def overdue_now(org: Org) -> tuple[list[OverdueRow], int]:
    """Open concerns past a deadline now, oldest first, without anything that identifies."""
    cats = {c.code: c.label for c in taxonomy().categories}
    qs = Concern.objects.filter(
        org__path__startswith=org.path, overdue_since__isnull=False, status__in=dash.OPEN
    ).order_by("overdue_since", "pk")
    today = timezone.localdate()
    rows = [
        OverdueRow(
            org=name,
            category=cats.get(cat, cat) or "—",
            sanshi=str(Sanshi(s).label),
            urgency=str(Urgency(u).label),
            status=str(Status(st).label),
            received=timezone.localtime(rec).date(),
            overdue_since=timezone.localtime(since).date(),
            days=(today - timezone.localtime(since).date()).days,
        )
        for name, cat, s, u, st, rec, since in qs.values_list(
            "org__name", "category", "sanshi", "urgency", "status", "received_at", "overdue_since"
        )[:OVERDUE_LIMIT]
    ]
    more = max(qs.count() - OVERDUE_LIMIT, 0) if len(rows) == OVERDUE_LIMIT else 0
    return rows, more


def render(org: Org, month: dt.date, fmt: str, *, deidentify: bool) -> io.BytesIO:
    report = build_report(org, month, deidentify=deidentify)
    data = workbook(report) if fmt == "xlsx" else pdf(report)
    return io.BytesIO(data)


# ---------------------------------------------------------------- Excel


def _cell(value: dash.Shown | None) -> int | str:
    return PRIMARY if value is None else value


def _head(ws: Any, row: int, titles: list[str]) -> None:
    for i, t in enumerate(titles, 1):
        c = ws.cell(row=row, column=i, value=t)
        c.font, c.fill = HEAD, HEAD_FILL


def _widths(ws: Any, widths: list[int]) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def workbook(report: Report) -> bytes:
    b = report.board
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "概要 Summary"
    ws["A1"] = report.title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"{b.start:%Y-%m-%d} – {b.end:%Y-%m-%d} (不含 exclusive)" + (
        "；去标识：少于5件不显示（<5），为防由合计推算而隐藏的记作 × de-identified"
        if b.deidentify
        else ""
    )
    _head(ws, 4, ["指标 Measure", "比率 Rate", "分子 Numerator", "分母 Denominator"])
    row = 5
    for name, f in [*b.rates.items(), ("danger", b.danger)]:
        ws.cell(row=row, column=1, value=RATE_TITLES.get(name, "危险诉求按时响应 Danger reached"))
        rate = ws.cell(row=row, column=2, value=f.value if f.value is not None else f.percent)
        rate.number_format = "0.0%"
        ws.cell(row=row, column=3, value=_cell(f.numerator))
        ws.cell(row=row, column=4, value=_cell(f.denominator))
        row += 1
    chart = BarChart()
    chart.title = "六率 The six rates"
    chart.y_axis.number_format = "0%"
    chart.add_data(Reference(ws, min_col=2, min_row=4, max_row=10), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=10))
    ws.add_chart(chart, "F4")
    row += 1
    _head(ws, row, ["数字背后 Signs of gaming", "比率 Share", "件数 Count", "对比 Out of"])
    for name, f in b.gaming.items():
        row += 1
        ws.cell(row=row, column=1, value=GAMING_TITLES[name])
        ws.cell(
            row=row, column=2, value=f.value if f.value is not None else f.percent
        ).number_format = "0.0%"
        ws.cell(row=row, column=3, value=_cell(f.numerator))
        ws.cell(row=row, column=4, value=_cell(f.denominator))
    row += 2
    ws.cell(row=row, column=1, value="受理 Received")
    ws.cell(row=row, column=3, value=_cell(b.received))
    ws.cell(row=row + 1, column=1, value="当前超期 Overdue now")
    ws.cell(row=row + 1, column=3, value=_cell(b.overdue_total))
    _widths(ws, [40, 14, 16, 18])
    _org_sheet(wb, report)
    _category_sheet(wb, report)
    _overdue_sheet(wb, report)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _org_sheet(wb: Workbook, report: Report) -> None:
    ws = wb.create_sheet("按组织 By org")
    titles = [
        "组织 Org",
        "受理 Received",
        *RATE_TITLES.values(),
        *GAMING_TITLES.values(),
        "当前超期 Overdue",
    ]
    _head(ws, 1, titles)
    for r, c in enumerate(report.board.children, 2):
        ws.cell(row=r, column=1, value=c.org.name)
        ws.cell(row=r, column=2, value=_cell(c.received))
        for i, f in enumerate(c.rates.values(), 3):
            ws.cell(
                row=r, column=i, value=f.value if f.value is not None else f.percent
            ).number_format = "0.0%"
        for i, f in enumerate(c.gaming.values(), 3 + len(RATE_TITLES)):
            ws.cell(row=r, column=i, value=f.counts)
        ws.cell(row=r, column=len(titles), value=_cell(c.overdue))
    _widths(ws, [24] + [14] * (len(titles) - 1))
    if report.board.children:
        chart = BarChart()
        chart.title = "各组织响应率、满意率 Response and satisfaction by org"
        chart.y_axis.number_format = "0%"
        n = len(report.board.children) + 1
        chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=n), titles_from_data=True)
        chart.add_data(Reference(ws, min_col=5, min_row=1, max_row=n), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n))
        ws.add_chart(chart, f"A{n + 3}")


def _category_sheet(wb: Workbook, report: Report) -> None:
    ws = wb.create_sheet("按类别 By category")
    _head(ws, 1, ["类别 Category", "受理 Received", "满意率 Satisfaction", "满意/评价 Counts"])
    rows = report.board.by_category
    for r, (label, n, f) in enumerate(rows, 2):
        ws.cell(row=r, column=1, value=label)
        ws.cell(row=r, column=2, value=_cell(n))
        ws.cell(
            row=r, column=3, value=f.value if f.value is not None else f.percent
        ).number_format = "0.0%"
        ws.cell(row=r, column=4, value=f.counts)
    _widths(ws, [24, 14, 18, 18])
    if rows:
        chart = BarChart()
        chart.title = "按类别受理 Received by category"
        chart.add_data(
            Reference(ws, min_col=2, min_row=1, max_row=len(rows) + 1), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(rows) + 1))
        ws.add_chart(chart, "F2")


def _overdue_sheet(wb: Workbook, report: Report) -> None:
    ws = wb.create_sheet("超期 Overdue")
    _head(
        ws,
        1,
        [
            "组织 Org",
            "类别 Category",
            "三事",
            "紧急程度 Urgency",
            "状态 Status",
            "受理日 Received",
            "超期起 Overdue since",
            "超期天数 Days",
        ],
    )
    for r, o in enumerate(report.overdue, 2):
        for i, v in enumerate(
            [o.org, o.category, o.sanshi, o.urgency, o.status, o.received, o.overdue_since, o.days],
            1,
        ):
            c = ws.cell(row=r, column=i, value=v)
            if isinstance(v, dt.date):
                c.number_format = "yyyy-mm-dd"
    if report.overdue_more:
        ws.cell(
            row=len(report.overdue) + 2, column=1, value=f"另有 {report.overdue_more} 件 and more"
        )
    if not report.overdue:
        ws.cell(row=2, column=1, value="现在没有超期的诉求 Nothing overdue now")
    _widths(ws, [24, 18, 10, 14, 12, 14, 16, 12])


# ---------------------------------------------------------------- PDF


def font_path() -> Path:
    configured = getattr(settings, "SANSHI_REPORT_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing(
        "no Chinese font for the PDF report: install Debian's fonts-wqy-microhei"
        " (make assets does) or set SANSHI_REPORT_FONT"
    )


class _Pdf(FPDF):
    def header_row(self, cols: list[tuple[str, float]]) -> None:
        self.set_fill_color(163, 18, 58)
        self.set_text_color(255, 255, 255)
        for text, w in cols:
            self.cell(w, 7, text, border=1, fill=True)
        self.ln()
        self.set_text_color(0, 0, 0)

    def row(self, cols: list[tuple[str, float]]) -> None:
        for text, w in cols:
            self.cell(w, 6, text, border=1)
        self.ln()

    def bars(self, title: str, labels: list[str], values: list[float | None], unit: str) -> None:
        """A horizontal bar chart drawn with rectangles (values in `unit`: % or a count)."""
        self.set_font("cjk", size=11)
        self.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        self.set_font("cjk", size=8)
        top = max((v for v in values if v is not None), default=0) or 1
        scale = 100 if unit == "%" else top
        for label, v in zip(labels, values, strict=True):
            if self.get_y() > 270:
                self.add_page()
            y = self.get_y()
            self.cell(50, 5, label[:18])
            width = 110 * (v or 0) / scale
            self.set_fill_color(84, 112, 198)
            if width > 0:
                self.rect(self.l_margin + 50, y + 0.8, width, 3.6, style="F")
            self.set_x(self.l_margin + 50 + width + 1)
            self.cell(20, 5, "—" if v is None else (f"{v:.1f}%" if unit == "%" else f"{v:.0f}"))
            self.ln(5.5)
        self.ln(2)


def pdf(report: Report) -> bytes:
    b = report.board
    doc = _Pdf(orientation="P", unit="mm", format="A4")
    doc.set_title(report.title)
    doc.set_creator("sanshi")
    doc.add_font("cjk", fname=str(font_path()))
    doc.add_page()
    doc.set_font("cjk", size=16)
    doc.cell(0, 10, report.title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=9)
    note = (
        "；去标识：少于5件的数字不显示（<5），为防由合计推算而隐藏的记作 ×" if b.deidentify else ""
    )
    doc.cell(
        0, 6, f"{b.start:%Y-%m-%d} 至 {b.end:%Y-%m-%d}（不含）{note}", new_x="LMARGIN", new_y="NEXT"
    )
    doc.ln(2)
    doc.header_row([("指标 Measure", 70), ("比率 Rate", 30), ("分子/分母 Counts", 40)])
    for name, f in b.rates.items():
        doc.row([(RATE_TITLES[name], 70), (f.percent, 30), (f.counts, 40)])
    doc.row(
        [("危险诉求按时响应 Danger reached", 70), (b.danger.percent, 30), (b.danger.counts, 40)]
    )
    doc.ln(3)
    doc.header_row([("数字背后 Signs of gaming", 100), ("件数/对比 Counts", 40), ("比率", 30)])
    for name, f in b.gaming.items():
        doc.row([(GAMING_TITLES[name], 100), (f.counts, 40), (f.percent, 30)])
    doc.ln(3)
    doc.bars(
        "六率 The six rates",
        [RATE_TITLES[n].split(" ")[0] for n in b.rates],
        [None if f.value is None else f.value * 100 for f in b.rates.values()],
        "%",
    )
    if b.children:
        doc.bars(
            "各组织响应率 Response by org",
            [c.org.name for c in b.children],
            [
                None if c.rates["response"].value is None else c.rates["response"].value * 100
                for c in b.children
            ],
            "%",
        )
        doc.set_font("cjk", size=8)
        doc.header_row(
            [
                ("组织 Org", 46),
                ("受理", 16),
                *[(RATE_TITLES[n].split(" ")[0], 21) for n in RATE_TITLES],
            ]
        )
        for c in b.children:
            doc.row(
                [
                    (c.org.name[:16], 46),
                    (str(_cell(c.received)), 16),
                    *[(f.percent, 21) for f in c.rates.values()],
                ]
            )
        doc.ln(3)
    if b.by_category:
        doc.bars(
            "按类别受理 Received by category",
            [label for label, _, _ in b.by_category],
            [float(n) if isinstance(n, int) else None for _, n, _ in b.by_category],
            "n",
        )
    doc.add_page()
    doc.set_font("cjk", size=11)
    doc.cell(0, 8, f"当前超期 Overdue now: {_cell(b.overdue_total)}", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=8)
    doc.header_row(
        [
            ("组织", 44),
            ("类别", 30),
            ("紧急程度", 22),
            ("状态", 20),
            ("受理日", 24),
            ("超期起", 24),
            ("天数", 14),
        ]
    )
    for o in report.overdue[:200]:
        doc.row(
            [
                (o.org[:15], 44),
                (o.category[:10], 30),
                (o.urgency[:8], 22),
                (o.status, 20),
                (f"{o.received}", 24),
                (f"{o.overdue_since}", 24),
                (str(o.days), 14),
            ]
        )
    rest = len(report.overdue) - 200 + report.overdue_more
    if rest > 0:
        doc.cell(0, 6, f"另有 {rest} 件，见 Excel 表", new_x="LMARGIN", new_y="NEXT")
    if not report.overdue:
        doc.cell(0, 6, "现在没有超期的诉求 Nothing overdue now", new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
