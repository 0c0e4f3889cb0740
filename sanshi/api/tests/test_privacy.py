"""Reveal and break-glass through the API: the same actions, rules and audit rows as the console."""

from __future__ import annotations

from sanshi.audit.models import AuditEntry
from sanshi.concerns import actions
from sanshi.testing import person_of


def _protected(world):
    concern = world.concern(
        text="他喝醉了打我，孩子吓坏了，打我电话13600001234",
        subcategory="safety.dv_now",
        reporter_name="林女士",
        reporter_phone="13600001234",
        address="北部湾社区3栋2单元",
    )
    actions.dispatch_concern(
        concern, world.community, actor=world.dispatcher, handlers=[person_of(world.social_worker)]
    )
    return concern


def test_full_view_masks_contact_details_and_phones_in_the_text(world, api_as):
    concern = _protected(world)
    body = api_as(world.social_worker).get(f"/concerns/{concern.pk}").json()
    assert body["redacted"] is False
    assert [body[k] for k in ("text", "reporter_name", "reporter_phone", "address")] == [
        "他喝醉了打我，孩子吓坏了，打我电话136****1234",
        "林**",
        "136****1234",
        "北部湾社区3****",
    ]


def test_reveal_gives_one_value_in_clear_and_audits_it(world, api_as):
    concern = _protected(world)
    response = api_as(world.social_worker).post(
        f"/concerns/{concern.pk}/reveal", {"field": "reporter_phone"}
    )
    assert (response.status_code, response.json()) == (
        200,
        {"concern_id": concern.pk, "field": "reporter_phone", "value": "13600001234"},
    )
    reveals = AuditEntry.objects.filter(action="reveal")
    assert [(r.actor_name, r.object_id, r.data["field"]) for r in reveals] == [
        ("social_worker", str(concern.pk), "reporter_phone")
    ]


def test_reveal_is_refused_to_whoever_may_not_and_nothing_is_recorded(world, api_as):
    concern = _protected(world)
    # The dispatcher sees the protected concern only as a stub; a member outside never.
    stub = api_as(world.dispatcher).post(f"/concerns/{concern.pk}/reveal", {"field": "address"})
    hidden = api_as(world.outside_member).post(
        f"/concerns/{concern.pk}/reveal", {"field": "address"}
    )
    unknown = api_as(world.social_worker).post(f"/concerns/{concern.pk}/reveal", {"field": "text"})
    assert (stub.status_code, hidden.status_code, unknown.status_code) == (403, 404, 400)
    assert stub.json()["message"] == "无权对该诉求执行此操作"
    assert list(unknown.json()["fields"]) == ["field"]
    assert AuditEntry.objects.filter(action="reveal").count() == 0


def test_break_glass_opens_the_concern_with_a_reason(world, api_as):
    concern = _protected(world)
    api = api_as(world.dispatcher)
    assert api.get(f"/concerns/{concern.pk}").json()["redacted"] is True
    empty = api.post(f"/concerns/{concern.pk}/break-glass", {"reason": " "})
    assert empty.status_code == 400
    opened = api.post(f"/concerns/{concern.pk}/break-glass", {"reason": "受害人来电，需核对地址"})
    assert opened.status_code == 200
    assert (opened.json()["redacted"], opened.json()["reporter_phone"]) == (False, "136****1234")
    assert api.get(f"/concerns/{concern.pk}").json()["redacted"] is False
    entry = AuditEntry.objects.get(action="break_glass")
    assert (entry.actor_name, entry.object_id, entry.data["reason"]) == (
        "dispatcher",
        str(concern.pk),
        "受害人来电，需核对地址",
    )
    assert concern.events.filter(kind="break_glass").count() == 1


def test_break_glass_is_not_for_a_volunteer_or_a_leader(world, api_as):
    concern = _protected(world)
    answers = [
        api_as(getattr(world, persona)).post(
            f"/concerns/{concern.pk}/break-glass", {"reason": "想看看"}
        )
        for persona in ("volunteer", "leader")
    ]
    # The volunteer does not see the protected concern at all; the leader sees its stub.
    assert [(a.status_code, a.json()["error"]) for a in answers] == [
        (404, "not_found"),
        (403, "not_allowed"),
    ]
    assert AuditEntry.objects.filter(action="break_glass").count() == 0
