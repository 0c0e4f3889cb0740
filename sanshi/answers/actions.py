"""Every write to ready answers: propose, revise, approve (by a second person), retire."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanshi.answers.access import may_approve, may_write
from sanshi.answers.models import BODY_MAX, TITLE_MAX, AnswerKind, AnswerState, ReadyAnswer
from sanshi.audit.actions import record_audit
from sanshi.concerns.taxonomy import taxonomy
from sanshi.core import clock
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.core.types import User
from sanshi.orgs.models import Org


@dataclass(frozen=True)
class AnswerText:
    """What a writer gives: the category it answers, its kind, title, text, and whether
    residents may read it."""

    category: str
    kind: str
    title: str
    body: str
    public: bool = False

    def cleaned(self) -> AnswerText:
        title, body = self.title.strip(), self.body.strip()
        problems: dict[str, str] = {}
        if self.category not in taxonomy().by_code:
            problems["category"] = "unknown"
        if self.kind not in AnswerKind.values:
            problems["kind"] = "unknown"
        if not title or len(title) > TITLE_MAX:
            problems["title"] = "required" if not title else "too long"
        if not body or len(body) > BODY_MAX:
            problems["body"] = "required" if not body else "too long"
        if problems:
            raise InvalidInput(_("请检查标记的内容。"), fields=problems)
        return AnswerText(self.category, self.kind, title, body, bool(self.public))


def _audit(actor: User, action: str, answer: ReadyAnswer, **data: Any) -> None:
    record_audit(actor, action, "ready_answer", answer.pk, data or None)


def _user_id(actor: User) -> int:
    if actor.pk is None:
        raise NotAllowed(_("请先登录。"))
    return int(actor.pk)


def propose_answer(org: Org, text: AnswerText, *, actor: User) -> ReadyAnswer:
    """A new answer, waiting for a second person to approve it."""
    if not may_write(actor, org):
        raise NotAllowed(_("您不能为这个组织编写答复。"))
    text = text.cleaned()
    now = clock.now()
    with transaction.atomic():
        answer = ReadyAnswer.objects.create(
            org=org,
            category=text.category,
            kind=text.kind,
            title=text.title,
            body=text.body,
            public=text.public,
            state=AnswerState.PROPOSED,
            written_by_id=_user_id(actor),
            created_at=now,
            updated_at=now,
        )
        _audit(actor, "answer_proposed", answer, org=org.pk, category=text.category)
    return answer


def revise_answer(answer: ReadyAnswer, text: AnswerText, *, actor: User) -> ReadyAnswer:
    """New wording: the answer waits for approval again, by someone other than the reviser."""
    if not may_write(actor, answer.org):
        raise NotAllowed(_("您不能修改这条答复。"))
    text = text.cleaned()
    with transaction.atomic():
        changed = ReadyAnswer.objects.filter(pk=answer.pk).exclude(state=AnswerState.RETIRED)
        count = changed.update(
            category=text.category,
            kind=text.kind,
            title=text.title,
            body=text.body,
            public=text.public,
            state=AnswerState.PROPOSED,
            written_by_id=actor.pk,
            approved_by=None,
            approved_at=None,
            updated_at=clock.now(),
        )
        if count != 1:
            raise Conflict(_("这条答复已停用，不能修改。"))
        _audit(actor, "answer_revised", answer)
    answer.refresh_from_db()
    return answer


def approve_answer(answer: ReadyAnswer, *, actor: User) -> ReadyAnswer:
    """A second person approves: not the one who wrote (or last revised) it."""
    if not may_approve(actor, answer.org):
        raise NotAllowed(_("只有主席、工作人员、派单员或保护专员可以审核答复。"))
    if answer.written_by_id == actor.pk:
        raise NotAllowed(_("答复须由编写人以外的另一人审核。"))
    now = clock.now()
    with transaction.atomic():
        # Only the wording she read: a revision in between (another writer) makes it fail.
        count = (
            ReadyAnswer.objects.filter(
                pk=answer.pk, state=AnswerState.PROPOSED, updated_at=answer.updated_at
            )
            .exclude(written_by_id=actor.pk)
            .update(
                state=AnswerState.APPROVED, approved_by_id=actor.pk, approved_at=now, updated_at=now
            )
        )
        if count != 1:
            raise Conflict(_("这条答复已被修改或已审核，请刷新后再看。"))
        _audit(actor, "answer_approved", answer)
    answer.refresh_from_db()
    return answer


def retire_answer(answer: ReadyAnswer, *, actor: User) -> ReadyAnswer:
    """No longer suggested nor shown to residents (kept for the record)."""
    if not may_approve(actor, answer.org):
        raise NotAllowed(_("只有主席、工作人员、派单员或保护专员可以停用答复。"))
    with transaction.atomic():
        count = (
            ReadyAnswer.objects.filter(pk=answer.pk)
            .exclude(state=AnswerState.RETIRED)
            .update(state=AnswerState.RETIRED, updated_at=clock.now())
        )
        if count != 1:
            raise Conflict(_("这条答复已经停用。"))
        _audit(actor, "answer_retired", answer)
    answer.refresh_from_db()
    return answer
