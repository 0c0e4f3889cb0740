"""Access helpers for projects.

Who keeps a project: the agency's own staff and social workers, and the federation's chairs,
staff and dispatchers at or above the area it serves (the side that contracted it). Leaders
at or above may read it (a project holds figures, not people). Missing and forbidden: NotFound.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sanshi.agencies.models import Project
from sanshi.concerns import permissions as perm
from sanshi.core.errors import NotFound
from sanshi.core.types import User
from sanshi.orgs.models import Role

AGENCY_ROLES = frozenset({Role.STAFF, Role.SOCIAL_WORKER})


def may_keep(user: User, project: Project) -> bool:
    grants = perm.grants(user)
    return perm.holds_at(grants, project.agency, AGENCY_ROLES) or perm.holds_at_or_above(
        grants, project.serves, perm.SUPERVISOR_ROLES
    )


def projects_visible_to(user: User) -> QuerySet[Project]:
    """Projects the user keeps, or whose area she leads."""
    grants = perm.grants(user)
    condition = Q(pk__in=[])
    for g in grants:
        if g.role in AGENCY_ROLES:
            condition |= Q(agency__path=g.org_path)
        if g.role in perm.SUPERVISOR_ROLES or g.role == Role.LEADER:
            condition |= Q(serves__path__startswith=g.org_path)
    return Project.objects.filter(condition).select_related("agency", "serves")


def access_project(user: User, project_id: int) -> Project:
    project = projects_visible_to(user).filter(pk=project_id).first()
    if project is None:
        raise NotFound("no such project")
    return project
