"""Looks the law wants recorded: one contact detail in clear, break-glass on a protected concern.

Each calls the action the console calls, so both ways write the same audit rows (and
break-glass the same timeline row and alert to the chair).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from sanshi.api.endpoints.common import WRITE_ERRORS, caller, concern_id_param, responses
from sanshi.api.present import concern_detail_out
from sanshi.api.schemas import ConcernDetailOut, ReasonIn, RevealIn, RevealOut
from sanshi.concerns import actions
from sanshi.concerns.access import FULL, access_concern, visibility

router = Router(tags=["privacy"])


@router.post(
    "/{concern_id}/reveal",
    response=responses({200: RevealOut}, WRITE_ERRORS),
    summary="Show one contact detail in clear (audited)",
)
def reveal(request: HttpRequest, payload: RevealIn, concern_id: int = concern_id_param()) -> Any:
    """For those who see the concern in full and handle, supervise or protect it."""
    concern = access_concern(caller(request), concern_id)
    value = actions.reveal_contact(concern, actor=caller(request), field=payload.field)
    return Status(200, {"concern_id": concern.pk, "field": payload.field, "value": value})


@router.post(
    "/{concern_id}/break-glass",
    response=responses({200: ConcernDetailOut}, WRITE_ERRORS),
    summary="Open a protected concern in full for an hour, with a reason (紧急调阅)",
)
def break_glass(
    request: HttpRequest, payload: ReasonIn, concern_id: int = concern_id_param()
) -> Any:
    """Audited, on the timeline, and the chair is told; the concern as the caller now sees it."""
    user = caller(request)
    concern = access_concern(user, concern_id)
    actions.break_glass(concern, actor=user, reason=payload.reason)
    return Status(200, concern_detail_out(concern, full=visibility(user, concern) == FULL))
