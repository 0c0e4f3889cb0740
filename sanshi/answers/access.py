"""Who may write, approve and read ready answers; the only way to load one by id."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sanshi.answers.models import ReadyAnswer
from sanshi.concerns import permissions as perm
from sanshi.core.errors import NotFound
from sanshi.core.types import User
from sanshi.orgs.models import Org

APPROVER_ROLES = perm.SUPERVISOR_ROLES | perm.PROTECTION_ROLES


def may_write(user: User, org: Org) -> bool:
    """Anyone who handles concerns in this org or above it."""
    return perm.holds_at_or_above(perm.grants(user), org, perm.HANDLER_ROLES)


def may_approve(user: User, org: Org) -> bool:
    return perm.holds_at_or_above(perm.grants(user), org, APPROVER_ROLES)


def orgs_to_keep(user: User) -> list[Org]:
    """The orgs where she may write answers (her own, as a handler)."""
    paths = [g.org_path for g in perm.grants(user) if g.role in perm.HANDLER_ROLES]
    return list(Org.objects.filter(path__in=paths).order_by("path"))


def answers_kept_by(user: User) -> QuerySet[ReadyAnswer]:
    """The answers of the orgs she handles concerns in and those below them."""
    condition = Q(pk__in=[])
    for g in perm.grants(user):
        if g.role in perm.HANDLER_ROLES:
            condition |= Q(org__path__startswith=g.org_path)
    return ReadyAnswer.objects.filter(condition).select_related("org")


def access_answer(user: User, answer_id: int) -> ReadyAnswer:
    """One answer she keeps; missing and forbidden both raise NotFound."""
    answer = answers_kept_by(user).filter(pk=answer_id).first()
    if answer is None:
        raise NotFound("no such answer")
    return answer
