"""The monthly report: Excel read back with openpyxl, PDF text (pdftotext) holds the rates."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from sanshi.analytics import rollups
from sanshi.analytics.dashboard import figure
from sanshi.analytics.selectors import rates_for_org
from sanshi.analytics.tests.test_dashboard import TODAY
from sanshi.analytics.tests.test_rates import PERIOD, _build
from sanshi.testing import World


@pytest.fixture
def built(world: World) -> World:
    _build(world)
    rollups.refresh()
    return world


def test_monthly_report_files(built: World, tmp_path: Path) -> None:
    with time_machine.travel(TODAY, tick=False):
        call_command(
            "monthly_report",
            "--month",
            "2026-11",
            "--org",
            str(built.city.pk),
            "--out",
            str(tmp_path),
        )
    live = rates_for_org(built.city, *PERIOD)
    wb = load_workbook(tmp_path / f"sanshi-2026-11-{built.city.pk}.xlsx")
    assert wb.sheetnames == ["概要 Summary", "按组织 By org", "按类别 By category", "超期 Overdue"]
    ws = wb["概要 Summary"]
    assert ws["A1"].value == "北海市妇联 2026年11月 三事办理月报"
    assert [c.value for c in ws[5]] == ["响应率 Response", 0.4, 2, 5]
    assert ws["B5"].value == live.response.value
    assert [c.value for c in ws[7]][1:] == [2 / 3, 2, 3]  # satisfaction
    assert len(ws._charts) == 1
    org_sheet = wb["按组织 By org"]
    assert [c.value for c in org_sheet[2]][:3] == ["海城区妇联", 5, 0.4]
    assert len(org_sheet._charts) == 1
    assert wb["超期 Overdue"]["A2"].value == "现在没有超期的诉求 Nothing overdue now"
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(  # noqa: S603
        [pdftotext, "-layout", str(tmp_path / f"sanshi-2026-11-{built.city.pk}.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "北海市妇联 2026年11月 三事办理月报" in text
    for name in ("response", "resolution", "satisfaction", "on_time", "returned", "reopened"):
        f = figure(getattr(live, name), False)
        assert f.percent in text and f.counts in text, name
    assert "40.0%" in text and "2/5" in text


def test_monthly_report_refuses_bad_input(built: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("monthly_report", "--month", "2026-13", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="no org with id 999999"):
        call_command(
            "monthly_report", "--month", "2026-11", "--org", "999999", "--out", str(tmp_path)
        )
    assert list(tmp_path.iterdir()) == []


def test_report_downloads_from_the_dashboard(built: World, client: Client) -> None:
    client.force_login(built.chair)
    with time_machine.travel(TODAY, tick=False):
        xlsx = client.get(f"/console/dashboard/report.xlsx?org={built.community.pk}&month=2026-11")
        pdf = client.get("/console/dashboard/report.pdf?month=2026-11")
        other = client.get(f"/console/dashboard/report.pdf?org={built.county.pk}&month=2026-11")
        bad = client.get("/console/dashboard/report.xlsx?month=November")
    assert xlsx.status_code == 200
    assert (
        xlsx["Content-Disposition"]
        == f'attachment; filename="sanshi-2026-11-{built.community.pk}.xlsx"'
    )
    assert (pdf["Content-Type"], pdf.content[:5]) == ("application/pdf", b"%PDF-")
    assert other.status_code == 404
    assert bad.status_code == 400


def test_chairs_get_the_report_on_the_first_working_day_once(
    built: World, mailoutbox: list
) -> None:
    from sanshi.analytics.tasks import first_working_day, send_monthly_reports

    built.chair.email = "chair@example.org"
    built.chair.save(update_fields=["email"])
    assert first_working_day(dt.date(2026, 11, 1)) == dt.date(2026, 11, 2)  # 1 Nov is a Sunday
    with time_machine.travel(TODAY, tick=False):
        assert send_monthly_reports(dt.date(2026, 11, 1)) == 0
        assert send_monthly_reports(dt.date(2026, 12, 2)) == 0  # not the first working day
        assert send_monthly_reports(dt.date(2026, 12, 1)) == 1
        assert send_monthly_reports(dt.date(2026, 12, 1)) == 0  # never twice
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["chair@example.org"]
    assert mail.subject == "北部湾社区妇联 2026年11月 三事办理月报"
    names = [a[0] for a in mail.attachments]
    assert names == [
        f"sanshi-2026-11-{built.community.pk}.xlsx",
        f"sanshi-2026-11-{built.community.pk}.pdf",
    ]
