from __future__ import annotations

import datetime as dt

import pytest

from sanshi.concerns import actions
from sanshi.concerns.models import Concern, ConcernEvent
from sanshi.core.errors import InvalidInput
from sanshi.testing import person_of


def _dispatched(world, api, **kwargs):
    concern = world.concern(**kwargs)
    response = api.post(f"/concerns/{concern.pk}/dispatch", {"org_id": world.community.pk})
    assert response.status_code == 200
    return concern


def _state(concern_id):
    c = Concern.objects.get(pk=concern_id)
    return c.status, c.org_id, ConcernEvent.objects.filter(concern_id=c.pk).count()


def test_whole_lifecycle_through_the_api(world, api_as):
    dispatcher, member, chair = api_as(world.dispatcher), api_as(world.member), api_as(world.chair)
    concern = world.concern()
    member_person = person_of(world.member)
    r = dispatcher.post(
        f"/concerns/{concern.pk}/dispatch",
        {"org_id": world.community.pk, "handler_ids": [member_person.pk], "note": "请社区跟进"},
    )
    assert (r.status_code, r.json()["status"]) == (200, "dispatched")
    assert [h["name"] for h in r.json()["handlers"]] == ["member"]
    assert member.post(f"/concerns/{concern.pk}/sign").json()["status"] == "signed"
    r = member.post(
        f"/concerns/{concern.pk}/contacts", {"method": "phone", "outcome": "已电话联系"}
    )
    assert r.json()["status"] == "in_progress"
    r = member.post(
        f"/concerns/{concern.pk}/referrals",
        {"body": "legal_aid", "reference": "LA-1", "follow_up_on": "2030-06-01"},
    )
    assert r.status_code == 200
    assert (
        member.post(f"/concerns/{concern.pk}/notes", {"note": "已约好周五入户"}).status_code == 200
    )
    due = Concern.objects.get(pk=concern.pk).resolve_due
    until = (due + dt.timedelta(days=3)).isoformat()
    r = member.post(
        f"/concerns/{concern.pk}/extension-request", {"until": until, "reason": "等法援"}
    )
    assert r.json()["extension_requested_until"] is not None
    r = chair.post(f"/concerns/{concern.pk}/extension-decision", {"approve": True})
    assert r.status_code == 200
    assert Concern.objects.get(pk=concern.pk).resolve_due == due + dt.timedelta(days=3)
    assert (
        member.post(f"/concerns/{concern.pk}/reply", {"reply": "已联系儿童之家"}).json()["status"]
        == "replied"
    )
    r = dispatcher.post(
        f"/concerns/{concern.pk}/follow-up",
        {"solved": True, "satisfaction": "satisfied", "method": "phone"},
    )
    assert (r.json()["status"], r.json()["solved"], r.json()["satisfaction"]) == (
        "closed",
        True,
        "satisfied",
    )
    kinds = [e["kind"] for e in member.get(f"/concerns/{concern.pk}/timeline").json()["events"]]
    assert kinds == [
        "received",
        "dispatched",
        "assigned",
        "signed",
        "contact",
        "referral",
        "note",
        "extension_requested",
        "extension_approved",
        "replied",
        "followed_up",
    ]


def test_return_sends_it_back_with_the_reason(world, api_as):
    concern = _dispatched(world, api_as(world.dispatcher))
    r = api_as(world.member).post(f"/concerns/{concern.pk}/return", {"reason": "不属于本社区"})
    assert (r.status_code, r.json()["status"]) == (200, "returned")
    assert Concern.objects.get(pk=concern.pk).org_id == world.county.pk
    # once returned it has left the member's subtree: a 404, nothing more
    assert api_as(world.member).get(f"/concerns/{concern.pk}").status_code == 404


def test_return_without_reason_is_400_and_changes_nothing(world, api_as):
    concern = _dispatched(world, api_as(world.dispatcher))
    before = _state(concern.pk)
    r = api_as(world.member).post(f"/concerns/{concern.pk}/return", {})
    assert r.status_code == 400
    assert r.json()["fields"] == {"reason": "必填"}
    assert _state(concern.pk) == before


def test_member_may_not_merge_and_nothing_changes(world, api_as):
    api = api_as(world.dispatcher)
    one, two = _dispatched(world, api), _dispatched(world, api)
    before = (_state(one.pk), _state(two.pk))
    r = api_as(world.member).post(f"/concerns/{one.pk}/merge", {"into_id": two.pk})
    assert r.status_code == 403
    assert r.json() == {"error": "not_allowed", "message": "无权对该诉求执行此操作", "fields": {}}
    assert (_state(one.pk), _state(two.pk)) == before


def test_outside_member_gets_404_and_nothing_changes(world, api_as):
    concern = _dispatched(world, api_as(world.dispatcher))
    before = _state(concern.pk)
    r = api_as(world.outside_member).post(f"/concerns/{concern.pk}/sign")
    assert r.status_code == 404
    assert _state(concern.pk) == before


def test_signing_twice_is_409(world, api_as):
    concern = _dispatched(world, api_as(world.dispatcher))
    member = api_as(world.member)
    assert member.post(f"/concerns/{concern.pk}/sign").status_code == 200
    again = member.post(f"/concerns/{concern.pk}/sign")
    assert again.status_code == 409
    assert again.json()["message"] == "诉求当前状态不允许此操作（当前：已签收）"
    english = member.post(f"/concerns/{concern.pk}/sign", **{"Accept-Language": "en"})
    assert english.json()["message"] == "cannot sign a concern that is signed"


def test_dispatch_to_an_org_or_person_outside_reach_is_400(world, api_as):
    concern = world.concern()
    api = api_as(world.dispatcher)
    r = api.post(f"/concerns/{concern.pk}/dispatch", {"org_id": world.city.pk})
    assert r.json()["fields"] == {"org_id": "不存在或无权访问"}
    r = api.post(
        f"/concerns/{concern.pk}/dispatch",
        {"org_id": world.community.pk, "handler_ids": [person_of(world.outside_member).pk]},
    )
    assert r.json()["fields"] == {"handler_ids": "不存在或无权访问"}
    assert Concern.objects.get(pk=concern.pk).status == "received"


def test_assign_escalate_and_respond(world, api_as):
    concern = _dispatched(world, api_as(world.dispatcher))
    chair = api_as(world.chair)
    r = chair.post(
        f"/concerns/{concern.pk}/assign",
        {"person_id": person_of(world.social_worker).pk, "role": "assist"},
    )
    assert [(h["name"], h["role"]) for h in r.json()["handlers"]] == [("social_worker", "assist")]
    r = chair.post(
        f"/concerns/{concern.pk}/escalate", {"to_parent": True, "reason": "需要街道协调"}
    )
    assert r.json()["escalated_to_id"] == world.township.pk
    r = api_as(world.dispatcher).post(
        f"/concerns/{concern.pk}/escalation-response",
        {"response": "街道已协调", "rating": "satisfied"},
    )
    assert r.status_code == 200
    r = chair.post(f"/concerns/{concern.pk}/escalate", {"department": "民政局", "reason": "低保"})
    assert r.json()["escalated_department"] == "民政局"


def test_escalate_needs_exactly_one_target(world, api_as):
    concern = _dispatched(world, api_as(world.dispatcher))
    r = api_as(world.chair).post(
        f"/concerns/{concern.pk}/escalate",
        {"to_parent": True, "department": "民政局", "reason": "x"},
    )
    assert r.status_code == 400
    assert Concern.objects.get(pk=concern.pk).escalated_to_id is None


def test_reclassify_and_change_urgency(world, api_as):
    concern = _dispatched(world, api_as(world.dispatcher))
    member = api_as(world.member)
    r = member.post(
        f"/concerns/{concern.pk}/reclassify",
        {"subcategory": "family.divorce", "reason": "实为离婚咨询"},
    )
    assert (r.json()["category"], r.json()["subcategory"]) == ("family", "family.divorce")
    r = member.post(f"/concerns/{concern.pk}/urgency", {"urgency": "high", "reason": "对方有威胁"})
    assert r.json()["urgency"] == "high"
    r = member.post(
        f"/concerns/{concern.pk}/urgency",
        {"urgency": "urgent", "reason": "x"},
        **{"Accept-Language": "en"},
    )
    assert r.json()["fields"] == {
        "urgency": "must be one of: 'critical', 'high', 'normal' or 'low'"
    }


def test_merge_and_close(world, api_as):
    api = api_as(world.dispatcher)
    one, two = world.concern(), world.concern()
    r = api.post(f"/concerns/{one.pk}/merge", {"into_id": two.pk, "note": "同一件事"})
    assert (r.json()["status"], r.json()["merged_into_id"]) == ("merged", two.pk)
    r = api.post(f"/concerns/{two.pk}/close", {"reason": "非诉求"})
    assert r.json()["status"] == "closed"
    hidden = actions.dispatch_concern(
        world.concern(), world.other_community, actor=world.dispatcher
    )
    r = api_as(world.chair).post(
        f"/concerns/{_dispatched(world, api).pk}/merge", {"into_id": hidden.pk}
    )
    assert r.json()["fields"] == {"into_id": "不存在或无权访问"}


def test_a_referral_reference_has_the_same_limit_everywhere(world, api_as):
    from sanshi.concerns.models import REFERRAL_REFERENCE_MAX
    from sanshi.console.forms import ReferForm

    concern = _dispatched(world, api_as(world.dispatcher))
    concern = actions.sign_concern(Concern.objects.get(pk=concern.pk), actor=world.member)
    long = "R" * (REFERRAL_REFERENCE_MAX + 1)
    r = api_as(world.member).post(
        f"/concerns/{concern.pk}/referrals", {"body": "police", "reference": long}
    )
    assert (r.status_code, r.json()["error"]) == (400, "invalid_input")
    assert ReferForm({"body": "police", "reference": long}).is_valid() is False
    with pytest.raises(InvalidInput):
        actions.refer_concern(concern, actor=world.member, body="police", reference=long)
