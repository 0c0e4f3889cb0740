"""The report form keeps what a resident typed in the tab until the report is taken in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sanshi.testing import World

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
TEXT = "楼下的路灯坏了一个星期，晚上回家很黑"


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    yield page
    context.close()
    assert blocked == []


def test_the_draft_comes_back_after_leaving_and_goes_once_taken_in(
    transactional_db: None, live_server: Any, world: World, page: Any, settings: Any
) -> None:
    settings.TRIAGE_DEFAULT_ORG_ID = world.county.pk
    page.goto(live_server.url + "/report/")
    page.get_by_label("发生了什么？").fill(TEXT)
    page.get_by_label("联系电话（可不填）").fill("13800000001")
    page.goto(live_server.url + "/track/")  # e.g. the 503 page, then back to the form
    page.goto(live_server.url + "/report/")
    assert page.get_by_label("发生了什么？").input_value() == TEXT
    assert page.get_by_label("联系电话（可不填）").input_value() == "13800000001"
    page.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("#tracking-code")
    page.goto(live_server.url + "/report/")
    assert page.get_by_label("发生了什么？").input_value() == ""
