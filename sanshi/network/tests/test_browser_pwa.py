"""Issue 26, done means: a visit entered on the phone offline (Chromium's offline mode)
arrives once the network is back, exactly once, even when the first answer is lost on the
way; signing out leaves no kept pages and no queue on the phone.

Headless Chromium from Debian, driven by Playwright, against pytest-django's live server.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sanshi.core.models import IdempotentResponse
from sanshi.network.models import Household, Visit
from sanshi.testing import World

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PASSWORD = "pw-for-tests-only"
PHONE = {"width": 375, "height": 812}
FOUND = "没有网络的村里走访：她说最近还好，孩子上学了"

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

QUEUE_SIZE = """() => new Promise(resolve => {
  const req = indexedDB.open("sanshi-network", 1);
  req.onupgradeneeded = () => req.result.createObjectStore("outbox", {keyPath: "key"});
  req.onsuccess = () => {
    const db = req.result;
    const count = db.transaction("outbox").objectStore("outbox").count();
    count.onsuccess = () => { db.close(); resolve(count.result); };
  };
})"""


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"pwa-{name}-phone.png"), full_page=True)


def test_a_visit_made_offline_arrives_exactly_once_when_the_network_returns(
    live_server: Any, chromium: Any, world: World, household: Household
) -> None:
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(live_server.url + "/console/login/?next=/network/visits/new/")
    page.fill("#id_username", "member")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == live_server.url + "/network/visits/new/"
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.state)") in (
        "activating",
        "activated",
    )
    page.reload()  # now under the worker, which keeps this page

    context.set_offline(True)
    page.reload()  # served from the phone's copy
    assert page.locator("#visit-form").count() == 1
    page.select_option("#id_household", str(household.pk))
    page.fill("#id_found", FOUND)
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#outbox-status:not([hidden])")
    assert page.evaluate(QUEUE_SIZE) == 1
    assert Visit.objects.count() == 0
    _shot(page, "queued-offline")

    # The network returns, but the first answer is lost on the way back: the visit is
    # stored, the phone does not know it and keeps it queued.
    lost: list[int] = []

    def lose_answer(route: Any) -> None:
        route.fetch()
        lost.append(1)
        route.abort()

    page.route("**/network/visits/sync/", lose_answer)
    context.set_offline(False)
    assert page.evaluate("navigator.onLine") is True
    _wait(page, lambda: len(lost) == 1)
    assert Visit.objects.count() == 1
    assert page.evaluate(QUEUE_SIZE) == 1

    # Sent again with the same key: answered with the first answer, nothing new stored.
    page.unroute("**/network/visits/sync/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        QUEUE_SIZE.replace("resolve(count.result)", "resolve(count.result === 0)")
    )
    visit = Visit.objects.get()
    assert (visit.household_id, visit.found) == (household.pk, FOUND)
    assert IdempotentResponse.objects.filter(scope=f"phone:{world.member.pk}").count() == 1
    page.reload()
    assert page.locator("#outbox-status").is_hidden()
    _shot(page, "sent")

    # Signing out leaves nothing on the phone: no kept pages, no queue.
    assert page.evaluate("caches.keys().then(k => k.length)") == 1
    with page.expect_navigation():
        page.click("#sign-out")
    assert page.evaluate("caches.keys().then(k => k.length)") == 0
    names = page.evaluate("indexedDB.databases().then(d => d.map(x => x.name))")
    assert "sanshi-network" not in names
    assert blocked == []
    context.close()


def _wait(page: Any, done: Any, tries: int = 100) -> None:
    """Let the page run until the condition on this side holds (the route handler runs in
    Playwright's dispatch, which page waits drive)."""
    for _ in range(tries):
        if done():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the condition never held")
