"""The phone pages as an app (issue 26 item 5): manifest, worker, the queue's endpoint with
its Idempotency-Key, and sign-out clearing what the browser kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sanshi.core.models import IdempotentResponse
from sanshi.network.models import Household, Visit
from sanshi.testing import World, run_at_once

pytestmark = pytest.mark.django_db
KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
MANIFEST = Path(__file__).resolve().parents[1] / "static" / "network" / "manifest.webmanifest"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _visit(household: Household, found: str = "她说最近还好，孩子上学了") -> dict[str, Any]:
    return {"household": household.pk, "visited_on": "2026-12-01", "found": found, "follow_up": ""}


def test_a_queued_visit_sent_twice_with_one_key_is_stored_once(
    world: World, household: Household
) -> None:
    client = _client(world.member)
    first = client.post("/network/visits/sync/", _visit(household), HTTP_IDEMPOTENCY_KEY=KEY)
    again = client.post("/network/visits/sync/", _visit(household), HTTP_IDEMPOTENCY_KEY=KEY)
    visit = Visit.objects.get()
    assert first.status_code == 201
    assert first.json() == {"visit_id": visit.pk, "url": f"/network/visits/{visit.pk}/"}
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert IdempotentResponse.objects.filter(scope=f"phone:{world.member.pk}").count() == 1


def test_the_same_key_for_another_visit_is_a_conflict(world: World, household: Household) -> None:
    client = _client(world.member)
    client.post("/network/visits/sync/", _visit(household), HTTP_IDEMPOTENCY_KEY=KEY)
    other = client.post(
        "/network/visits/sync/", _visit(household, "另一次走访"), HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert other.status_code == 409
    assert Visit.objects.count() == 1


def test_a_visit_without_a_key_is_refused(world: World, household: Household) -> None:
    answer = _client(world.member).post("/network/visits/sync/", _visit(household))
    assert answer.status_code == 400
    assert Visit.objects.count() == 0


def test_a_bad_queued_visit_gets_a_message_and_stores_nothing(
    world: World, household: Household
) -> None:
    bad = {**_visit(household), "found": ""}
    answer = _client(world.member).post("/network/visits/sync/", bad, HTTP_IDEMPOTENCY_KEY=KEY)
    assert answer.status_code == 400
    assert answer.json()["fields"] == {"found": "这个字段是必填项。"}
    assert Visit.objects.count() == 0
    assert IdempotentResponse.objects.count() == 0


def test_another_members_household_is_refused_and_nothing_written(
    world: World, household: Household
) -> None:
    answer = _client(world.outside_member).post(
        "/network/visits/sync/", _visit(household), HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert answer.status_code == 400
    assert answer.json()["fields"] == {
        "household": f"选择一个有效的选项。 {household.pk} 不在可用的选项中。"
    }
    assert Visit.objects.count() == 0


def test_signed_out_the_queue_is_sent_to_the_sign_in_page(household: Household) -> None:
    answer = Client().post("/network/visits/sync/", _visit(household), HTTP_IDEMPOTENCY_KEY=KEY)
    assert answer.status_code == 302
    assert answer["Location"].startswith("/console/login/")
    assert Visit.objects.count() == 0


def test_the_worker_is_served_under_network_and_keeps_the_shell(db: None) -> None:
    answer = Client().get("/network/sw.js")
    body = answer.content.decode()
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/javascript"
    assert answer["Cache-Control"] == "no-cache"
    assert '"/static/network/pwa.js"' in body
    assert 'var SCOPE = "/network/";' in body
    assert Client().get("/network/offline/").status_code == 200


def test_the_manifest_is_installable(world: World) -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/network/",
        "/network/",
        "standalone",
    )
    assert [i["sizes"] for i in manifest["icons"]] == ["192x192", "512x512"]
    page = _client(world.member).get("/network/").content.decode()
    assert 'rel="manifest"' in page
    assert 'data-sync-url="/network/visits/sync/"' in page


def test_signing_out_tells_the_browser_to_clear_what_it_kept(world: World) -> None:
    answer = _client(world.member).post("/console/logout/")
    assert answer.status_code == 302
    assert answer["Clear-Site-Data"] == '"cache", "storage"'


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_of_one_queued_visit_store_it_once(
    world: World, household: Household
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent connections")

    def send() -> int:
        client = _client(world.member)
        return client.post(
            "/network/visits/sync/", _visit(household), HTTP_IDEMPOTENCY_KEY=KEY
        ).status_code

    assert run_at_once(send, send, send, send) == [201, 201, 201, 201]
    assert Visit.objects.count() == 1
    assert IdempotentResponse.objects.count() == 1
