from __future__ import annotations

import json

import pytest

from sanshi.concerns.models import Concern, ConcernEvent


@pytest.fixture
def dispatched(world):
    return world.concern()


def test_unknown_body_field_is_rejected_in_chinese(world, api_as, dispatched):
    api = api_as(world.dispatcher)
    response = api.post(
        f"/concerns/{dispatched.pk}/dispatch", {"org_id": world.community.pk, "colour": "red"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_input",
        "message": "请求有误，请检查标出的字段",
        "fields": {"colour": "未知字段"},
    }
    dispatched.refresh_from_db()
    assert dispatched.status == "received"


def test_field_messages_are_english_when_asked(world, api_as, dispatched):
    api = api_as(world.dispatcher)
    response = api.post(
        f"/concerns/{dispatched.pk}/dispatch", {"colour": "red"}, **{"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_input",
        "message": "the request is invalid; see the fields",
        "fields": {"org_id": "required", "colour": "unknown field"},
    }


def test_limits_are_named_in_the_message(world, api_as, dispatched):
    api = api_as(world.dispatcher)
    response = api.post(f"/concerns/{dispatched.pk}/notes", {"note": "长" * 4001})
    assert response.status_code == 400
    assert response.json()["fields"] == {"note": "最多 4000 个字符"}


def test_action_errors_carry_field_messages(world, api_as, dispatched):
    # The spine's own check: a reason made of spaces passes the schema but not the action.
    api = api_as(world.dispatcher)
    response = api.post(f"/concerns/{dispatched.pk}/close", {"reason": "   "})
    assert response.status_code == 400
    assert response.json()["fields"] == {"reason": "必填"}
    assert Concern.objects.get(pk=dispatched.pk).status == "received"


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"[1, 2]", b'"text"', b"null", b"\xff\xfe"],
)
def test_bodies_that_are_not_json_objects_are_400(world, api_as, dispatched, raw):
    api = api_as(world.dispatcher)
    response = api.post(f"/concerns/{dispatched.pk}/notes", raw=raw)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_input"


@pytest.mark.parametrize("text", ["a\x00b", "bell\x07", "\ud800"])
def test_text_the_database_cannot_store_is_400(world, api_as, dispatched, text):
    api = api_as(world.dispatcher)
    raw = json.dumps({"note": text})  # ensure_ascii keeps the lone surrogate as \\ud800
    response = api.post(f"/concerns/{dispatched.pk}/notes", raw=raw)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["note"]
    assert ConcernEvent.objects.filter(concern=dispatched, kind="note").count() == 0


def test_naive_or_absurd_times_are_400(world, api_as, dispatched):
    api = api_as(world.dispatcher)
    for until in ("2030-01-01T10:00:00", "0001-01-01T00:00:00+08:00", "tomorrow"):
        response = api.post(
            f"/concerns/{dispatched.pk}/extension-request",
            {"until": until, "reason": "需要更多时间"},
        )
        assert response.status_code == 400, until
        assert list(response.json()["fields"]) == ["until"]


def test_id_beyond_bigint_is_400_not_500(world, api_as):
    api = api_as(world.dispatcher)
    response = api.get(f"/concerns/{2**70}")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["concern_id"]


def test_id_that_is_not_a_number_is_400(world, api_as):
    api = api_as(world.dispatcher)
    response = api.get("/concerns/not-a-number")
    assert response.status_code == 400
    assert response.json()["fields"] == {"concern_id": "应为整数"}


def test_unknown_path_is_a_json_404(world, api_as):
    api = api_as(world.dispatcher)
    response = api.get("/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "未找到", "fields": {}}


def test_body_over_the_limit_is_413(world, api_as, dispatched, settings):
    settings.SANSHI_API_MAX_BODY = 2048
    api = api_as(world.dispatcher)
    response = api.post(f"/concerns/{dispatched.pk}/notes", {"note": "x" * 3000})
    assert response.status_code == 413
    assert response.json() == {
        "error": "payload_too_large",
        "message": "请求内容过大",
        "fields": {},
    }
    assert ConcernEvent.objects.filter(concern=dispatched, kind="note").count() == 0


def test_rate_limit_per_token_is_429_with_retry_after(world, api_as, settings):
    settings.SANSHI_API_RATE = 3
    api = api_as(world.dispatcher)
    other = api_as(world.dispatcher, name="second-app")
    assert [api.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    limited = api.get("/me")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["error"] == "rate_limited"
    assert other.get("/me").status_code == 200


def test_rate_limit_zero_turns_it_off(world, api_as, settings):
    settings.SANSHI_API_RATE = 0
    api = api_as(world.dispatcher)
    assert {api.get("/me").status_code for _ in range(5)} == {200}


def test_a_time_offset_postgresql_cannot_store_is_converted_not_a_500(world, api_as, dispatched):
    # Schemathesis found this one: -17:18 is a valid ISO offset, out of PostgreSQL's range.
    api = api_as(world.dispatcher)
    late = api.get("/concerns", {"received_to": "2195-05-06T07:38:29-17:18"})
    early = api.get("/concerns", {"received_to": "1971-01-01T00:00:00+23:59"})
    assert (late.status_code, early.status_code) == (200, 200)
    assert ([c["id"] for c in late.json()["results"]], early.json()["results"]) == (
        [dispatched.pk],
        [],
    )
