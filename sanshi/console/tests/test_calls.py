"""The call screen (issue 26 item 1): history by phone, live triage, one intake per call."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sanshi.concerns.models import Channel, Concern, EventKind, Urgency
from sanshi.core.crypto import phone_index
from sanshi.testing import World

PHONE = "138 0000 1111"
DANGER = "我老公又打我了，现在还在砸门，孩子也在家"
EVERYDAY = "想问问社区有没有免费的技能培训，我想学做面点找工作"

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def earlier(world: World) -> tuple[Concern, Concern]:
    """Two earlier concerns from the same phone at the county: one danger, one everyday."""
    danger = world.concern(
        text=DANGER,
        reporter_phone="13800001111",
        urgency=Urgency.CRITICAL,
        protected=True,
        subcategory="safety.dv_now",
    )
    everyday = world.concern(reporter_phone="+86 138-0000-1111")
    return danger, everyday


def test_the_dispatcher_sees_the_callers_earlier_concerns_with_the_danger_marked(
    world: World, earlier: tuple[Concern, Concern]
) -> None:
    danger, everyday = earlier
    answer = _client(world.dispatcher).post("/console/call/history/", {"phone": PHONE})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.count('data-concern="') == 2
    assert f'data-concern="{danger.pk}" class="was-danger"' in html
    assert f'data-concern="{everyday.pk}">' in html
    assert 'id="history-danger"' in html
    # The dispatcher may not read the protected one in full: no text of it is shown.
    assert "砸门" not in html
    assert "（受保护，详情需权限）" in html


def test_a_number_with_no_history_says_so(world: World, earlier: Any) -> None:
    answer = _client(world.dispatcher).post("/console/call/history/", {"phone": "13900002222"})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="history-none"' in html
    assert "data-concern=" not in html


def test_history_shows_only_concerns_the_staff_member_may_open(world: World, earlier: Any) -> None:
    # The chair of a community sees nothing received at the county above her.
    answer = _client(world.chair).post("/console/call/history/", {"phone": PHONE})
    assert answer.status_code == 200
    assert "data-concern=" not in answer.content.decode()


def test_a_committee_member_may_not_take_calls(world: World, earlier: Any) -> None:
    client = _client(world.member)
    assert client.get("/console/call/").status_code == 403
    history = client.post("/console/call/history/", {"phone": PHONE})
    assert history.status_code == 403
    assert "data-concern=" not in history.content.decode()
    before = Concern.objects.count()
    saved = client.post(
        "/console/call/", {"phone": PHONE, "channel": "phone", "text": EVERYDAY, "consent": "on"}
    )
    assert saved.status_code == 403
    assert Concern.objects.count() == before


def test_live_triage_shows_the_safety_questions_and_lines_for_danger(world: World) -> None:
    answer = _client(world.dispatcher).post("/console/call/triage/", {"text": DANGER})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="triage-danger"' in html
    assert html.count("<li><strong>110</strong>") == 1
    assert "<li><strong>12338</strong>" in html
    assert html.count("<li>", html.index('id="safety-questions"')) == 6


def test_live_triage_of_an_everyday_text_asks_no_safety_questions(world: World) -> None:
    answer = _client(world.dispatcher).post("/console/call/triage/", {"text": EVERYDAY})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="triage-result"' in html
    assert 'id="triage-danger"' not in html


def test_a_call_is_taken_in_as_one_phone_concern_at_her_org(world: World) -> None:
    answer = _client(world.dispatcher).post(
        "/console/call/",
        {"phone": PHONE, "channel": "phone", "text": EVERYDAY, "name": "王女士", "consent": "on"},
    )
    concern = Concern.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/console/call/?done={concern.pk}"
    assert concern.channel == Channel.PHONE
    assert concern.org_id == world.county.pk
    assert concern.reporter_phone == PHONE
    assert concern.reporter_phone_index == phone_index("13800001111")
    assert concern.reporter_name == "王女士"
    assert concern.source_client == "console"
    received = concern.events.get(kind=EventKind.RECEIVED)
    assert received.actor_id == world.dispatcher.pk


def test_a_walk_in_danger_without_consent_is_taken_in_critical(world: World) -> None:
    answer = _client(world.protection).post(
        "/console/call/", {"phone": "", "channel": "walk_in", "text": DANGER}
    )
    concern = Concern.objects.get()
    assert answer.status_code == 302
    assert concern.channel == Channel.WALK_IN
    assert concern.urgency == Urgency.CRITICAL
    assert concern.protected is True
    assert concern.anonymous is True


def test_an_everyday_call_without_consent_is_refused_and_nothing_is_saved(world: World) -> None:
    answer = _client(world.dispatcher).post(
        "/console/call/", {"phone": PHONE, "channel": "phone", "text": EVERYDAY}
    )
    assert answer.status_code == 400
    assert Concern.objects.count() == 0
    assert 'role="alert"' in answer.content.decode()


def test_bad_input_gets_a_message_and_saves_nothing(world: World) -> None:
    client = _client(world.dispatcher)
    empty = client.post("/console/call/", {"phone": PHONE, "channel": "phone", "text": ""})
    bad_phone = client.post(
        "/console/call/", {"phone": "12", "channel": "phone", "text": EVERYDAY, "consent": "on"}
    )
    bad_channel = client.post("/console/call/", {"channel": "web", "text": EVERYDAY})
    assert (empty.status_code, bad_phone.status_code, bad_channel.status_code) == (400, 400, 400)
    assert "请记下来电人说了什么。" in empty.content.decode()
    assert "电话号码应为 5 到 15 位数字。" in bad_phone.content.decode()
    assert Concern.objects.count() == 0


def test_the_call_screen_is_in_the_dispatchers_menu(world: World) -> None:
    page = _client(world.dispatcher).get("/console/")
    assert 'href="/console/call/"' in page.content.decode()
    member_page = _client(world.member).get("/console/")
    assert 'href="/console/call/"' not in member_page.content.decode()
