"""Ready answers (issue 26 item 4): kept per category, approved by a second person, suggested
in the reply form by category and words, public ones shown on the report page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sanshi.answers import actions
from sanshi.answers.actions import AnswerText
from sanshi.answers.models import AnswerKind, AnswerState, ReadyAnswer
from sanshi.audit.models import AuditEntry
from sanshi.concerns.models import Concern
from sanshi.console.tests import helpers as h
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.testing import World, run_at_once

pytestmark = pytest.mark.django_db

LEGAL_AID = AnswerText(
    category="family",
    kind=AnswerKind.LEGAL_AID,
    title="离婚纠纷可申请法律援助",
    body="海城区法律援助中心：海城区北京路 1 号，电话 12348。",
    public=True,
)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _approved(world: World, text: AnswerText = LEGAL_AID) -> ReadyAnswer:
    answer = actions.propose_answer(world.county, text, actor=world.county_staff)
    return actions.approve_answer(answer, actor=world.dispatcher)


def test_a_second_person_approves_and_it_is_audited(world: World) -> None:
    answer = actions.propose_answer(world.county, LEGAL_AID, actor=world.county_staff)
    assert answer.state == AnswerState.PROPOSED
    approved = actions.approve_answer(answer, actor=world.dispatcher)
    assert approved.state == AnswerState.APPROVED
    assert approved.approved_by_id == world.dispatcher.pk
    actions_logged = list(
        AuditEntry.objects.filter(object_type="ready_answer")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions_logged == ["answer_proposed", "answer_approved"]


def test_the_writer_cannot_approve_her_own_answer(world: World) -> None:
    answer = actions.propose_answer(world.county, LEGAL_AID, actor=world.dispatcher)
    with pytest.raises(NotAllowed):
        actions.approve_answer(answer, actor=world.dispatcher)
    answer.refresh_from_db()
    assert (answer.state, answer.approved_by_id) == (AnswerState.PROPOSED, None)


def test_a_committee_member_cannot_approve(world: World) -> None:
    answer = actions.propose_answer(world.community, LEGAL_AID, actor=world.chair)
    with pytest.raises(NotAllowed):
        actions.approve_answer(answer, actor=world.member)
    answer.refresh_from_db()
    assert answer.state == AnswerState.PROPOSED


def test_a_revision_needs_approval_again_by_someone_else(world: World) -> None:
    answer = _approved(world)
    revised = actions.revise_answer(
        answer, AnswerText("family", "legal_aid", "新标题", "新的内容"), actor=world.dispatcher
    )
    assert (revised.state, revised.approved_by_id) == (AnswerState.PROPOSED, None)
    with pytest.raises(NotAllowed):
        actions.approve_answer(revised, actor=world.dispatcher)
    assert actions.approve_answer(revised, actor=world.county_staff).state == AnswerState.APPROVED


def test_approving_an_answer_revised_meanwhile_is_a_conflict(world: World) -> None:
    answer = actions.propose_answer(world.county, LEGAL_AID, actor=world.county_staff)
    stale = ReadyAnswer.objects.get(pk=answer.pk)
    actions.revise_answer(answer, LEGAL_AID, actor=world.protection)
    with pytest.raises(Conflict):
        actions.approve_answer(stale, actor=world.dispatcher)
    answer.refresh_from_db()
    assert answer.state == AnswerState.PROPOSED


def test_bad_input_is_refused_and_nothing_is_written(world: World) -> None:
    bad = AnswerText(category="nonsense", kind="policy", title="", body="x" * 1001)
    with pytest.raises(InvalidInput) as caught:
        actions.propose_answer(world.county, bad, actor=world.county_staff)
    assert caught.value.fields == {"category": "unknown", "title": "required", "body": "too long"}
    assert ReadyAnswer.objects.count() == 0


def test_someone_outside_the_org_cannot_write_for_it(world: World) -> None:
    with pytest.raises(NotAllowed):
        actions.propose_answer(world.county, LEGAL_AID, actor=world.outside_member)
    assert ReadyAnswer.objects.count() == 0


def test_pages_propose_and_approve(world: World) -> None:
    writer = _client(world.county_staff)
    form = {
        "org": world.county.pk,
        "category": "family",
        "kind": "legal_aid",
        "title": LEGAL_AID.title,
        "body": LEGAL_AID.body,
        "public": "on",
    }
    made = writer.post("/console/answers/", form)
    answer = ReadyAnswer.objects.get()
    assert made.status_code == 302
    assert made["Location"] == f"/console/answers/{answer.pk}/"
    own = writer.get(f"/console/answers/{answer.pk}/").content.decode()
    assert 'id="needs-another"' in own
    assert 'id="approve"' not in own
    # The writer's own approval by POST is refused, and nothing changes.
    writer.post(f"/console/answers/{answer.pk}/approve/")
    answer.refresh_from_db()
    assert answer.state == AnswerState.PROPOSED
    approver = _client(world.dispatcher)
    assert 'id="approve"' in approver.get(f"/console/answers/{answer.pk}/").content.decode()
    assert approver.post(f"/console/answers/{answer.pk}/approve/").status_code == 302
    answer.refresh_from_db()
    assert (answer.state, answer.approved_by_id) == (AnswerState.APPROVED, world.dispatcher.pk)


def test_an_answer_is_not_found_outside_her_orgs(world: World) -> None:
    answer = _approved(world)
    outsider = _client(world.outside_member)
    assert outsider.get(f"/console/answers/{answer.pk}/").status_code == 404
    assert outsider.post(f"/console/answers/{answer.pk}/retire/").status_code == 404
    answer.refresh_from_db()
    assert answer.state == AnswerState.APPROVED


def test_a_bad_form_is_a_400_with_nothing_written(world: World) -> None:
    answer = _client(world.county_staff).post(
        "/console/answers/", {"org": world.county.pk, "category": "family", "kind": "x"}
    )
    assert answer.status_code == 400
    assert ReadyAnswer.objects.count() == 0


def _marriage_concern(world: World) -> Concern:
    return h.in_progress(world, text="离婚时财产怎么分，我想咨询", subcategory="family.divorce")


def test_the_reply_form_suggests_approved_answers_by_category_and_words(world: World) -> None:
    answer = _approved(world)
    other = _approved(world, AnswerText("work", "where_to_go", "就业培训报名", "到人社局报名"))
    actions.propose_answer(
        world.county, AnswerText("family", "policy", "未审核", "草稿"), actor=world.county_staff
    )
    concern = _marriage_concern(world)
    client = _client(world.member)
    page = client.get(f"/console/c/{concern.pk}/").content.decode()
    assert 'id="ready-answers"' in page
    by_category = client.get(f"/console/answers/suggest/?concern={concern.pk}").content.decode()
    assert by_category.count("data-answer=") == 1
    assert f'data-answer="{answer.pk}"' in by_category
    by_words = client.get(f"/console/answers/suggest/?concern={concern.pk}&q=培训")
    assert by_words.content.decode().count("data-answer=") == 1
    assert f'data-answer="{other.pk}"' in by_words.content.decode()


def test_suggestions_for_a_concern_she_cannot_see_are_not_found(world: World) -> None:
    _approved(world)
    concern = _marriage_concern(world)
    answer = _client(world.outside_member).get(f"/console/answers/suggest/?concern={concern.pk}")
    assert answer.status_code == 404
    assert "data-answer=" not in answer.content.decode()


def test_residents_see_only_approved_public_answers_on_the_report_page(world: World) -> None:
    public = _approved(world)
    _approved(world, AnswerText("family", "policy", "内部口径", "仅供工作人员", public=False))
    actions.propose_answer(
        world.county, AnswerText("family", "policy", "待审", "待审", True), actor=world.county_staff
    )
    retired = _approved(world, AnswerText("work", "policy", "旧政策", "已过期", True))
    actions.retire_answer(retired, actor=world.dispatcher)
    html = Client().get("/report/").content.decode()
    assert html.count("data-answer=") == 1
    assert f'data-answer="{public.pk}"' in html
    assert '<div data-answers-for="family" hidden>' in html
    assert "内部口径" not in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_approve_it_once(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent connections")
    answer = actions.propose_answer(world.county, LEGAL_AID, actor=world.county_staff)

    def approve(user: Any) -> Any:
        return lambda: actions.approve_answer(ReadyAnswer.objects.get(pk=answer.pk), actor=user)

    outcomes = run_at_once(approve(world.dispatcher), approve(world.protection))
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "ReadyAnswer"]
    assert AuditEntry.objects.filter(action="answer_approved").count() == 1
