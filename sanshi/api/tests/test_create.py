from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from sanshi.api.schemas import ConcernDetailOut, CreatedOut
from sanshi.concerns.models import Concern
from sanshi.core.models import IdempotentResponse
from sanshi.orgs.models import Role
from sanshi.testing import make_user

REPORT = {
    "text": "孩子放学后没人照看，想问问社区有没有儿童之家",
    "reporter_name": "李女士",
    "reporter_phone": "13800000000",
}


def test_post_creates_a_committed_concern_on_channel_api(world, api_as):
    api = api_as(world.dispatcher, name="hotline-app")
    response = api.post("/concerns", REPORT)
    assert response.status_code == 201
    body = response.json()
    concern = Concern.objects.get(pk=body["concern"]["id"])
    assert concern.channel == "api"
    assert concern.source_client == "hotline-app"
    assert concern.text == REPORT["text"]
    assert concern.reporter_phone == "13800000000"
    assert body["concern"]["tracking_code"] == concern.tracking_code
    assert body["triage"]["category"] == concern.triage["category"]
    assert concern.events.filter(kind="received").count() == 1


def _keys(schema: type[Any]) -> set[str]:
    return set(schema.model_fields)


def test_the_201_has_the_documented_shape_and_the_concern_as_get_shows_it(world, api_as):
    # Without a place the concern is received at the root: someone there sees it in full.
    api = api_as(make_user("root_dispatcher", role=Role.DISPATCHER, org=world.province))
    report = REPORT
    response = api.post("/concerns", report, **{"Idempotency-Key": "shape-1"})
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == _keys(CreatedOut)
    assert set(body["concern"]) == _keys(ConcernDetailOut)
    CreatedOut.model_validate(body)
    assert api.get(f"/concerns/{body['concern']['id']}").json() == body["concern"]
    replay = api.post("/concerns", report, **{"Idempotency-Key": "shape-1"})
    assert (replay.status_code, replay["Idempotent-Replayed"]) == (201, "true")
    assert replay.json() == body
    assert replay["Content-Type"] == response["Content-Type"]


def test_retry_with_the_same_idempotency_key_creates_one_concern(world, api_as):
    api = api_as(world.dispatcher)
    first = api.post("/concerns", REPORT, **{"Idempotency-Key": "retry-1"})
    second = api.post("/concerns", REPORT, **{"Idempotency-Key": "retry-1"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Concern.objects.count() == 1


def test_same_key_from_another_token_is_another_request(world, api_as):
    one, two = api_as(world.dispatcher, name="a"), api_as(world.dispatcher, name="b")
    assert one.post("/concerns", REPORT, **{"Idempotency-Key": "k"}).status_code == 201
    assert two.post("/concerns", REPORT, **{"Idempotency-Key": "k"}).status_code == 201
    assert Concern.objects.count() == 2


def test_same_key_with_another_body_is_409_and_creates_nothing(world, api_as):
    api = api_as(world.dispatcher)
    assert api.post("/concerns", REPORT, **{"Idempotency-Key": "k1"}).status_code == 201
    other = api.post("/concerns", {**REPORT, "text": "另一件事"}, **{"Idempotency-Key": "k1"})
    assert other.status_code == 409
    assert other.json()["error"] == "idempotency_key_reused"
    assert other.json()["fields"] == {"Idempotency-Key": "已用于另一个请求"}
    assert Concern.objects.count() == 1


def test_invalid_create_stores_no_key_so_a_corrected_retry_works(world, api_as):
    api = api_as(world.dispatcher)
    bad = api.post("/concerns", {**REPORT, "subcategory": "no.such"}, **{"Idempotency-Key": "k2"})
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"subcategory": "值无效"}
    assert IdempotentResponse.objects.count() == 0
    good = api.post("/concerns", REPORT, **{"Idempotency-Key": "k2"})
    assert good.status_code == 201
    assert Concern.objects.count() == 1


def test_create_without_text_is_400_with_field_message(world, api_as):
    api = api_as(world.dispatcher)
    response = api.post("/concerns", {"address": "北海市"}, **{"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"text": "required"}
    assert Concern.objects.count() == 0


def test_unknown_division_and_community_are_400(world, api_as):
    api = api_as(world.dispatcher)
    response = api.post("/concerns", {**REPORT, "division_code": "999999"})
    assert response.json()["fields"] == {"division_code": "不存在或无权访问"}
    response = api.post("/concerns", {**REPORT, "community_id": world.county.pk})
    assert response.json()["fields"] == {"community_id": "不存在或无权访问"}
    assert Concern.objects.count() == 0


def test_volunteer_may_not_create_through_the_api(world, api_as):
    response = api_as(world.volunteer).post("/concerns", REPORT)
    assert response.status_code == 403
    assert Concern.objects.count() == 0


def test_triage_endpoint_answers_without_saving(world, api_as):
    api = api_as(world.dispatcher)
    response = api.post("/triage", {"text": "丈夫正在打我，我很害怕"})
    assert response.status_code == 200
    assert response.json()["critical"] is True
    assert Concern.objects.count() == 0


def test_triage_is_staff_only(world, api_as):
    response = api_as(world.volunteer).post("/triage", {"text": "想问问儿童之家"})
    assert response.status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_create_one_concern(world, api_as):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent connections")
    api = api_as(world.dispatcher)
    results: list[int] = []

    def post() -> None:
        try:
            results.append(api.post("/concerns", REPORT, **{"Idempotency-Key": "race"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [201, 201, 201, 201]
    assert Concern.objects.count() == 1


def test_the_remembered_response_is_sealed_in_the_database(world, api_as):
    from django.db import connection

    api = api_as(world.dispatcher)
    first = api.post("/concerns", REPORT, **{"Idempotency-Key": "sealed-1"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM core_idempotentresponse")
        (raw,) = cursor.fetchone()
    assert str(raw).startswith("A:")
    assert REPORT["text"] not in str(raw)
    replay = api.post("/concerns", REPORT, **{"Idempotency-Key": "sealed-1"})
    assert (replay.status_code, replay.json()) == (201, first.json())


def test_a_retry_replays_the_first_response_even_where_a_second_run_would_fail(world, api_as):
    from sanshi.orgs.models import Org

    api = api_as(world.dispatcher)
    body = {**REPORT, "community_id": world.community.pk}
    first = api.post("/concerns", body, **{"Idempotency-Key": "before-the-change"})
    assert first.status_code == 201
    # The org stops being a community: the same request, run again, would be a 400.
    Org.objects.filter(pk=world.community.pk).update(level=Org.Level.TOWNSHIP)
    assert api.post("/concerns", body).status_code == 400
    replay = api.post("/concerns", body, **{"Idempotency-Key": "before-the-change"})
    assert (replay.status_code, replay.json()) == (201, first.json())
    assert replay["Idempotent-Replayed"] == "true"
    assert Concern.objects.count() == 1


def test_a_new_concern_lists_no_handlers_and_a_dispatched_one_lists_them(world, api_as):
    api = api_as(world.dispatcher)
    created = api.post("/concerns", REPORT).json()["concern"]
    assert (created["status"], created["handlers"]) == ("received", [])


CHILD = {"text": "隔壁家的小孩才8岁，天天被他爸用皮带打", "minor_under_14": True}


def test_a_childs_concern_without_the_guardian_is_refused_in_the_callers_language(world, api_as):
    api = api_as(world.dispatcher)
    english = api.post("/concerns", CHILD, **{"Accept-Language": "en"})
    chinese = api.post("/concerns", CHILD)
    assert (english.status_code, chinese.status_code) == (400, 400)
    assert english.json() == {
        "error": "invalid_input",
        "message": "A concern about a child under 14 needs the guardian's consent. A neighbour, "
        "teacher, relative or anyone else who reports harm to a child should say they are a "
        "third party: no guardian's consent is needed then.",
        "fields": {"guardian_consent": "required"},
    }
    assert chinese.json() == {
        "error": "invalid_input",
        "message": "请求有误，请检查标出的字段",
        "fields": {"guardian_consent": "必填"},
    }
    assert Concern.objects.count() == 0


def test_a_third_party_reports_about_a_child_and_a_guardian_for_hers(world, api_as):
    api = api_as(world.dispatcher)
    neighbour = api.post("/concerns", {**CHILD, "reporter_relation": "third_party"})
    guardian = api.post("/concerns", {**CHILD, "reporter_relation": "guardian"})
    assert (neighbour.status_code, guardian.status_code) == (201, 201)
    first, second = Concern.objects.order_by("pk")
    assert (first.legal_basis, first.guardian_consent) == ("statutory_duty", False)
    assert (second.legal_basis, second.guardian_consent) == ("consent", True)
