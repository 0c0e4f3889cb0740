"""The JSON API a committee member's phone needs: her households, overdue visits, logging a
visit and turning it into a concern (mounted at /api/v1/network)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status

from sanshi.api.endpoints.common import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, caller, responses
from sanshi.api.schemas import MAX_ID, Address, Id, In, Name64, Note, Reason, Short16
from sanshi.core.errors import NotAllowed
from sanshi.network import actions
from sanshi.network.access import access_household, access_visit
from sanshi.network.models import Household, Visit
from sanshi.network.selectors import days_overdue, my_households, overdue_for, visits_of
from sanshi.orgs.models import Org

router = Router(tags=["network"])

FlagCode = Literal[
    "left_behind_child",
    "elder_alone",
    "woman_in_hardship",
    "single_parent",
    "disability",
    "dv_history",
]
Phone = Annotated[str, Field(max_length=20, pattern=r"^[0-9+\- ]*$")]


class PersonIO(In):
    name: Annotated[Name64, Field(min_length=1, max_length=32)]
    relation: Short16 = ""
    phone: Phone = ""


class HouseholdIn(In):
    address: Annotated[Address, Field(min_length=1, max_length=200)]
    people: list[PersonIO] = Field(default_factory=list, max_length=12)
    consent: bool = Field(False, description="the people listed agreed to be recorded")
    flags: list[FlagCode] = Field(default_factory=list, max_length=6)
    org_id: Id | None = Field(None, description="where she keeps it, if she serves in several")


class HouseholdOut(Schema):
    id: int
    org_id: int
    keeper: str
    address: str
    people: list[PersonIO]
    flags: list[FlagCode]
    last_visited_on: dt.date | None
    next_visit_due: dt.date | None
    overdue_days: int


class VisitIn(In):
    household_id: Id
    visited_on: dt.date | None = Field(None, description="today when left out")
    found: Annotated[Reason, Field(description="what the visit found")]
    follow_up: Note = ""


class VisitOut(Schema):
    id: int
    household_id: int
    visitor: str
    visited_on: dt.date
    found: str
    follow_up: str
    concern_id: int | None
    tracking_code: str | None


class HouseholdDetailOut(HouseholdOut):
    visits: list[VisitOut]


class OverdueOut(Schema):
    mine: list[HouseholdOut]
    org: list[HouseholdOut] = Field(description="her org's, when she chairs it")


class RaiseIn(In):
    text: Reason
    consent: bool = Field(False, description="the household agreed that it be reported")


class RaisedOut(Schema):
    concern_id: int
    tracking_code: str
    visit_id: int


def _household(h: Household) -> dict[str, Any]:
    return {
        "id": h.pk,
        "org_id": h.org_id,
        "keeper": h.keeper.name,
        "address": h.address,
        "people": h.people,
        "flags": h.flags,
        "last_visited_on": h.last_visited_on,
        "next_visit_due": h.next_visit_due,
        "overdue_days": days_overdue(h),
    }


def _visit(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "household_id": v.household_id,
        "visitor": v.visitor.name,
        "visited_on": v.visited_on,
        "found": v.found,
        "follow_up": v.follow_up,
        "concern_id": v.concern_id,
        "tracking_code": v.concern.tracking_code if v.concern is not None else None,
    }


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"the {what}'s id")


@router.get(
    "/households",
    response=responses({200: list[HouseholdOut]}, LIST_ERRORS),
    summary="My households",
)
def list_households(request: HttpRequest) -> Any:
    """The households the caller keeps, the most overdue first."""
    return Status(200, [_household(h) for h in my_households(caller(request))])


@router.get(
    "/households/overdue",
    response=responses({200: OverdueOut}, LIST_ERRORS),
    summary="Households past their visiting date",
)
def list_overdue(request: HttpRequest) -> Any:
    overdue = overdue_for(caller(request))
    return Status(
        200,
        {
            "mine": [_household(h) for h in overdue.mine],
            "org": [_household(h) for h in overdue.org],
        },
    )


@router.post(
    "/households", response=responses({201: HouseholdOut}, WRITE_ERRORS), summary="Add a household"
)
def create_household(request: HttpRequest, payload: HouseholdIn) -> Any:
    org = None
    if payload.org_id is not None:
        org = Org.objects.filter(pk=payload.org_id).first()
        if org is None:
            raise NotAllowed("you keep no households in that federation")
    household = actions.add_household(
        actor=caller(request),
        address=payload.address,
        people=[actions.PersonEntry(p.name, p.relation, p.phone) for p in payload.people],
        consent=payload.consent,
        flags=list(payload.flags),
        org=org,
    )
    return Status(201, _household(household))


@router.get(
    "/households/{household_id}",
    response=responses({200: HouseholdDetailOut}, READ_ERRORS),
    summary="One household with its visits",
)
def get_household(request: HttpRequest, household_id: int = _id("household")) -> Any:
    household = access_household(caller(request), household_id)
    return Status(
        200, {**_household(household), "visits": [_visit(v) for v in visits_of(household)]}
    )


@router.post("/visits", response=responses({201: VisitOut}, WRITE_ERRORS), summary="Log a visit")
def create_visit(request: HttpRequest, payload: VisitIn) -> Any:
    user = caller(request)
    household = access_household(user, payload.household_id, how="visit")
    visit = actions.log_visit(
        household,
        actor=user,
        visited_on=payload.visited_on,
        found=payload.found,
        follow_up=payload.follow_up,
    )
    return Status(201, _visit(visit))


@router.post(
    "/visits/{visit_id}/concern",
    response=responses({201: RaisedOut}, WRITE_ERRORS),
    summary="Turn a visit into a concern",
)
def raise_concern(request: HttpRequest, payload: RaiseIn, visit_id: int = _id("visit")) -> Any:
    user = caller(request)
    visit = access_visit(user, visit_id)
    concern = actions.raise_concern_from_visit(
        visit, actor=user, text=payload.text, consent=payload.consent
    )
    return Status(
        201,
        {"concern_id": concern.pk, "tracking_code": concern.tracking_code, "visit_id": visit.pk},
    )
