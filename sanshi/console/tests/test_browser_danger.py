"""Issue 19, done means: in the Beihai demo as `make demo` serves it (`sanshi demo`, then
`sanshi serve`: gunicorn, the task worker and the SLA sweep), a resident reports danger, the
protection officer of 海城区 (demo account haicheng_protection, with her authenticator code)
gets the alert, takes the concern and records a contact; in a desktop browser.

Also the check-for-danger list on a duty officer's home, at once, settled by her with a reason.
Screenshots go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sanshi.concerns.models import DangerCheck
from sanshi.core.tests.serving import Served, alive, env_for
from sanshi.testing import World

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "beihai-sanshi-2020"
DANGER = "我老公又打我了，现在还在砸门，快来人，孩子也在家"

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


UNREAD_OF_OFFICER = (
    "from sanshi.notifications.models import Notification; print(Notification.objects.filter("
    "user__username='haicheng_protection', read_at__isnull=True).count())"
)


def _sanshi(data_dir: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "sanshi.manage", *args],
        cwd=ROOT,
        env=env_for(data_dir),
        check=True,
        timeout=600,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, chromium: Any) -> Iterator[Served]:
    """The demo as `make demo` loads and serves it (fewer concerns, Guangxi's divisions only)."""
    data_dir = tmp_path_factory.mktemp("demo")
    _sanshi(data_dir, "migrate", "--noinput", "-v0")
    _sanshi(data_dir, "import-divisions", "--province", "450000", "-v0")
    _sanshi(data_dir, "demo", "--concerns", "40")
    _sanshi(data_dir, "collectstatic", "--noinput", "-v0")
    served = Served(data_dir)
    assert served.health() == (200, {"status": "ok", "database": "ok"})
    yield served
    served.proc.send_signal(signal.SIGINT)
    served.proc.wait(timeout=30)
    for pid in served.pids.values():
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_the_haicheng_protection_officer_gets_the_alert_takes_it_and_records_a_contact(
    demo: Served, chromium: Any
) -> None:
    base = f"http://127.0.0.1:{demo.port}"
    resident = chromium.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    resident.goto(base + "/report/")
    resident.fill("textarea[name=text]", DANGER)
    resident.select_option("select[name=township]", "450502002")  # 海城区 东街街道
    resident.select_option("select[name=community]", label="北部湾社区妇联")
    resident.fill("input[name=name]", "李秀兰")
    resident.fill("input[name=phone]", "13812345678")
    resident.check("input[name=consent]")
    _submit(resident, 'form[method=post][action="/report/"] button[type=submit]')
    code = re.sub(r"[^0-9A-Z]", "", resident.inner_text("#tracking-code").upper())
    assert len(code) == 12

    officer = chromium.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    officer.goto(base + "/console/login/")
    officer.fill("#id_username", "haicheng_protection")
    officer.fill("#id_password", DEMO_PASSWORD)
    _submit(officer, "button[type=submit]")
    totp = _sanshi(demo.data_dir, "demo-totp", "haicheng_protection").strip()
    officer.fill("#id_code", totp)
    _submit(officer, "#second-factor button.primary")
    # The first sign-in with a code shows her backup codes once; then her console.
    assert officer.url.startswith(base + "/accounts/2fa/backup-codes/")
    officer.goto(base + "/console/")
    assert officer.url == base + "/console/"

    # The alert: written by the task worker `sanshi serve` runs, within seconds.
    deadline = time.monotonic() + 30
    while officer.locator("#unread-count").count() == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
        officer.reload()
    # Besides this alert she hears of the demo's messages waiting on her check-for-danger
    # list (sanshi/demo/checks.py) and their reminders, and maybe that the demo's own danger
    # concern has passed a deadline (the sweep runs as serve starts): the badge counts what
    # the database holds for her, the alert among it.
    unread = _sanshi(demo.data_dir, "shell", "--no-imports", "-c", UNREAD_OF_OFFICER)
    officer.reload()
    assert officer.locator("#unread-count").inner_text() == unread.strip().splitlines()[-1]
    critical = officer.locator("#section-critical li[data-concern]").first  # newest first
    assert re.sub(r"[^0-9A-Z]", "", critical.locator("a.code").inner_text()) == code
    _shot(officer, "demo-protection-home")
    _submit(officer, "#nav-notifications")
    rows = officer.locator("#notification-list li")
    codes = [re.sub(r"[^0-9A-Z]", "", t) for t in rows.locator(".code").all_inner_texts()]
    assert codes.count(code) == 1
    mine = codes.index(code)
    assert rows.nth(mine).get_attribute("data-kind") == "critical"
    _submit(officer, f"#notification-list li >> nth={mine} >> button[type=submit]")

    # Danger went straight to 海城区妇联, where she is: she signs (takes) it...
    assert officer.locator("#status").get_attribute("data-status") == "dispatched"
    assert "受保护" in officer.inner_text(".row-top")
    assert DANGER in officer.inner_text("#concern-text")
    officer.click("#step-sign > summary")
    _submit(officer, "#step-sign button[type=submit]")
    assert officer.locator("#status").get_attribute("data-status") == "signed"
    assert "（主办）" in officer.inner_text("#handlers")
    # ... and records the contact, by the safe way the form reminds her of.
    officer.click("#step-contact > summary")
    assert "不要留言、不要发短信" in officer.inner_text("#step-contact")
    officer.select_option("#step-contact [name=method]", "phone")
    officer.fill("#step-contact [name=outcome]", "已电话联系，本人安全，约定上午十点安全时段回电")
    _submit(officer, "#step-contact button[type=submit]")
    assert officer.locator("#status").get_attribute("data-status") == "in_progress"
    kinds = officer.eval_on_selector_all("#timeline li", "els => els.map(e => e.dataset.kind)")
    assert kinds == ["received", "dispatched", "signed", "assigned", "contact"]
    _shot(officer, "demo-protection-concern")
    officer.context.close()
    resident.context.close()


@pytest.fixture
def _receive_at_the_county(settings: Any, world: World) -> None:
    settings.TRIAGE_DEFAULT_ORG_ID = world.county.pk


def test_the_check_list_is_on_the_duty_officers_home_at_once_and_she_settles_it(
    live_server: Any, chromium: Any, world: World
) -> None:
    unsure = world.concern(
        text="最近总觉得活着没什么意思，晚上睡不着，也不想见人",
        subcategory="health.counselling",
        triage={
            "category": "health",
            "subcategory": "health.counselling",
            "critical": False,
            "needs_check": True,
            "danger": [{"kind": "self_harm", "words": "活着没什么意思", "detector": "model"}],
        },
    )
    world.concern(text="想问问妇女之家周末有没有活动", subcategory="community.venues")
    page = chromium.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    page.goto(live_server.url + "/console/login/")
    page.fill("#id_username", "protection")
    page.fill("#id_password", "pw-for-tests-only")
    _submit(page, "button[type=submit]")
    sections = page.eval_on_selector_all("main section[id^=section-]", "els => els.map(e => e.id)")
    assert sections[:3] == ["section-check", "section-take", "section-critical"]
    assert page.locator("#section-check .count").inner_text() == "1"
    assert page.locator("#section-check li[data-concern]").get_attribute("data-concern") == str(
        unsure.pk
    )
    assert page.locator("#unread-count").inner_text() == "1"  # told at once, not at a deadline
    _shot(page, "check-list-home")
    _submit(page, "#section-check a.code")
    assert "活着没什么意思" in page.inner_text("#danger-flags")
    page.click("#step-check_danger > summary")
    page.check("#step-check_danger input[name=decision][value=confirm]")
    page.fill("#step-check_danger [name=reason]", "回电核实：她说已经想好了办法，转为紧急")
    _submit(page, "#step-check_danger button[type=submit]")
    assert page.locator("#urgency").inner_text() == "紧急（危险）"
    assert "已确认危险" in page.inner_text("#check-settled")
    _shot(page, "check-confirmed-concern")
    unsure.refresh_from_db()
    assert (unsure.danger_check, unsure.urgency, unsure.protected) == (
        DangerCheck.CONFIRMED,
        "critical",
        True,
    )
    page.context.close()
