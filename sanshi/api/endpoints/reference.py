"""The caller, the org tree, the taxonomy, and triage of a text without saving it."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from sanshi.api.endpoints.common import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    caller,
    require_staff_role,
    responses,
    token_of,
)
from sanshi.api.schemas import MAX_ID, Cursor, MeOut, OrgOut, OrgPage, TaxonomyOut, TriageIn
from sanshi.api.selectors import orgs_visible_to, visible_org
from sanshi.concerns.taxonomy import taxonomy
from sanshi.core import keyset
from sanshi.core.errors import NotFound
from sanshi.orgs.models import Org
from sanshi.orgs.selectors import person_for_user, roles_of_user

router = Router()

ORG_FIELDS = ("id", "name", "level", "kind", "parent_id", "division_code", "path", "depth")


@router.get(
    "/me",
    response=responses({200: MeOut}, LIST_ERRORS),
    tags=["me"],
    summary="The caller's profile and roles",
)
def me(request: HttpRequest) -> Any:
    user = caller(request)
    person = person_for_user(user)
    roles = [
        {
            "org": {"id": m.org.pk, "name": m.org.name},
            "role": m.role,
            "role_label": m.get_role_display(),
        }
        for m in roles_of_user(user)
    ]
    return Status(
        200,
        {
            "id": user.pk,
            "username": user.get_username(),
            "person_id": person.pk if person else None,
            "name": person.name if person else "",
            "roles": roles,
            "token_name": token_of(request).name,
        },
    )


@router.get(
    "/taxonomy",
    response=responses({200: TaxonomyOut}, LIST_ERRORS),
    tags=["reference"],
    summary="Categories and subcategories",
)
def get_taxonomy(request: HttpRequest) -> Any:
    categories = [
        {
            "code": c.code,
            "name": c.name,
            "en": c.en,
            "sanshi": c.sanshi,
            "subcategories": [
                {"code": s.code, "name": s.name, "en": s.en, "sanshi": s.sanshi, "urgent": s.urgent}
                for s in c.subcategories
            ],
        }
        for c in taxonomy().categories
    ]
    return Status(200, {"categories": categories})


class OrgQuery(Schema):
    parent_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    level: Annotated[str, Field(max_length=16, pattern=r"^[a-z_]*$")] = ""
    cursor: Cursor = ""
    limit: int = Field(100, ge=1, le=500)


@router.get(
    "/orgs",
    response=responses({200: OrgPage}, LIST_ERRORS),
    tags=["reference"],
    summary="Orgs in the caller's subtrees",
)
def list_orgs(request: HttpRequest, filters: Query[OrgQuery]) -> Any:
    qs = orgs_visible_to(caller(request))
    if filters.parent_id is not None:
        qs = qs.filter(parent_id=filters.parent_id)
    if filters.level:
        qs = qs.filter(level=filters.level)
    rows, next_cursor = keyset.page(qs, ("pk",), filters.cursor, filters.limit, scope="api.orgs")
    return Status(200, {"results": [_org_out(o) for o in rows], "next_cursor": next_cursor})


@router.get(
    "/orgs/{org_id}",
    response=responses({200: OrgOut}, READ_ERRORS),
    tags=["reference"],
    summary="One org",
)
def get_org(request: HttpRequest, org_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    org = visible_org(caller(request), org_id)
    if org is None:
        raise NotFound("no such org")
    return Status(200, _org_out(org))


@router.post(
    "/triage",
    response=responses({200: dict[str, Any]}, WRITE_ERRORS - {404, 409}),
    tags=["reference"],
    summary="Triage a text without saving it (staff only)",
)
def triage_text(request: HttpRequest, payload: TriageIn) -> Any:
    """What the triage engine says: category, urgency, danger signals, where."""
    require_staff_role(request)
    from sanshi.triage.engine import triage

    return Status(200, triage(payload.text, address=payload.address or None).as_dict())


def _org_out(org: Org) -> dict[str, Any]:
    return {name: getattr(org, name) for name in ORG_FIELDS}
