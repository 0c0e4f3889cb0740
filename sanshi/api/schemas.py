"""Request and response shapes. Request bodies reject unknown fields (400, "unknown field")."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from sanshi.concerns.models import REFERRAL_REFERENCE_MAX, ContactMethod, ReferralBody
from sanshi.core import keyset

MAX_ID = 2**63 - 1
# No NUL and no other C0 controls except tab, newline and carriage return: PostgreSQL
# refuses NUL in text, and none of them belongs in a concern.
SAFE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def _storable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from "\ud800" in JSON
        raise ValueError("control_chars") from None
    return value


# ISO 8601 text only (pydantic would also take 0.5 as a Unix time), years 1970-2199:
# years near 1 or 9999 overflow when converted to UTC, and nothing here needs them.
TIME_PATTERN = r"^(19[7-9][0-9]|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"


def _iso_text(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or re.match(TIME_PATTERN, value) is None:
        raise ValueError("datetime")
    return value


def _limits(min_length: int, max_length: int) -> Any:
    return Field(min_length=min_length, max_length=max_length, pattern=SAFE_TEXT)


Storable = AfterValidator(_storable)
# Strings the database can store, with their length limits in the schema.
# An opaque, signed position (sanshi.core.keyset): pass back `next_cursor` as it came.
Cursor = Annotated[
    str,
    Field(
        max_length=keyset.CURSOR_MAX_LENGTH,
        pattern=keyset.CURSOR_PATTERN,
        description="`next_cursor` of the previous page, as given; empty for the first page",
    ),
]
LongText = Annotated[str, _limits(1, 4000), Storable]
Reason = Annotated[str, _limits(1, 2000), Storable]
Note = Annotated[str, _limits(0, 2000), Storable]
Address = Annotated[str, _limits(0, 300), Storable]
Short16 = Annotated[str, _limits(0, 16), Storable]
Code32 = Annotated[str, _limits(0, 32), Storable]
Code48 = Annotated[str, _limits(0, 48), Storable]
Name64 = Annotated[str, _limits(0, 64), Storable]
Short100 = Annotated[str, _limits(0, 100), Storable]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _in_utc(value: dt.datetime) -> dt.datetime:
    # Any offset Python accepts (under 24 h) is fine once converted; PostgreSQL refuses
    # offsets past 15:59, so nothing with its original offset reaches the database.
    return value.astimezone(dt.UTC)


AwareTime = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_text),
    AfterValidator(_in_utc),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": TIME_PATTERN}),
]

StatusCode = Literal[
    "received",
    "dispatched",
    "returned",
    "signed",
    "in_progress",
    "replied",
    "reopened",
    "closed",
    "merged",
]
UrgencyCode = Literal["critical", "high", "normal", "low"]
SatisfactionCode = Literal["satisfied", "basic", "unsatisfied"]
LegalBasisCode = Literal["consent", "statutory_duty", "emergency"]


class In(Schema):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- errors


class ErrorOut(Schema):
    error: str = Field(description="machine-readable code, e.g. invalid_input, not_found")
    message: str = Field(description="for people: Chinese, or English with Accept-Language: en")
    fields: dict[str, str] = Field(description="field name → message, for 400s")


# ---------------------------------------------------------------- orgs, people, me


class OrgRef(Schema):
    id: int
    name: str


class OrgOut(Schema):
    id: int
    name: str
    level: str
    kind: str
    parent_id: int | None
    division_code: str
    path: str
    depth: int


class OrgPage(Schema):
    results: list[OrgOut]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null at the end"
    )


class RoleOut(Schema):
    org: OrgRef
    role: str
    role_label: str


class MeOut(Schema):
    id: int
    username: str
    person_id: int | None
    name: str
    roles: list[RoleOut]
    token_name: str


# ---------------------------------------------------------------- taxonomy


class SubcategoryOut(Schema):
    code: str
    name: str
    en: str
    sanshi: str
    urgent: bool


class CategoryOut(Schema):
    code: str
    name: str
    en: str
    sanshi: str
    subcategories: list[SubcategoryOut]


class TaxonomyOut(Schema):
    categories: list[CategoryOut]


# ---------------------------------------------------------------- concerns


class HandlerOut(Schema):
    person_id: int
    name: str
    role: str
    assigned_at: dt.datetime


class ConcernOut(Schema):
    """A concern; `redacted` true means text, address and reporter are withheld (null).

    Even unredacted, address, reporter_name and reporter_phone are masked (138****1234) and
    so is any phone number in the text; POST /concerns/{id}/reveal gives one value in clear.
    """

    id: int
    tracking_code: str
    status: str
    channel: str
    category: str
    subcategory: str
    sanshi: str
    urgency: str
    protected: bool
    danger_check: str = Field(description="'' none, pending, confirmed or cleared")
    redacted: bool
    text: str | None
    address: str | None
    reporter_name: str | None
    reporter_phone: str | None
    anonymous: bool
    minor_under_14: bool
    division_code: str | None
    community_id: int | None
    org: OrgRef
    dispatching_org_id: int | None
    merged_into_id: int | None
    escalated_to_id: int | None
    escalated_department: str
    received_at: dt.datetime
    dispatched_at: dt.datetime | None
    signed_at: dt.datetime | None
    first_contact_at: dt.datetime | None
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    sign_due: dt.datetime | None
    contact_due: dt.datetime | None
    resolve_due: dt.datetime | None
    overdue_since: dt.datetime | None
    extension_requested_until: dt.datetime | None
    solved: bool | None
    satisfaction: str
    rated_at: dt.datetime | None
    return_count: int
    reopen_count: int
    extension_count: int
    updated_at: dt.datetime


class ConcernDetailOut(ConcernOut):
    handlers: list[HandlerOut]
    triage: dict[str, Any] | None


class ConcernPage(Schema):
    results: list[ConcernOut]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null at the end"
    )


class EventOut(Schema):
    """One timeline row; note and data are null on a redacted concern."""

    id: int
    kind: str
    kind_label: str
    at: dt.datetime
    actor_id: int | None
    actor: str | None
    org: OrgRef | None
    from_status: str
    to_status: str
    note: str | None
    data: dict[str, Any] | None


class TimelineOut(Schema):
    concern_id: int
    events: list[EventOut]


class CreatedOut(Schema):
    concern: ConcernDetailOut
    triage: dict[str, Any] = Field(description="what the triage engine said about the text")


# ---------------------------------------------------------------- request bodies


class SafeContactIn(In):
    """How the resident may be messaged (sanshi.messaging): for danger and protected concerns
    nothing is sent without `sms` and a window."""

    channel: Literal["sms", "none"]
    window_start: dt.time | None = None
    window_end: dt.time | None = None
    language: Literal["zh-hans", "en"] = "zh-hans"


class ConcernIn(In):
    text: LongText
    address: Address = ""
    category: Code32 = ""
    subcategory: Code48 = ""
    urgency: UrgencyCode | None = None
    division_code: Annotated[str, Field(pattern=r"^[0-9]{6,12}$")] | None = None
    community_id: Id | None = None
    reporter_name: Name64 = ""
    reporter_phone: Annotated[str, Field(max_length=32, pattern=r"^[0-9+\- ()]*$")] = ""
    anonymous: bool = False
    minor_under_14: bool = False
    guardian_consent: bool = False
    # Who reports: a third party's report about a child under 14 rests on the duty to protect
    # children (no guardian's consent); the guardian's own report is the guardian's consent.
    reporter_relation: Literal["self", "guardian", "third_party"] = "self"
    publish_consent: bool = False
    protected: bool = False
    legal_basis: LegalBasisCode = "consent"
    consent_version: Short16 = ""
    latitude: Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)] | None = None
    longitude: (
        Annotated[Decimal, Field(ge=-180, le=180, max_digits=10, decimal_places=6)] | None
    ) = None
    safe_contact: SafeContactIn | None = None


class TriageIn(In):
    text: LongText
    address: Address = ""


class DispatchIn(In):
    org_id: Id
    handler_ids: list[Id] = Field(default_factory=list, max_length=20)
    note: Note = ""


class AssignIn(In):
    person_id: Id
    role: Literal["lead", "assist"] = "assist"


class ReasonIn(In):
    reason: Reason


class DangerCheckIn(In):
    """A person's word on a concern triage was unsure of (危险信号核查)."""

    confirmed: bool = Field(description="true: danger (critical and protected); false: cleared")
    reason: Reason


RevealField = Literal["reporter_name", "reporter_phone", "address", "reporter_id_number"]


class RevealIn(In):
    field: RevealField = Field(description="which contact detail to show in clear")


class RevealOut(Schema):
    concern_id: int
    field: RevealField
    value: str = Field(description="the value in clear; this look is in the audit chain")


class ContactIn(In):
    method: ContactMethod
    outcome: Reason


class ReferralIn(In):
    body: ReferralBody
    reference: Annotated[str, _limits(0, REFERRAL_REFERENCE_MAX), Storable] = ""
    follow_up_on: dt.date | None = None
    note: Note = ""


class NoteIn(In):
    note: LongText


class ExtensionRequestIn(In):
    until: AwareTime
    reason: Reason


class ExtensionDecisionIn(In):
    approve: bool
    note: Note = ""


class ReplyIn(In):
    reply: LongText


class FollowUpIn(In):
    solved: bool
    satisfaction: SatisfactionCode
    comment: Note = ""
    method: Literal["phone", "visit", "resident"] = "phone"


class MergeIn(In):
    into_id: Id
    note: Note = ""


class EscalateIn(In):
    """Blow the whistle to the parent org (`to_parent`) or to a named department."""

    to_parent: bool = False
    department: Short100 = ""
    reason: Reason


class EscalationResponseIn(In):
    response: Reason
    rating: SatisfactionCode | Literal[""] = ""


class ReclassifyIn(In):
    category: Code32 = ""
    subcategory: Code48 = ""
    reason: Reason


class UrgencyIn(In):
    urgency: UrgencyCode
    reason: Reason
