"""Concerns: list with filters, create through intake, detail, timeline."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Query, Router, Schema, Status

from sanshi.api.endpoints.common import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    caller,
    concern_id_param,
    require_staff_role,
    responses,
    token_of,
)
from sanshi.api.present import concern_detail_out, concern_out, event_out
from sanshi.api.schemas import (
    AwareTime,
    Code32,
    Code48,
    ConcernDetailOut,
    ConcernIn,
    ConcernPage,
    CreatedOut,
    Cursor,
    Id,
    StatusCode,
    Storable,
    TimelineOut,
    UrgencyCode,
    _limits,
)
from sanshi.api.selectors import (
    ConcernFilters,
    filtered_concerns,
    fully_visible_ids,
    page_of_concerns,
    visible_org,
)
from sanshi.concerns.access import FULL, access_concern, visibility
from sanshi.concerns.models import Channel
from sanshi.core.errors import InvalidInput
from sanshi.core.idempotency import Answer, answer_once, fingerprint
from sanshi.intake.take_in import ConcernIntake, TakenIn, take_in_concern
from sanshi.messaging.actions import ContactChoice
from sanshi.orgs.models import Division, Org

router = Router(tags=["concerns"])

IDEMPOTENCY_HEADER = Header(None, alias="Idempotency-Key", description="makes a retry safe")
IdempotencyKey = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")]


class ConcernQuery(Schema):
    status: list[StatusCode] = Field(default_factory=list, description="any of these; repeat")
    category: Code32 = ""
    subcategory: Code48 = ""
    org_id: Id | None = Field(None, description="this org and everything below it")
    urgency: list[UrgencyCode] = Field(default_factory=list, description="any of these; repeat")
    overdue: bool | None = Field(None, description="true: past a deadline; false: not")
    received_from: AwareTime | None = Field(None, description="received at or after")
    received_to: AwareTime | None = Field(None, description="received before")
    q: Annotated[str, _limits(0, 100), Storable] = Field(
        "", description="a tracking code, or words in the text or address"
    )
    cursor: Cursor = ""
    limit: int = Field(50, ge=1, le=200)


@router.get("", response=responses({200: ConcernPage}, LIST_ERRORS), summary="List concerns")
def list_concerns(request: HttpRequest, filters: Query[ConcernQuery]) -> Any:
    """Concerns the caller may see, newest first, one page at a time (cursor)."""
    user = caller(request)
    org: Org | None = None
    if filters.org_id is not None:
        org = visible_org(user, filters.org_id)
        if org is None:
            raise InvalidInput("no such org", fields={"org_id": "not found"})
    qs = filtered_concerns(
        user,
        ConcernFilters(
            status=filters.status,
            category=filters.category,
            subcategory=filters.subcategory,
            org=org,
            urgency=filters.urgency,
            overdue=filters.overdue,
            received_from=filters.received_from,
            received_to=filters.received_to,
            q=filters.q.strip(),
        ),
    )
    rows, next_cursor = page_of_concerns(qs, filters.cursor, filters.limit)
    full = fully_visible_ids(user, rows)
    return Status(
        200,
        {
            "results": [concern_out(c, full=c.pk in full) for c in rows],
            "next_cursor": next_cursor,
        },
    )


@router.get(
    "/{concern_id}", response=responses({200: ConcernDetailOut}, READ_ERRORS), summary="One concern"
)
def get_concern(request: HttpRequest, concern_id: int = concern_id_param()) -> Any:
    user = caller(request)
    concern = access_concern(user, concern_id)
    return Status(200, concern_detail_out(concern, full=visibility(user, concern) == FULL))


@router.get(
    "/{concern_id}/timeline",
    response=responses({200: TimelineOut}, READ_ERRORS),
    summary="A concern's timeline",
)
def get_timeline(request: HttpRequest, concern_id: int = concern_id_param()) -> Any:
    user = caller(request)
    concern = access_concern(user, concern_id)
    full = visibility(user, concern) == FULL
    events = concern.events.select_related("actor", "org").order_by("at", "pk")
    return Status(
        200, {"concern_id": concern.pk, "events": [event_out(e, full=full) for e in events]}
    )


@router.post(
    "",
    response=responses({201: CreatedOut}, WRITE_ERRORS),
    summary="Report a concern (channel api)",
)
def create_concern(
    request: HttpRequest,
    payload: ConcernIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey | None = IDEMPOTENCY_HEADER,
) -> Any:
    """Triage the text, choose the receiving org, receive and dispatch, in one transaction.

    With `Idempotency-Key`, a retry of the same request returns the first response
    (header `Idempotent-Replayed: true`) and creates nothing; the same key with a different
    body is a 409. The concern is committed before the 201 is sent.
    """
    require_staff_role(request)
    scope = f"api:{token_of(request).pk}"
    print_ = fingerprint("POST", "/concerns", request.body)

    made: list[CreatedOut] = []

    def create() -> Answer:
        taken = _intake(request, payload)
        full = visibility(caller(request), taken.concern) == FULL
        # Intake assigns nobody (auto-dispatch names an org, not people): no query for it.
        out = CreatedOut.model_validate(
            {
                "concern": concern_detail_out(taken.concern, full=full, assignments=[]),
                "triage": taken.triage.as_dict(),
            }
        )
        made.append(out)
        return Answer(201, out.model_dump(mode="json"))

    answer = answer_once(scope, idempotency_key or "", print_, create)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
        return Status(answer.status, CreatedOut.model_validate(answer.body))
    # Ninja renders the schema instance as it is, without validating it again.
    return Status(answer.status, made[-1])


def _intake(request: HttpRequest, payload: ConcernIn) -> TakenIn:
    data = payload.model_dump(exclude={"division_code", "community_id", "safe_contact"})
    safe = payload.safe_contact
    # Where the caller said nothing, triage's routing decides division and community.
    intake = ConcernIntake(
        **data,
        channel=Channel.API,
        source_client=token_of(request).name,
        division=None if payload.division_code is None else _division(payload.division_code),
        community=None if payload.community_id is None else _community(payload.community_id),
        contact=None if safe is None else ContactChoice(**safe.model_dump()),
    )
    return take_in_concern(intake, actor=caller(request))


def _division(code: str) -> Division:
    division = Division.objects.filter(pk=code).first()
    if division is None:
        raise InvalidInput("no such division", fields={"division_code": "not found"})
    return division


def _community(org_id: int) -> Org:
    community = Org.objects.filter(pk=org_id, level=Org.Level.COMMUNITY).first()
    if community is None:
        raise InvalidInput("no such community", fields={"community_id": "not found"})
    return community
