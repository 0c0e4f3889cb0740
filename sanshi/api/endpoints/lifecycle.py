"""Every lifecycle step of the spine as a POST on the concern; each calls one action."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from sanshi.api.endpoints.common import WRITE_ERRORS, caller, concern_id_param, responses
from sanshi.api.present import concern_detail_out
from sanshi.api.schemas import (
    AssignIn,
    ConcernDetailOut,
    ContactIn,
    DangerCheckIn,
    DispatchIn,
    EscalateIn,
    EscalationResponseIn,
    ExtensionDecisionIn,
    ExtensionRequestIn,
    FollowUpIn,
    MergeIn,
    NoteIn,
    ReasonIn,
    ReclassifyIn,
    ReferralIn,
    ReplyIn,
    UrgencyIn,
)
from sanshi.api.selectors import visible_org
from sanshi.concerns import actions
from sanshi.concerns.access import FULL, access_concern, visibility
from sanshi.concerns.models import Concern
from sanshi.concerns.permissions import may_supervise
from sanshi.core.errors import InvalidInput, NotAllowed, NotFound
from sanshi.orgs.models import Org, Person

router = Router(tags=["lifecycle"])
DONE = responses({200: ConcernDetailOut}, WRITE_ERRORS)


def _done(request: HttpRequest, concern: Concern) -> Status[dict[str, Any]]:
    user = caller(request)
    return Status(200, concern_detail_out(concern, full=visibility(user, concern) == FULL))


def _load(request: HttpRequest, concern_id: int) -> Concern:
    return access_concern(caller(request), concern_id)


def _people_in(org: Org, ids: list[int], field: str) -> list[Person]:
    """People holding a role in the org's subtree; any other id is a 400 on the field."""
    wanted = list(dict.fromkeys(ids))
    found = {
        p.pk: p
        for p in Person.objects.filter(
            pk__in=wanted, memberships__org__path__startswith=org.path
        ).distinct()
    }
    if len(found) != len(wanted):
        raise InvalidInput("no such person in that org", fields={field: "not found"})
    return [found[pk] for pk in wanted]


@router.post("/{concern_id}/dispatch", response=DONE, summary="Dispatch (派单)")
def dispatch(
    request: HttpRequest, payload: DispatchIn, concern_id: int = concern_id_param()
) -> Any:
    concern = _load(request, concern_id)
    org = visible_org(caller(request), payload.org_id)
    if org is None:
        # Whoever may not dispatch this concern at all hears that, whatever the target; a
        # dispatcher naming an org she cannot see hears that it does not exist.
        if not may_supervise(caller(request), concern):
            raise NotAllowed("you may not dispatch this concern")
        raise InvalidInput("no such org", fields={"org_id": "not found"})
    handlers = _people_in(org, payload.handler_ids, "handler_ids")
    actions.dispatch_concern(
        concern, org, actor=caller(request), handlers=handlers, note=payload.note
    )
    return _done(request, concern)


@router.post("/{concern_id}/assign", response=DONE, summary="Add a handler (指派)")
def assign(request: HttpRequest, payload: AssignIn, concern_id: int = concern_id_param()) -> Any:
    concern = _load(request, concern_id)
    [person] = _people_in(concern.org, [payload.person_id], "person_id")
    actions.assign_handler(concern, person, actor=caller(request), role=payload.role)
    return _done(request, concern)


@router.post("/{concern_id}/sign", response=DONE, summary="Sign (签收); no body")
def sign(request: HttpRequest, concern_id: int = concern_id_param()) -> Any:
    concern = _load(request, concern_id)
    actions.sign_concern(concern, actor=caller(request))
    return _done(request, concern)


@router.post("/{concern_id}/return", response=DONE, summary="Return to the dispatcher (退单)")
def return_(request: HttpRequest, payload: ReasonIn, concern_id: int = concern_id_param()) -> Any:
    concern = _load(request, concern_id)
    actions.return_concern(concern, actor=caller(request), reason=payload.reason)
    return _done(request, concern)


@router.post("/{concern_id}/contacts", response=DONE, summary="Log a contact or visit")
def contact(request: HttpRequest, payload: ContactIn, concern_id: int = concern_id_param()) -> Any:
    concern = _load(request, concern_id)
    actions.log_contact(
        concern, actor=caller(request), method=payload.method, outcome=payload.outcome
    )
    return _done(request, concern)


@router.post("/{concern_id}/referrals", response=DONE, summary="Refer to an outside body (转介)")
def refer(request: HttpRequest, payload: ReferralIn, concern_id: int = concern_id_param()) -> Any:
    concern = _load(request, concern_id)
    actions.refer_concern(
        concern,
        actor=caller(request),
        body=payload.body,
        reference=payload.reference,
        follow_up_on=payload.follow_up_on,
        note=payload.note,
    )
    return _done(request, concern)


@router.post("/{concern_id}/notes", response=DONE, summary="Add an internal note")
def note(request: HttpRequest, payload: NoteIn, concern_id: int = concern_id_param()) -> Any:
    concern = _load(request, concern_id)
    actions.add_note(concern, actor=caller(request), note=payload.note)
    return _done(request, concern)


@router.post("/{concern_id}/extension-request", response=DONE, summary="Ask for more time (延期)")
def request_extension(
    request: HttpRequest, payload: ExtensionRequestIn, concern_id: int = concern_id_param()
) -> Any:
    concern = _load(request, concern_id)
    actions.request_extension(
        concern, actor=caller(request), until=payload.until, reason=payload.reason
    )
    return _done(request, concern)


@router.post(
    "/{concern_id}/extension-decision", response=DONE, summary="Approve or refuse an extension"
)
def decide_extension(
    request: HttpRequest, payload: ExtensionDecisionIn, concern_id: int = concern_id_param()
) -> Any:
    concern = _load(request, concern_id)
    actions.decide_extension(
        concern, actor=caller(request), approve=payload.approve, note=payload.note
    )
    return _done(request, concern)


@router.post("/{concern_id}/reply", response=DONE, summary="Answer the resident (答复)")
def reply(request: HttpRequest, payload: ReplyIn, concern_id: int = concern_id_param()) -> Any:
    concern = _load(request, concern_id)
    actions.reply_concern(concern, actor=caller(request), reply=payload.reply)
    return _done(request, concern)


@router.post("/{concern_id}/follow-up", response=DONE, summary="Record the follow-up (回访)")
def follow_up(
    request: HttpRequest, payload: FollowUpIn, concern_id: int = concern_id_param()
) -> Any:
    concern = _load(request, concern_id)
    actions.record_follow_up(
        concern,
        actor=caller(request),
        solved=payload.solved,
        satisfaction=payload.satisfaction,
        comment=payload.comment,
        method=payload.method,
    )
    return _done(request, concern)


@router.post("/{concern_id}/close", response=DONE, summary="Close without a rating")
def close(request: HttpRequest, payload: ReasonIn, concern_id: int = concern_id_param()) -> Any:
    concern = _load(request, concern_id)
    actions.close_concern(concern, actor=caller(request), reason=payload.reason)
    return _done(request, concern)


@router.post("/{concern_id}/merge", response=DONE, summary="Merge into another concern (并案)")
def merge(request: HttpRequest, payload: MergeIn, concern_id: int = concern_id_param()) -> Any:
    concern = _load(request, concern_id)
    try:
        into = access_concern(caller(request), payload.into_id)
    except NotFound:
        raise InvalidInput("no such concern", fields={"into_id": "not found"}) from None
    actions.merge_concern(concern, into=into, actor=caller(request), note=payload.note)
    return _done(request, concern)


@router.post("/{concern_id}/escalate", response=DONE, summary="Blow the whistle (吹哨)")
def escalate(
    request: HttpRequest, payload: EscalateIn, concern_id: int = concern_id_param()
) -> Any:
    concern = _load(request, concern_id)
    to_org = concern.org.parent if payload.to_parent else None
    if payload.to_parent and to_org is None:
        raise InvalidInput("this org has no parent", fields={"to_parent": "invalid"})
    actions.escalate_concern(
        concern,
        actor=caller(request),
        reason=payload.reason,
        to_org=to_org,
        department=payload.department,
    )
    return _done(request, concern)


@router.post(
    "/{concern_id}/escalation-response", response=DONE, summary="Record the response (报到)"
)
def escalation_response(
    request: HttpRequest, payload: EscalationResponseIn, concern_id: int = concern_id_param()
) -> Any:
    concern = _load(request, concern_id)
    actions.record_escalation_response(
        concern, actor=caller(request), response=payload.response, rating=payload.rating
    )
    return _done(request, concern)


@router.post("/{concern_id}/reclassify", response=DONE, summary="Correct the category")
def reclassify(
    request: HttpRequest, payload: ReclassifyIn, concern_id: int = concern_id_param()
) -> Any:
    concern = _load(request, concern_id)
    actions.reclassify_concern(
        concern,
        actor=caller(request),
        category=payload.category,
        subcategory=payload.subcategory,
        reason=payload.reason,
    )
    return _done(request, concern)


@router.post("/{concern_id}/urgency", response=DONE, summary="Change the urgency tier")
def urgency(request: HttpRequest, payload: UrgencyIn, concern_id: int = concern_id_param()) -> Any:
    concern = _load(request, concern_id)
    actions.change_urgency(
        concern, actor=caller(request), urgency=payload.urgency, reason=payload.reason
    )
    return _done(request, concern)


# ---------------------------------------------------------------- the protection officer (issue 19)


@router.post(
    "/{concern_id}/danger-check", response=DONE, summary="Confirm or clear a danger (核查危险信号)"
)
def danger_check(
    request: HttpRequest, payload: DangerCheckIn, concern_id: int = concern_id_param()
) -> Any:
    """Settle a concern that triage was unsure of (`danger_check` pending): a duty officer of
    its org or above, with a reason. Confirmed: critical and protected from now; cleared: the
    record keeps who and why. A second answer is a 409: a check is settled once."""
    concern = _load(request, concern_id)
    actions.check_danger(
        concern, confirmed=payload.confirmed, reason=payload.reason, actor=caller(request)
    )
    return _done(request, concern)


@router.post("/{concern_id}/take", response=DONE, summary="Take it in hand (接手); no body")
def take(request: HttpRequest, concern_id: int = concern_id_param()) -> Any:
    """A protection officer of the concern's org or above takes a protected concern waiting
    for dispatch: dispatched where it is, signed by her, she its lead handler."""
    concern = _load(request, concern_id)
    actions.take_concern(concern, actor=caller(request))
    return _done(request, concern)


@router.post("/{concern_id}/unprotect", response=DONE, summary="Lift protection (取消保护)")
def unprotect(request: HttpRequest, payload: ReasonIn, concern_id: int = concern_id_param()) -> Any:
    """Make a protected concern's text searchable again, with a reason: its protection
    officers or the org's chair, never while it is critical or about a child under 14."""
    concern = _load(request, concern_id)
    actions.unprotect_concern(concern, actor=caller(request), reason=payload.reason)
    return _done(request, concern)
