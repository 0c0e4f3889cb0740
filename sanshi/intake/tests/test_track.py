from __future__ import annotations

import re

import pytest
from django.test import Client

from sanshi.concerns.models import Satisfaction, Status
from sanshi.concerns.tracking import (
    format_tracking_code,
    new_tracking_code,
    normalise_tracking_code,
)
from sanshi.intake.tests.helpers import INTERNAL_NOTE, REPLY, replied
from sanshi.testing import World

pytestmark = pytest.mark.django_db


def _comparable(page: bytes) -> str:
    """The page without the parts that differ on every request (CSRF token, the path)."""
    text = page.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r'name="next" type="hidden" value="[^"]*"', "", text)


def _wrong_check(code: str) -> str:
    last = "2" if code[-1] != "2" else "3"
    return code[:-1] + last


def test_track_page_shows_status_org_role_and_no_private_text(client: Client, world: World) -> None:
    concern = replied(world)
    response = client.get(f"/track/{concern.tracking_code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert format_tracking_code(concern.tracking_code) in page
    assert "已答复，请您评价" in page
    # Who acted is a role in an org, never a person.
    assert '已派单：北部湾社区妇联</span> <span class="by">（海城区妇联 · 派单员）' in page
    assert '已答复：北部湾社区妇联</span> <span class="by">（北部湾社区妇联 · 执委）' in page
    assert f"<p>{REPLY}</p>" in page  # the answer is for the resident
    for private in (
        INTERNAL_NOTE,
        "member",
        "dispatcher",
        "李春花",
        "13800000001",
        "北部湾东路12号3栋",
        concern.text,
    ):
        assert private not in page
    assert "指派" not in page  # assignments name people; they stay inside


def test_lookup_box_accepts_lowercase_and_dashes(client: Client, world: World) -> None:
    concern = world.concern()
    typed = format_tracking_code(concern.tracking_code).lower()
    response = client.get("/track/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/track/{concern.tracking_code}/"


@pytest.mark.parametrize("kind", ["malformed", "wrong_check", "unknown"])
def test_bad_codes_all_look_the_same(client: Client, world: World, kind: str) -> None:
    concern = world.concern()
    code = {
        "malformed": "NOT-A-CODE",
        "wrong_check": _wrong_check(concern.tracking_code),
        "unknown": new_tracking_code(),  # well formed with the right check, but nobody's
    }[kind]
    assert normalise_tracking_code(code) == (None if kind != "unknown" else code)
    reference = client.get("/track/23456789ABCD/")
    response = client.get(f"/track/{code}/")
    assert response.status_code == 404
    assert _comparable(response.content) == _comparable(reference.content)


def test_guessing_codes_is_rate_limited_even_for_a_right_code(
    client: Client, world: World, settings: object
) -> None:
    settings.SANSHI_TRACK_MISS_RATE = 3  # type: ignore[attr-defined]
    concern = world.concern()
    for i in range(3):
        assert client.get(f"/track/GUESS{i}/").status_code == 404
    blocked = client.get(f"/track/{concern.tracking_code}/")
    assert blocked.status_code == 429
    assert 1 <= int(blocked["Retry-After"]) <= 601
    other_ip = Client(REMOTE_ADDR="10.0.0.9")
    assert other_ip.get(f"/track/{concern.tracking_code}/").status_code == 200


def test_rating_form_appears_only_once_replied(client: Client, world: World) -> None:
    waiting = world.concern()
    page = client.get(f"/track/{waiting.tracking_code}/").content.decode()
    assert "请评价办理结果" not in page
    posted = client.post(
        f"/track/{waiting.tracking_code}/", {"solved": "yes", "satisfaction": "satisfied"}
    )
    assert posted.status_code == 400
    waiting.refresh_from_db()
    assert waiting.status == Status.RECEIVED
    assert waiting.rated_at is None


def test_rating_solved_closes_the_concern(client: Client, world: World) -> None:
    concern = replied(world)
    response = client.post(
        f"/track/{concern.tracking_code}/",
        {"solved": "yes", "satisfaction": "basic", "comment": "<script>alert(1)</script>谢谢"},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.solved, concern.satisfaction) == (
        Status.CLOSED,
        True,
        Satisfaction.BASIC,
    )
    assert concern.rating_comment == "<script>alert(1)</script>谢谢"
    page = client.get(response["Location"]).content.decode()
    assert "已办结" in page
    assert '已回访评价：北部湾社区妇联</span> <span class="by">（您）' in page
    assert "<script>alert(1)" not in page


def test_rating_not_solved_reopens_it(client: Client, world: World) -> None:
    concern = replied(world)
    response = client.post(
        f"/track/{concern.tracking_code}/", {"solved": "no", "satisfaction": "unsatisfied"}
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.solved, concern.reopen_count) == (Status.REOPENED, False, 1)
    page = client.get(f"/track/{concern.tracking_code}/").content.decode()
    assert '<p class="status" id="status">重办</p>' in page
    assert "请评价办理结果" not in page


def test_rating_needs_both_answers(client: Client, world: World) -> None:
    concern = replied(world)
    response = client.post(f"/track/{concern.tracking_code}/", {"solved": "maybe"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_solved_error"' in page
    assert 'id="id_satisfaction_error"' in page
    concern.refresh_from_db()
    assert concern.status == Status.REPLIED


def test_english_through_the_language_switch(client: Client, world: World) -> None:
    concern = replied(world)
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    page = client.get(f"/track/{concern.tracking_code}/").content.decode()
    assert "Replied: please rate it" in page
    assert '<html lang="en">' in page
