"""Reveal and break-glass × every persona × protected or not × inside or outside.

Neither the console nor the API exposes `reveal_contact` or `break_glass` over HTTP yet, so
these cases call the actions themselves (the public interface there is). A granted
break-glass is then checked over HTTP: the API shows the concern in full to that user.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from sanshi.audit.models import AuditEntry
from sanshi.concerns import actions
from sanshi.concerns.models import BreakGlassGrant, ConcernEvent
from sanshi.core.errors import InvalidInput, NotAllowed, SanshiError
from sanshi.core.tests.matrix import helpers as h

ERRORS: dict[str, type[SanshiError]] = {"F": NotAllowed, "X": InvalidInput}
Table = Callable[[str, str, str], str]


def _audit_rows(action: str, concern_id: int) -> int:
    return AuditEntry.objects.filter(action=action, object_id=str(concern_id)).count()


def _try_reveal(m: h.Matrix, cell: h.Cell, api: dict[str, h.Api], p: h.Problems) -> None:
    role, place, protection, _ = cell
    concern = m.concern(place, protection)
    value = actions.reveal_contact(concern, actor=m.user(role), field="reporter_phone")
    if value != h.PHONE:
        p.add("action", "reveal", cell, f"revealed {value!r}")
    if _audit_rows("reveal", concern.pk) != 1:
        p.add("action", "audit", cell, "the reveal was not audited once")


def _try_break_glass(m: h.Matrix, cell: h.Cell, api: dict[str, h.Api], p: h.Problems) -> None:
    role, place, protection, _ = cell
    concern = m.concern(place, protection)
    grant = actions.break_glass(concern, actor=m.user(role), reason="夜间接警，需核实地址")
    if grant.expires_at - grant.granted_at != dt.timedelta(minutes=60):
        p.add("action", "grant", cell, f"granted for {grant.expires_at - grant.granted_at}")
    events = list(ConcernEvent.objects.filter(concern=concern, kind="break_glass"))
    if len(events) != 1 or _audit_rows("break_glass", concern.pk) != 1:
        p.add("action", "audit", cell, "break-glass not on the timeline and audited once")
    body = json.loads(api[role].get(f"/concerns/{concern.pk}").content)
    if body.get("redacted") is not False or body.get("text") != h.PROTECTED_TEXT:
        p.add("action", "grant", cell, "the API still redacts the concern after break-glass")


CASES: dict[str, tuple[Table, Callable[..., None]]] = {
    "reveal": (h.reveal, _try_reveal),
    "break_glass": (h.break_glass, _try_break_glass),
}


@pytest.mark.parametrize("action", CASES)
def test_action_level_matrix(action: str, db: None) -> None:
    table, attempt = CASES[action]
    m = h.build_matrix()
    for place in h.PLACES:
        for protection, flavour in (("plain", "plain"), ("protected", "urgent")):
            m.places[place].concerns[protection] = h.add_concern(m, place, "signed", flavour)
    api = h.api_clients(m)
    before = h.snapshot()
    problems = h.Problems()
    outcomes: dict[str, int] = {}
    for protection in h.PROTECTION:
        for place in h.PLACES:
            for role in h.ROLES[1:]:  # the actions take a signed-in user
                cell = (role, place, protection, action)
                expected = table(place, protection, role)
                outcomes[expected] = outcomes.get(expected, 0) + 1
                with h.rolled_back():
                    _attempt(m, cell, expected, attempt, api, before, problems)
    assert problems == []
    assert sum(outcomes.values()) == 2 * 2 * (len(h.ROLES) - 1)


def _attempt(
    m: h.Matrix,
    cell: h.Cell,
    expected: str,
    attempt: Callable[..., None],
    api: dict[str, h.Api],
    before: h.Snapshot,
    problems: h.Problems,
) -> None:
    if expected == "A":
        try:
            attempt(m, cell, api, problems)
        except SanshiError as exc:
            problems.add("action", "status", cell, f"refused: {exc!r}")
        return
    raised: Any = None
    try:
        attempt(m, cell, api, problems)
    except SanshiError as exc:
        raised = exc
    if type(raised) is not ERRORS[expected]:
        problems.add(
            "action", "status", cell, f"expected {ERRORS[expected].__name__}, got {raised!r}"
        )
    if h.snapshot() != before or BreakGlassGrant.objects.exists():
        problems.add("action", "write", cell, "refused, yet the database changed")
